import Fluent
import Foundation
import KeelDomain
import SQLKit
import Vapor

/// Runs active checks when they are due. Each check's first run is spread over its interval
/// by its id (`MonitorSchedule`), so a thousand checks created together do not fire together;
/// at most `concurrency` probes run at once. A check is claimed with a conditional update of
/// its lease before it runs, so with several Keel nodes on one PostgreSQL each run happens
/// once, without another coordination system; a node that dies mid-probe leaves a lease that
/// expires. Results, the state machine (retries, flap damping) and incidents follow.
enum CheckRunner {
    static let concurrency = 64

    /// One probe's outcome with the check's new state, waiting to be stored.
    struct Finished: Sendable {
        let check: MonitorCheck
        let row: CheckResult
        let result: MonitorResult
        let transition: MonitorTransition?
        let inMaintenance: Bool
    }

    /// Claims the checks due at `now`, runs them (at most `concurrency` at once), stores the
    /// results in one transaction and carries out status changes; returns how many ran.
    /// The server's scheduler (`CheckScheduler`) does the same without waiting for slow probes.
    @discardableResult
    static func tick(_ app: Application, now: Date = Date()) async throws -> Int {
        let claimed = try await claimDue(app, now: now, limit: 2000)
        let windows = try await maintenance(for: claimed, on: app.db)
        var finished: [Finished] = []
        await withTaskGroup(of: Finished?.self) { group in
            var running = 0
            for check in claimed {
                if running >= concurrency, let done = await group.next() { running -= 1; if let done { finished.append(done) } }
                group.addTask { await probe(check, windows: windows[check.organizationID] ?? [], app: app) }
                running += 1
            }
            for await done in group { if let done { finished.append(done) } }
        }
        try await store(finished, app: app)
        return claimed.count
    }

    static let activeTypes = ["http", "tcp", "tls", "dns", "ping"]

    /// The due checks no other node holds, at most `limit`, each leased to this node.
    static func claimDue(_ app: Application, now: Date, limit: Int) async throws -> [MonitorCheck] {
        guard limit > 0 else { return [] }
        let due = try await MonitorCheck.query(on: app.db).filter(\.$type ~~ activeTypes).filter(\.$nextCheckAt <= now)
            .group(.or) { $0.filter(\.$leaseUntil == nil).filter(\.$leaseUntil < now) }
            .sort(\.$nextCheckAt).limit(limit).all()
        var claimed: [MonitorCheck] = []
        for start in stride(from: 0, to: due.count, by: 500) {
            let batch = Array(due[start..<min(start + 500, due.count)])
            let won = try await claim(batch, app: app, now: now)
            claimed += batch.filter { $0.id.map(won.contains) ?? false }
        }
        return claimed
    }

    /// Takes the leases of `checks` that no other node holds, in one conditional UPDATE;
    /// returns the ids won.
    private static func claim(_ checks: [MonitorCheck], app: Application, now: Date) async throws -> Set<UUID> {
        guard !checks.isEmpty else { return [] }
        let longest = checks.map { decodeConfig($0)?.policy.timeoutSeconds ?? 30 }.max() ?? 30
        let lease = now.addingTimeInterval(Double(longest + 30))
        let ids = checks.compactMap(\.id)
        return try await app.write { db in
            let sql = db as! any SQLDatabase
            let rows = try await sql.update(MonitorCheck.schema)
                .set("lease_until", to: SQLBind(lease))
                .where("id", .in, SQLBind.group(ids))
                .where { $0.where("lease_until", .is, SQLLiteral.null).orWhere("lease_until", .lessThan, SQLBind(now)) }
                .returning("id")
                .all()
            return Set(try rows.map { try $0.decode(column: "id", as: UUID.self) })
        }
    }

    /// The maintenance windows of the checks' organisations, one query.
    static func maintenance(for checks: [MonitorCheck], on db: any Database) async throws -> [UUID: [MaintenanceWindow]] {
        let organizations = Array(Set(checks.map(\.organizationID)))
        guard !organizations.isEmpty else { return [:] }
        let records = try await MaintenanceWindowRecord.query(on: db).filter(\.$organizationID ~~ organizations).all()
        return Dictionary(grouping: records, by: \.organizationID).mapValues { $0.compactMap(\.window) }
    }

