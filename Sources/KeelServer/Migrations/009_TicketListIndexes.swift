import Fluent
import SQLKit

/// Indexes the benchmark showed missing: auto-close looks up resolved tickets by time, and
/// status-filtered lists walk tickets newest first.
struct TicketListIndexes: AsyncMigration {
    var name: String { "009_TicketListIndexes" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "tickets_status_resolved").on(Ticket.schema).column("status").column("resolved_at").run()
        try await sql.create(index: "tickets_status_number").on(Ticket.schema).column("status").column("number").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "tickets_status_resolved").run()
        try await sql.drop(index: "tickets_status_number").run()
    }
}
