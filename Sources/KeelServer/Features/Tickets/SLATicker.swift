import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// Finds SLA warnings and breaches that came due and records them, once a minute and at
/// start (so nothing is missed while the server was down). With several Keel nodes on
/// PostgreSQL, a transaction-scoped advisory lock lets one node do each round.
enum SLATicker {
    /// The server's round (run by a `BackgroundLoop`): due SLA instants, then auto-close.
    static func round(_ application: Application) async throws {
        let now = Date()
        let count = try await tick(application, now: now)
        if count > 0 { application.logger.info("SLA ticker recomputed \(count) tickets") }
        let closed = try await AutoClose.run(application, now: now, days: application.keel.autoCloseDays)
        if closed > 0 { application.logger.info("closed \(closed) tickets resolved long enough ago") }
    }

    /// One round: every ticket whose next SLA instant has passed. Returns how many.
    @discardableResult
    static func tick(_ app: Application, now: Date, batch: Int = 500) async throws -> Int {
        let engine = app.sla
        return try await app.write { db in
            if db.isPostgres, let sql = db as? any SQLDatabase {
                let rows = try await sql.raw("SELECT pg_try_advisory_xact_lock(7315002) AS locked").all()
                guard try rows.first?.decode(column: "locked", as: Bool.self) == true else { return 0 }
            }
            let due = try await Ticket.query(on: db).filter(\.$slaCheckAt <= now).sort(\.$slaCheckAt).limit(batch).all()
            for ticket in due { try await engine.recompute(ticket, on: db, now: now) }
            return due.count
        }
    }
}
