import Fluent
import Foundation
import Vapor

/// Browser sessions: a random cookie value whose SHA-256 is the stored key.
enum SessionStore {
    static func context(forCookie cookie: String, request: Request) async throws -> RequestContext? {
        let hash = Secrets.sha256Hex(cookie)
        guard let session = try await WebSession.query(on: request.db).filter(\.$tokenHash == hash).with(\.$user).first(),
              session.expiresAt > Date(), session.user.active else { return nil }
        return try await RequestContext.make(
            user: session.user, on: request.db, via: "session",
            credentialID: session.id.map { String($0.uuidString.lowercased().prefix(8)) },
            address: request.clientAddress, csrfToken: session.csrfToken, sessionID: session.id)
    }

    /// Starts a session for a person who just proved who they are; returns the cookie value.
    static func start(for user: User, request: Request) async throws -> String {
        let cookie = Secrets.token()
        let session = WebSession()
        session.tokenHash = Secrets.sha256Hex(cookie)
        session.$user.id = try user.requireID()
        session.csrfToken = Secrets.token(bytes: 24)
        session.address = request.clientAddress
        session.userAgent = request.headers.first(name: .userAgent).map { String($0.prefix(250)) }
        session.expiresAt = Date().addingTimeInterval(Double(request.application.keel.sessionHours) * 3600)
        let actor = AuditActor(userID: user.id, label: user.email, via: "session", credentialID: nil, address: request.clientAddress)
        let organizationID = user.$organization.id
        let userID = user.id?.uuidString.lowercased()
        try await request.application.write { db in
            try await session.create(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "session.start",
                                      entityType: "user", entityID: userID, changes: ChangeSet())
        }
        return cookie
    }

    static func end(_ request: Request) async throws {
        guard let context = request.context, let sessionID = context.sessionID else { return }
        try await request.application.write { db in
            try await WebSession.query(on: db).filter(\.$id == sessionID).delete()
            try await AuditLog.append(on: db, actor: context.actor, organizationID: context.user.organizationID,
                                      action: "session.end", entityType: "user",
                                      entityID: context.user.id.uuidString.lowercased(), changes: ChangeSet())
        }
    }

    static func cookie(_ value: String, request: Request, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
                          isSecure: request.application.keel.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }
}
