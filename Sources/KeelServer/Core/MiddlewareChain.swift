import Vapor

/// Keel's middlewares run as one, in one task with the route. Vapor starts a task for each
/// async middleware and another for an async route, and hands the request between them
/// through event-loop futures: each hand-over is a thread switch, a dozen a request. Here
/// each middleware calls the next directly and the last calls an async route's handler.
struct MiddlewareChain: Middleware {
    let middlewares: [any AsyncMiddleware]

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // An async route is called as such; anything else (a route group's own middleware) through its future.
        let last = (next as? any AsyncResponder) ?? Bridge(responder: next)
        let step = Step(chain: middlewares[...], last: last)
        let promise = request.eventLoop.makePromise(of: Response.self)
        promise.completeWithTask { try await step.respond(to: request) }
        return promise.futureResult
    }

    private struct Step: AsyncResponder {
        let chain: ArraySlice<any AsyncMiddleware>
        let last: any AsyncResponder

        func respond(to request: Request) async throws -> Response {
            guard let first = chain.first else { return try await last.respond(to: request) }
            return try await first.respond(to: request, chainingTo: Step(chain: chain.dropFirst(), last: last))
        }
    }

    private struct Bridge: AsyncResponder {
        let responder: any Responder

        func respond(to request: Request) async throws -> Response {
            try await responder.respond(to: request).get()
        }
    }
}

/// Static files are only ever fetched: API calls and form posts skip the file-system look-up,
/// which for each request was a hop to the I/O thread pool and back.
struct PublicFiles: AsyncMiddleware {
    let files: FileMiddleware

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET || request.method == .HEAD, !request.url.path.hasPrefix("/api/") else {
            return try await next.respond(to: request)
        }
        return try await files.respond(to: request, chainingTo: next)
    }
}
