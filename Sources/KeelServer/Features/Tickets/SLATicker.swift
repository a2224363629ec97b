import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// Finds SLA warnings and breaches that came due and records them, once a minute and at
/// start (so nothing is missed while the server was down). With several Keel nodes on
/// PostgreSQL, a transaction-scoped advisory lock lets one node do each round.
final class SLATicker: LifecycleHandler, Sendable {
    let interval: TimeAmount
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(interval: TimeAmount = .seconds(60)) {
        self.interval = interval
    }

    func didBootAsync(_ application: Application) async throws {
        let interval = self.interval
        task.withLockedValue { current in
            current = Task {
                while !Task.isCancelled {
                    do {
                        let now = Date()
                        let count = try await SLATicker.tick(application, now: now)
                        if count > 0 { application.logger.info("SLA ticker recomputed \(count) tickets") }
                        let closed = try await AutoClose.run(application, now: now, days: application.keel.autoCloseDays)
                        if closed > 0 { application.logger.info("closed \(closed) tickets resolved long enough ago") }
                    } catch {
                        application.logger.report(error: error)
                    }
                    try? await Task.sleep(nanoseconds: UInt64(interval.nanoseconds))
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { current -> Task<Void, Never>? in
            defer { current = nil }
            return current
        }
        running?.cancel()
        await running?.value
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
