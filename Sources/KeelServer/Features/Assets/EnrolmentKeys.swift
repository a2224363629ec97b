import Fluent
import SQLKit
import Foundation
import Vapor

/// Each organisation's inventory enrolment key: the secret in the agent's URL that tells
/// Keel whose device is reporting. Stored hashed for the look-up and sealed (encrypted with
/// the server key) so admins can read it again on the organisation's page.
enum EnrolmentKeys {
    /// A new random key for the organisation, replacing any old one (the old URL stops working).
    static func issue(for organizationID: UUID, box: SecretBox, on db: any Database) async throws -> String {
        let key = Secrets.token(bytes: 24, prefix: "ke_")
        let record = try await InventoryEnrolment.query(on: db).filter(\.$organization.$id == organizationID).first()
            ?? InventoryEnrolment()
        record.$organization.id = organizationID
        record.keyHash = Secrets.sha256Hex(key)
        record.keySealed = try box.seal(key)
        if record.createdAt == nil { record.createdAt = Date() }
        try await record.save(on: db)
        return key
    }

    /// A person's "new key" (API or page): the key replaced, audited, in one transaction.
    static func reissue(for organizationID: UUID, actor: AuditActor, app: Application) async throws -> String {
        let box = try app.secretBox
        return try await app.write { db in
            let key = try await issue(for: organizationID, box: box, on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "inventory_key.issue",
                                      entityType: "organization", entityID: organizationID.uuidString.lowercased(),
                                      changes: .single("inventoryEnrolmentKey", before: nil, after: "(new)"))
            return key
        }
    }

    /// What an agent's request is checked against: the organisation and its optional Basic credentials.
    struct Enrolment: Sendable {
        let organizationID: UUID
        let basicUser: String?
        let basicPasswordHash: String?
    }

    /// The enrolment a key belongs to, or nil. Every agent request asks, so it is one narrow
    /// SQL read rather than a model (building a model by reflection costs more than the query).
    static func enrolment(for key: String, on db: any Database) async throws -> Enrolment? {
        guard !key.isEmpty, key.count <= 200 else { return nil }
        let sql = db as! any SQLDatabase
        guard let row = try await sql.select().columns("organization_id", "basic_user", "basic_password_hash").from(InventoryEnrolment.schema)
            .where("key_hash", .equal, SQLBind(Secrets.sha256Hex(key))).limit(1).first() else { return nil }
        return Enrolment(organizationID: try row.decode(column: "organization_id", as: UUID.self),
                         basicUser: try row.decode(column: "basic_user", as: String?.self),
                         basicPasswordHash: try row.decode(column: "basic_password_hash", as: String?.self))
    }

    /// The readable key, for the people who may see it (provider admins and the organisation's admins).
    static func shown(for organizationID: UUID, context: RequestContext?, box: SecretBox, on db: any Database) async throws -> String? {
        guard let context, context.isProviderAdmin || (context.role == .clientAdmin && context.user.organizationID == organizationID
                                                        && context.integrationOrganizationID == nil) else { return nil }
        guard let record = try await InventoryEnrolment.query(on: db).filter(\.$organization.$id == organizationID).first() else { return nil }
        return try box.open(record.keySealed)
    }

    static func register(_ api: API) {
        api.on(.POST, "organizations/{organizationID}/inventory-key", "Issue a new inventory enrolment key (the old one stops working)",
               tag: "assets", response: "EnrolmentKeyOut", status: 201) { req in
            let context = try req.requireContext()
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            let organizationID = try organization.requireID()
            guard context.isProviderAdmin || (context.role == .clientAdmin && context.integrationOrganizationID == nil) else {
                throw KeelError.forbidden
            }
            let key = try await reissue(for: organizationID, actor: context.actor, app: req.application)
            return try await EnrolmentKeyOut(organizationId: organizationID, inventoryEnrolmentKey: key)
                .response(status: .created, for: req)
        }
    }
}

struct EnrolmentKeyOut: Content {
    let organizationId: UUID
    let inventoryEnrolmentKey: String
}
