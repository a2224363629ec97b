import Fluent
import Foundation
import KeelDomain
import Vapor

/// Closes tickets that stayed resolved for `days` (KEEL_AUTO_CLOSE_DAYS, 0 = never).
/// Runs with the SLA ticker; each close is a history entry and an audit row by `system`.
enum AutoClose {
    @discardableResult
    static func run(_ app: Application, now: Date, days: Int, batch: Int = 500) async throws -> Int {
        guard days > 0 else { return 0 }
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        let engine = app.sla
        return try await app.write { db in
            let due = try await Ticket.query(on: db).filter(\.$status == TicketStatus.resolved.rawValue)
                .filter(\.$resolvedAt <= cutoff).limit(batch).all()
            for ticket in due {
                guard let resolvedAt = ticket.resolvedAt, TicketStatus.autoCloseDue(resolvedAt: resolvedAt, now: now, days: days) else { continue }
                ticket.status = TicketStatus.closed.rawValue
                ticket.closedAt = now
                ticket.updatedAt = now
                try await TicketHistory.record(on: db.sql, ticket: ticket, kind: "status", from: TicketStatus.resolved.rawValue,
                                               to: TicketStatus.closed.rawValue, actor: nil, isPublic: true, at: now)
                try await engine.recompute(ticket, on: db, now: now)
                var changes = ChangeSet()
                changes.record("status", before: TicketStatus.resolved.rawValue, after: TicketStatus.closed.rawValue)
                try await AuditLog.append(on: db, actor: .system, organizationID: ticket.$organization.id, action: "ticket.auto_close",
                                          entityType: "ticket", entityID: ticket.id?.uuidString.lowercased(), changes: changes)
            }
            return due.count
        }
    }
}
