import Foundation
import KeelDomain
import Vapor

/// `/ping/{key}` and `/ping/{key}/{suffix}` answered ahead of the router and the middleware
/// chain. A ping carries no session or token and its answer is plain text, so none of the
/// middleware applies; skipping them saves a Swift task and a thread hand-off each, and a ping
/// whose key is known costs no task at all: it joins the next batch (`PingBatcher`) on its
/// event loop and is answered when that batch commits. Errors are answered by the same
/// classifier as every other route; a POST whose body is still streaming takes the routed path.
struct PingResponder: Responder {
    let app: Application
    let next: any Responder

    func respond(to request: Request) -> EventLoopFuture<Response> {
        guard request.method == .GET || request.method == .POST, let (key, suffix) = Self.parts(request.url.path),
              let body = Self.readyBody(request) else {
            return next.respond(to: request)
        }
        let started = ContinuousClock.now
        let app = self.app
        let method = request.method.rawValue
        let route = suffix == nil ? "/ping/:key" : "/ping/:key/:suffix"
        return Heartbeats.accept(request, key: key, suffix: suffix ?? "", body: body)
            .flatMapError { error in
                request.eventLoop.makeFutureWithTask {
                    let keelError = KeelErrorMiddleware.classify(error)
                    if keelError.status.code >= 500 { request.logger.report(error: error) }
                    return await KeelErrorMiddleware.response(for: keelError, request: request)
                }
            }
            .map { response in
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                app.metrics.observe(method: method, route: route, status: Int(response.status.code), seconds: seconds)
                return response
            }
    }

    /// The key and the optional suffix of a ping path, percent-decoded as the router would.
    static func parts(_ path: String) -> (key: String, suffix: String?)? {
        guard path.hasPrefix("/ping/") else { return nil }
        let components = path.split(separator: "/")
        guard components.count == 2 || components.count == 3, components[0] == "ping" else { return nil }
        func decoded(_ part: Substring) -> String? {
            part.contains("%") ? String(part).removingPercentEncoding : String(part)
        }
        guard let key = decoded(components[1]) else { return nil }
        if components.count == 2 { return (key, nil) }
        guard let suffix = decoded(components[2]) else { return nil }
        return (key, suffix)
    }

    /// The body when it is already in memory: none, or collected with the head. A body still
    /// streaming (large, or chunked) returns nil and goes through the route, which collects it.
    static func readyBody(_ request: Request) -> ByteBuffer?? {
        if let data = request.body.data { return data.readableBytes <= Heartbeats.maxBody ? .some(data) : nil }
        let length = request.headers.first(name: .contentLength).flatMap { Int($0) } ?? 0
        if length == 0, !request.headers.contains(name: .transferEncoding) { return .some(nil) }
        return nil
    }
}

extension Application {
    /// Installs `PingResponder` in front of Vapor's router.
    func answerPingsFirst() {
        responder.use { app in PingResponder(app: app, next: app.responder.default) }
    }
}
