import Fluent
import Foundation
import Vapor

/// An optional second lock on an organisation's inventory URL: HTTP Basic credentials the
/// agent sends after a `401` with `WWW-Authenticate: Basic` (`--user`/`--password`).
/// Keel generates the password (high entropy), so a SHA-256 hash checks it at the speed
/// inventories arrive; it is also sealed so admins can copy the command again.
enum InventoryAuth {
    static let user = "keel-agent"
    static let realm = "Keel inventory"

    struct Credentials: Content { let organizationId: UUID; let user: String; let password: String }

    /// Whether the request may deliver an inventory for this enrolment.
    static func allows(_ request: Request, _ enrolment: EnrolmentKeys.Enrolment) -> Bool {
        guard let expected = enrolment.basicUser, let hash = enrolment.basicPasswordHash else { return true }
        guard let given = request.headers.basicAuthorization, given.username == expected else { return false }
        return Secrets.constantTimeEquals(Secrets.sha256Hex(given.password), hash)
    }

    static func enable(for organizationID: UUID, actor: AuditActor, app: Application) async throws -> Credentials {
        let password = Secrets.token(bytes: 18, prefix: "")
        let box = try app.secretBox
        try await app.write { db in
            guard let record = try await InventoryEnrolment.query(on: db).filter(\.$organization.$id == organizationID).first() else {
                throw KeelError.conflict("inventory_key_missing")
            }
            record.basicUser = user
            record.basicPasswordHash = Secrets.sha256Hex(password)
            record.basicPasswordSealed = try box.seal(password)
            try await record.save(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "inventory_auth.enable",
                                      entityType: "organization", entityID: organizationID.uuidString.lowercased(),
                                      changes: .single("inventoryBasicAuth", before: nil, after: user))
        }
        return Credentials(organizationId: organizationID, user: user, password: password)
    }

    static func disable(for organizationID: UUID, actor: AuditActor, app: Application) async throws {
        try await app.write { db in
            guard let record = try await InventoryEnrolment.query(on: db).filter(\.$organization.$id == organizationID).first(),
                  record.basicUser != nil else { return }
            record.basicUser = nil
            record.basicPasswordHash = nil
            record.basicPasswordSealed = nil
            try await record.save(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "inventory_auth.disable",
                                      entityType: "organization", entityID: organizationID.uuidString.lowercased(),
                                      changes: .single("inventoryBasicAuth", before: user, after: nil))
        }
    }

    /// The agent's options for the command shown to admins (`--user=… --password=…`), or "".
    static func agentOptions(for organizationID: UUID, box: SecretBox, on db: any Database) async throws -> String {
        guard let record = try await InventoryEnrolment.query(on: db).filter(\.$organization.$id == organizationID).first(),
              let user = record.basicUser, let sealed = record.basicPasswordSealed else { return "" }
        return " --user=\(user) --password=\(try box.open(sealed))"
    }

    static func mayManage(_ context: RequestContext) -> Bool {
        context.isProviderAdmin || (context.role == .clientAdmin && context.integrationOrganizationID == nil)
    }

    static func register(_ api: API) {
        api.on(.POST, "organizations/{organizationID}/inventory-auth",
               "Require HTTP Basic credentials from the agent (a new password each time; shown once here and on the organisation page)",
               tag: "assets", response: "InventoryAuth", status: 201) { req in
            let context = try req.requireContext()
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            guard mayManage(context) else { throw KeelError.forbidden }
            return try await enable(for: organization.requireID(), actor: context.actor, app: req.application).response(status: .created, for: req)
        }
        api.on(.DELETE, "organizations/{organizationID}/inventory-auth", "Stop requiring HTTP Basic credentials from the agent",
               tag: "assets", status: 204) { req in
            let context = try req.requireContext()
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            guard mayManage(context) else { throw KeelError.forbidden }
            try await disable(for: organization.requireID(), actor: context.actor, app: req.application)
            return HTTPStatus.noContent
        }
    }
}

struct InventoryBasicAuth: AsyncMigration {
    var name: String { "018_InventoryBasicAuth" }

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER.
        for column in ["basic_user", "basic_password_hash", "basic_password_sealed"] {
            try await database.schema(InventoryEnrolment.schema).field(FieldKey(stringLiteral: column), .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        for column in ["basic_user", "basic_password_hash", "basic_password_sealed"] {
            try await database.schema(InventoryEnrolment.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