    static func decodeConfig(_ check: MonitorCheck) -> ActiveCheckConfig? {
        check.config.flatMap { try? JSONDecoder().decode(ActiveCheckConfig.self, from: Data($0.utf8)) }
    }

    /// Runs one probe and works out the check's new state; touches no database.
    static func probe(_ check: MonitorCheck, windows: [MaintenanceWindow], app: Application) async -> Finished? {
        guard let config = decodeConfig(check), let kind = MonitorCheckKind(rawValue: check.type),
              let target = MonitorTarget.parse(kind: kind, check.target ?? ""), let checkID = check.id else { return nil }
        let started = Date()
        let due = check.nextCheckAt ?? started
        var note: String?
        let result: MonitorResult
        if kind == .ping {
            (result, note) = await Probes.ping(host: target.host, config: config, app: app, at: started)
        } else {
            result = await Probes.run(target, config: config, app: app, now: started)
        }
        var state = (try? JSONDecoder().decode(MonitorCheckState.self, from: Data(check.state.utf8))) ?? MonitorCheckState()
        let inMaintenance = MaintenanceWindow.isInMaintenance(MaintenanceWindows.reference(check), at: result.at, windows: windows)
        let transition = state.record(result, policy: config.policy, inMaintenance: inMaintenance)
        let row = CheckResult()
        row.id = OrderedID.make(at: result.at)
        row.checkID = checkID
        row.at = result.at
        row.up = result.isUp
        row.latencyMs = result.latencyMilliseconds
        row.error = result.error?.rawValue
        row.delayMs = max(0, started.timeIntervalSince(due) * 1000)
        check.state = (try? JSONEncoder().encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? check.state
        check.status = state.status.rawValue
        check.lastLatencyMs = result.latencyMilliseconds
        check.probeNote = note
        check.nextCheckAt = MonitorSchedule.nextDue(after: due, interval: TimeInterval(config.policy.intervalSeconds), now: Date())
        check.leaseUntil = nil
        check.updatedAt = Date()
        return Finished(check: check, row: row, result: result, transition: transition, inMaintenance: inMaintenance)
    }

    /// Stores finished probes in one transaction (results, hourly roll-ups, the checks' state,
    /// their contacts' notices), then carries out status changes for incident tickets.
    static func store(_ finished: [Finished], app: Application) async throws {
        guard !finished.isEmpty else { return }
        try await app.write { db in
            try await finished.map(\.row).create(on: db)
            try await CheckRollupRecord.add(finished.map { ($0.row.checkID, $0.result) }, on: db)
            for item in finished {
                try await item.check.update(on: db)
                if let transition = item.transition, !item.inMaintenance {
                    try await MonitoringNotices.checkChanged(item.check, from: transition.from.rawValue, to: transition.to.rawValue,
                                                             at: transition.at, on: db)
                }
            }
        }
        for item in finished {
            guard let transition = item.transition else { continue }
            do {
                try await incident(for: item.check, transition: transition, inMaintenance: item.inMaintenance, app: app)
            } catch {
                app.logger.error("check incident failed", metadata: ["check": "\(item.check.id?.uuidString ?? "")", "error": "\(error)"])
            }
        }
    }

    /// What a status change means for the check's incident ticket (`IncidentPolicy`).
    private static func incident(for check: MonitorCheck, transition: MonitorTransition, inMaintenance: Bool, app: Application) async throws {
        let open = try await CheckIncidents.open(of: check, on: app.db)
        let decision = IncidentPolicy.decide(transition: transition, openIncidentExists: open != nil, inMaintenance: inMaintenance,
                                             autoResolve: check.autoResolve)
        try await CheckIncidents.carry(decision, for: check, open: open, from: transition.from.rawValue, to: transition.to.rawValue,
                                       at: transition.at, app: app) { language in
            let title = app.catalog.text("monitoring.check_down", language, ["name": check.name])
            let reason = app.catalog.text("monitoring.error.\(transition.error?.rawValue ?? "other")", language)
            return (title, "\(title)\n\(check.target ?? "")\n\(reason)")
        }
    }
}

