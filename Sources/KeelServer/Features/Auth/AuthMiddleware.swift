import Fluent
import Foundation
import Vapor

/// Resolves the caller once per request — from a bearer token or the session cookie —
/// into a `RequestContext`, and enforces CSRF on every unsafe request made with a cookie.
struct AuthMiddleware: AsyncMiddleware {
    static let sessionCookie = "keel_session"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            guard let context = try await TokenAuthenticator.context(for: bearer.token, request: request) else {
                throw KeelError.unauthorized
            }
            request.context = context
        } else if let cookie = request.cookies[Self.sessionCookie]?.string, !cookie.isEmpty {
            request.context = try await SessionStore.context(forCookie: cookie, request: request)
            if let context = request.context, !request.method.isSafe {
                try await Self.requireCSRF(request, expected: context.csrfToken ?? "")
            }
        }
        return try await next.respond(to: request)
    }

    /// Checks the `_csrf` form field or the `X-CSRF-Token` header against the session's token.
    static func requireCSRF(_ request: Request, expected: String) async throws {
        var presented = request.headers.first(name: "X-CSRF-Token")
        if presented == nil, request.headers.contentType == .urlEncodedForm || request.headers.contentType == .formData {
            let config = request.application.keel
            let limit = request.headers.contentType == .formData ? max(config.maxBodyBytes, config.uploadMaxBytes) : config.maxBodyBytes
            _ = try await request.body.collect(max: limit).get()
            presented = try? request.content.get(String.self, at: "_csrf")
        }
        guard let presented, !expected.isEmpty, Secrets.constantTimeEquals(presented, expected) else {
            throw KeelError(.forbidden, "csrf_failed")
        }
    }
}

extension HTTPMethod {
    var isSafe: Bool { self == .GET || self == .HEAD || self == .OPTIONS }
}

enum TokenAuthenticator {
    static func context(for secret: String, request: Request) async throws -> RequestContext? {
        let hash = Secrets.sha256Hex(secret)
        guard let token = try await ApiToken.query(on: request.db).filter(\.$tokenHash == hash).with(\.$user).first(),
              token.revokedAt == nil, token.user.active else { return nil }
        let now = Date()
        if let expires = token.expiresAt, expires <= now { return nil }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            // Coarse on purpose: one write a minute per token, not one per request.
            let tokenID = try token.requireID()
            _ = try? await request.application.write { db in
                try await ApiToken.query(on: db).filter(\.$id == tokenID).set(\.$lastUsedAt, to: now).update()
            }
        }
        return try await RequestContext.make(
            user: token.user, on: request.db, via: "token", credentialID: token.id?.uuidString.lowercased(),
            address: request.clientAddress, integrationOrganizationID: token.$organization.id)
    }
}
