import Fluent
import SQLKit

struct CreateNotifications: AsyncMigration {
    var name: String { "004_CreateNotifications" }

    func prepare(on database: any Database) async throws {
        try await database.schema(InAppNotification.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id))
            .field("ticket_id", .uuid, .references(Ticket.schema, .id))
            .field("kind", .string, .required)
            .field("ticket_number", .int, .required)
            .field("title", .string, .required)
            .field("read_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "notifications_user_read").on(InAppNotification.schema).column("user_id").column("read_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(InAppNotification.schema).delete()
    }
}
