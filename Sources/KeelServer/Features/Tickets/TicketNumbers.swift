import Fluent
import SQLKit

/// Hands out install-wide ticket numbers inside the caller's write transaction.
enum TicketNumbers {
    static func next(on sql: any SQLDatabase) async throws -> Int {
        let rows = try await sql.raw("UPDATE counters SET value = value + 1 WHERE name = 'ticket' RETURNING value").all()
        guard let row = rows.first else { throw KeelError(.internalServerError, "internal") }
        return try row.decode(column: "value", as: Int.self)
    }
}
