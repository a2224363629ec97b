import Fluent
import Foundation
import KeelDomain
import Vapor

struct TokenOut: Content {
    let id: UUID
    let name: String
    let kind: String
    let prefix: String
    let organizationId: UUID?
    let expiresAt: Date?
    let revokedAt: Date?
    let lastUsedAt: Date?
    let createdAt: Date?
    /// The secret, present only in the answer that creates the token.
    let token: String?

    init(_ model: ApiToken, secret: String? = nil) {
        id = model.id!
        name = model.name
        kind = model.kind
        prefix = model.prefix
        organizationId = model.$organization.id
        expiresAt = model.expiresAt
        revokedAt = model.revokedAt
        lastUsedAt = model.lastUsedAt
        createdAt = model.createdAt
        token = secret
    }
}

struct TokenInput: Content {
    var name: String
    var expiresAt: Date?
    var organizationId: String?
}

/// Personal and integration tokens. The secret is returned once and stored as SHA-256.
struct TokenService {
    let request: Request
    let context: RequestContext

    init(_ request: Request) throws {
        self.request = request
        self.context = try request.requireContext()
    }

    /// The caller's own tokens, and the integration tokens of organisations they manage.
    func visible() throws -> QueryBuilder<ApiToken> {
        let query = ApiToken.query(on: request.db)
        let me = context.user.id
        if context.isIntegration {
            // An integration token sees itself only, never its creator's personal tokens.
            let own = context.actor.credentialID.flatMap(UUID.init(uuidString:))
            query.filter(\.$id == (own ?? UUID()))
        } else if context.managesPeople {
            let scope = context.scope
            query.group(.or) { group in
                group.filter(\.$user.$id == me)
                group.group(.and) { integration in
                    integration.filter(\.$kind == "integration")
                    if let ids = scope.restriction { integration.filter(\.$organization.$id ~~ Array(ids)) }
                }
            }
        } else {
            query.filter(\.$user.$id == me)
        }
        return query
    }

    func create(_ input: TokenInput, kind: String = "personal") async throws -> (ApiToken, String) {
        _ = try context.requirePerson()
        guard let name = FieldRules.cleanText(input.name, maximum: 100) else { throw KeelError.validation("name", "name_invalid") }
        if let expires = input.expiresAt, expires <= Date() { throw KeelError.validation("expiresAt", "expiry_in_past") }
        let token = ApiToken()
        token.$user.id = context.user.id
        token.name = name
        token.kind = kind
        token.expiresAt = input.expiresAt
        if let raw = input.organizationId, !raw.isEmpty {
            guard context.managesPeople, context.integrationOrganizationID == nil else {
                throw KeelError.validation("organizationId", "role_not_allowed")
            }
            token.$organization.id = try await request.tenant.organization(UUID(uuidString: raw)).requireID()
            token.kind = "integration"
        }
        if kind == "session" {
            token.expiresAt = Date().addingTimeInterval(Double(request.application.keel.sessionHours) * 3600)
        }
        let secret = Secrets.token(prefix: "keel_")
        token.tokenHash = Secrets.sha256Hex(secret)
        token.prefix = String(secret.prefix(10))
        var changes = ChangeSet()
        changes.created(["name": name, "kind": token.kind, "organizationId": token.$organization.id?.uuidString.lowercased(),
                         "expiresAt": token.expiresAt.map { ISO8601DateFormatter().string(from: $0) }])
        let actor = context.actor
        let organizationID = token.$organization.id ?? context.user.organizationID
        let audit = changes
        try await request.application.write { db in
            try await token.create(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "token.create",
                                      entityType: "token", entityID: token.id?.uuidString.lowercased(), changes: audit)
        }
        return (token, secret)
    }

    func revoke(_ id: UUID) async throws -> ApiToken {
        guard let token = try await visible().filter(\.$id == id).first() else { throw KeelError.notFound }
        guard token.revokedAt == nil else { return token }
        token.revokedAt = Date()
        var changes = ChangeSet()
        changes.record("revokedAt", before: nil, after: ISO8601DateFormatter().string(from: token.revokedAt!))
        let actor = context.actor
        let organizationID = token.$organization.id ?? context.user.organizationID
        let audit = changes
        try await request.application.write { db in
            try await token.update(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "token.revoke",
                                      entityType: "token", entityID: token.id?.uuidString.lowercased(), changes: audit)
        }
        return token
    }
}
