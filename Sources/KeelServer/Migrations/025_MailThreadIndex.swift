import Fluent
import SQLKit

/// Each outgoing mail threads under its ticket's first message, looked up by ticket: without
/// an index that read every message id ever recorded, for every batch the outbox composed.
struct MailThreadIndex: AsyncMigration {
    var name: String { "025_MailThreadIndex" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX mail_message_ids_ticket ON mail_message_ids (ticket_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX mail_message_ids_ticket").run()
    }
}
