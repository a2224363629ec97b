import Fluent
import Foundation
import KeelDomain
import SQLKit
import Vapor

/// Who hears about monitoring, outside tickets: a check's contacts when its status changes
/// (in-app and, through the outbox, by mail in each person's language), and a maintenance
/// window's contacts before an occurrence (48 h ahead) and when it is over.
enum MonitoringNotices {
    /// The status changes people are told of: a problem, and the recovery from one. A check
    /// going up for the first time, or a job running a little late, is not news.
    static func isNews(from: String, to: String) -> Bool {
        switch to {
        case "down", "failed": return true
        case "up": return ["down", "failed"].contains(from)
        default: return false
        }
    }

    /// One notification per contact, in the same transaction as the change it reports.
    static func checkChanged(_ check: MonitorCheck, from: String, to: String, at: Date, on db: any Database) async throws {
        guard isNews(from: from, to: to), let id = check.id else { return }
        try await notify(check.contactIDs, kind: "check_\(to)", title: check.name, checkID: id, link: "/monitoring/checks/\(id.uuidString)",
                         start: at, end: nil, on: db)
    }

    static func notify(_ people: [UUID], kind: String, title: String, checkID: UUID?, link: String, start: Date?, end: Date?,
                       on db: any Database) async throws {
        for person in Set(people) {
            let note = InAppNotification()
            note.$user.id = person
            note.kind = kind
            note.ticketNumber = 0
            note.title = String(title.prefix(200))
            note.createdAt = Date()
            note.mailState = "pending"
            note.checkID = checkID
            note.link = link
            note.eventAt = start
            note.eventEnd = end
            try await note.create(on: db)
        }
    }

    /// Sends the advance notices that have come due and the completion notices of occurrences
    /// that ended, each once per occurrence (the occurrence is recorded on the window).
    @discardableResult
    static func sweepMaintenance(_ app: Application, now: Date = Date()) async throws -> Int {
        var sent = 0
        for record in try await MaintenanceWindowRecord.query(on: app.db).all() {
            guard let window = record.window else { continue }
            let people = record.contacts.flatMap { try? JSONDecoder().decode([UUID].self, from: Data($0.utf8)) } ?? []
            let link = "/monitoring/organizations/\(record.organizationID.uuidString)"
            var kinds: [(String, DateInterval)] = []
            if let next = window.upcomingNotice(now: now), !same(record.noticedStart, next.start) {
                kinds.append(("maintenance_upcoming", next))
            }
            let recent = window.occurrences(in: DateInterval(start: now.addingTimeInterval(-2 * 86_400), end: now))
                .filter { $0.end <= now && $0.end > record.createdAt }.last
            if let recent, (record.completedEnd ?? .distantPast).addingTimeInterval(1) < recent.end {
                kinds.append(("maintenance_done", recent))
            }
            guard !kinds.isEmpty, let windowID = record.id else { continue }
            let notices = kinds, name = record.name
            sent += try await app.write { db -> Int in
                var told = 0
                for (kind, occurrence) in notices {
                    // Claimed with a conditional update first: with several Keel nodes on one
                    // PostgreSQL, one of them sends each notice.
                    let column = kind == "maintenance_upcoming" ? "noticed_start" : "completed_end"
                    let value = kind == "maintenance_upcoming" ? occurrence.start : occurrence.end
                    let won = try await (db as! any SQLDatabase).update(MaintenanceWindowRecord.schema).set(column, to: SQLBind(value))
                        .where("id", .equal, SQLBind(windowID))
                        .where { $0.where(column, .is, SQLLiteral.null).orWhere(column, .lessThan, SQLBind(value.addingTimeInterval(-1))) }
                        .returning("id").all()
                    guard !won.isEmpty else { continue }
                    try await notify(people, kind: kind, title: name, checkID: nil, link: link, start: occurrence.start, end: occurrence.end, on: db)
                    told += people.count
                }
                return told
            }
        }
        return sent
    }

    private static func same(_ stored: Date?, _ computed: Date) -> Bool {
        stored.map { abs($0.timeIntervalSince(computed)) < 1 } ?? false
    }

    /// Raw results older than the retention period go, a batch at a time (roll-ups stay).
    @discardableResult
    static func pruneResults(_ app: Application, now: Date = Date()) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(app.keel.checkResultDays) * 86_400)
        var removed = 0
        while true {
            let count = try await app.write { db -> Int in
                let sql = db as! any SQLDatabase
                let rows = try await sql.raw("""
                    DELETE FROM check_results WHERE id IN (SELECT id FROM check_results WHERE at < \(bind: cutoff) LIMIT 5000) RETURNING id
                    """).all()
                return rows.count
            }
            removed += count
            if count < 5000 { return removed }
        }
    }
}
