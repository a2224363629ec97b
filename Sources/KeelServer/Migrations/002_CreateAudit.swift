import Fluent
import SQLKit

/// The append-only audit log and the indexes that sign-in throttling reads.
struct CreateAudit: AsyncMigration {
    var name: String { "002_CreateAudit" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .field("seq", .int, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("via", .string, .required)
            .field("credential_id", .string)
            .field("address", .string)
            .field("organization_id", .uuid)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string)
            .field("changes", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "audit_events_org_seq").on(AuditEvent.schema).column("organization_id").column("seq").run()
        try await sql.create(index: "login_attempts_email_at").on(LoginAttempt.schema).column("email").column("at").run()
        try await sql.create(index: "login_attempts_address_at").on(LoginAttempt.schema).column("address").column("at").run()
        try await sql.create(index: "users_organization").on(User.schema).column("organization_id").run()
        try await sql.create(index: "sites_organization").on(Site.schema).column("organization_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema).delete()
    }
}
