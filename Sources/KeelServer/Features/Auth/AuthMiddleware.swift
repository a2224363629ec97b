import Fluent
import Foundation
import KeelDomain
import SQLKit
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
    /// One query for token, person and organisation: every API request passes here.
    static func context(for secret: String, request: Request) async throws -> RequestContext? {
        let hash = Secrets.sha256Hex(secret)
        let lookup: (any SQLDatabase) async throws -> (any SQLRow)? = { sql in try await sql.raw("""
            SELECT t.id, t.expires_at, t.last_used_at, t.organization_id AS integration_id, u.id AS user_id, u.email, u.name, u.role,
                   u.organization_id, u.language, u.timezone, o.timezone AS organization_timezone, o.default_language
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            LEFT JOIN organizations o ON o.id = COALESCE(u.organization_id, t.organization_id)
            WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL AND u.active = \(bind: true)
            """).first()
        }
        guard let row = try await request.application.hotRead(or: request.db, lookup) else { return nil }
        let now = Date()
        if let expires = try row.decode(column: "expires_at", as: Date?.self), expires <= now { return nil }
        let tokenID = try row.decode(column: "id", as: UUID.self)
        if try row.decode(column: "last_used_at", as: Date?.self).map({ now.timeIntervalSince($0) > 60 }) ?? true {
            // Coarse on purpose: one write a minute per token, not one per request.
            _ = try? await request.application.write { db in
                try await (db as! any SQLDatabase).update(ApiToken.schema).set("last_used_at", to: SQLBind(now))
                    .where("id", .equal, SQLBind(tokenID)).run()
            }
        }
        let person = Caller(id: try row.decode(column: "user_id", as: UUID.self), email: try row.decode(column: "email", as: String.self),
                            name: try row.decode(column: "name", as: String.self),
                            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .clientUser,
                            organizationID: try row.decode(column: "organization_id", as: UUID?.self),
                            language: try row.decode(column: "language", as: String?.self).flatMap(Language.init(rawValue:)),
                            timezone: try row.decode(column: "timezone", as: String?.self))
        let organization = try row.decode(column: "organization_timezone", as: String?.self).map { zone in
            (timezone: zone, language: Language(rawValue: (try? row.decode(column: "default_language", as: String.self)) ?? "") ?? .en)
        }
        return try await RequestContext.make(
            person: person, organization: organization, on: request.db, via: "token", credentialID: tokenID.uuidString.lowercased(),
            address: request.clientAddress, integrationOrganizationID: try row.decode(column: "integration_id", as: UUID?.self))
    }
}
