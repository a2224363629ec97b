import Fluent
import SQLKit

/// Install-wide settings (the priority matrix first) and the sort keys of ticket lists:
/// a stored priority rank and an index for "recently updated" ("due soonest" has one since 003).
struct ServiceDeskSettings: AsyncMigration {
    var name: String { "010_ServiceDeskSettings" }

    func prepare(on database: any Database) async throws {
        try await database.schema(InstallSetting.schema)
            .field("name", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(Ticket.schema).field("priority_rank", .int).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            UPDATE tickets SET priority_rank = CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 \
            WHEN 'medium' THEN 2 ELSE 3 END
            """).run()
        try await sql.create(index: "tickets_priority_rank_number").on(Ticket.schema).column("priority_rank").column("number").run()
        try await sql.create(index: "tickets_updated_number").on(Ticket.schema).column("updated_at").column("number").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            for index in ["tickets_priority_rank_number", "tickets_updated_number"] {
                try await sql.drop(index: index).run()
            }
        }
        try await database.schema(Ticket.schema).deleteField("priority_rank").update()
        try await database.schema(InstallSetting.schema).delete()
    }
}
