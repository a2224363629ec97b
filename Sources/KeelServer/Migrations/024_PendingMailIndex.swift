import Fluent
import SQLKit

/// The outbox reads the oldest pending notifications, 25 at a time. With an index on the
/// state alone, a backlog (a burst of new tickets outrunning composition) meant reading and
/// sorting every pending row for each batch; with the creation time beside the state, a
/// batch reads its 25 rows in order.
struct PendingMailIndex: AsyncMigration {
    var name: String { "024_PendingMailIndex" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX notifications_mail_state_created ON notifications (mail_state, created_at)").run()
        try await sql.raw("DROP INDEX notifications_mail_state").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX notifications_mail_state ON notifications (mail_state)").run()
        try await sql.raw("DROP INDEX notifications_mail_state_created").run()
    }
}
