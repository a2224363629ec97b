import Fluent
import SQLKit

/// Who hears about a check and a maintenance window, what a notification that is not about a
/// ticket points to, and how late each probe started; and the hash of the last inventory body
/// each device sent, so the same bytes again are recognised before they are inflated and read.
struct AddMonitoringNotices: AsyncMigration {
    var name: String { "021_MonitoringNotices" }

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER.
        try await database.schema(MonitorCheck.schema).field("contacts", .string).update()
        try await database.schema(MonitorCheck.schema).field("probe_note", .string).update()
        try await database.schema(CheckResult.schema).field("delay_ms", .double).update()
        try await database.schema(InAppNotification.schema).field("check_id", .uuid).update()
        try await database.schema(InAppNotification.schema).field("link", .string).update()
        try await database.schema(InAppNotification.schema).field("event_at", .datetime).update()
        try await database.schema(InAppNotification.schema).field("event_end", .datetime).update()
        try await database.schema(MaintenanceWindowRecord.schema).field("contacts", .string).update()
        try await database.schema(MaintenanceWindowRecord.schema).field("noticed_start", .datetime).update()
        try await database.schema(MaintenanceWindowRecord.schema).field("completed_end", .datetime).update()
        try await database.schema(Asset.schema).field("inventory_body_hash", .string).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "check_results_at").on(CheckResult.schema).column("at").run()
        try await sql.create(index: "assets_inventory_body").on(Asset.schema).column("organization_id").column("inventory_body_hash").run()
    }

    func revert(on database: any Database) async throws {
        for (schema, column) in [(MonitorCheck.schema, "contacts"), (MonitorCheck.schema, "probe_note"), (CheckResult.schema, "delay_ms"),
                                 (InAppNotification.schema, "check_id"), (InAppNotification.schema, "link"),
                                 (InAppNotification.schema, "event_at"), (InAppNotification.schema, "event_end"),
                                 (MaintenanceWindowRecord.schema, "contacts"), (MaintenanceWindowRecord.schema, "noticed_start"),
                                 (MaintenanceWindowRecord.schema, "completed_end"), (Asset.schema, "inventory_body_hash")] {
            try await database.schema(schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
