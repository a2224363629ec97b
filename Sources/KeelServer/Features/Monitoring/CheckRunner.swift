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

    /// Claims and runs the checks due at `now`; returns how many ran.
    @discardableResult
    static func tick(_ app: Application, now: Date = Date()) async throws -> Int {
        let due = try await MonitorCheck.query(on: app.db).filter(\.$type ~~ activeTypes).filter(\.$nextCheckAt <= now)
            .group(.or) { $0.filter(\.$leaseUntil == nil).filter(\.$leaseUntil < now) }
            .sort(\.$nextCheckAt).limit(2000).all()
        var claimed: [MonitorCheck] = []
        for start in stride(from: 0, to: due.count, by: 500) {
            let batch = Array(due[start..<min(start + 500, due.count)])
            let won = try await claim(batch, app: app, now: now)
            claimed += batch.filter { $0.id.map(won.contains) ?? false }
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for check in claimed {
                if running >= concurrency { await group.next(); running -= 1 }
                group.addTask {
                    do { try await run(check, app: app, now: now) } catch {
                        app.logger.error("check run failed", metadata: ["check": "\(check.id?.uuidString ?? "")", "error": "\(error)"])
                    }
                }
                running += 1
            }
        }
        return claimed.count
    }

    static let activeTypes = ["http", "tcp", "tls", "dns", "ping"]

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

    static func decodeConfig(_ check: MonitorCheck) -> ActiveCheckConfig? {
        check.config.flatMap { try? JSONDecoder().decode(ActiveCheckConfig.self, from: Data($0.utf8)) }
    }

    private static func run(_ check: MonitorCheck, app: Application, now: Date) async throws {
        guard let config = decodeConfig(check), let kind = MonitorCheckKind(rawValue: check.type),
              let target = MonitorTarget.parse(kind: kind, check.target ?? "") else { return }
        let due = check.nextCheckAt ?? now
        let started = Date()
        var note: String?
        let result: MonitorResult
        if kind == .ping {
            (result, note) = await Probes.ping(host: target.host, config: config, app: app, at: started)
        } else {
            result = await Probes.run(target, config: config, app: app, now: started)
        }
        var state = (try? JSONDecoder().decode(MonitorCheckState.self, from: Data(check.state.utf8))) ?? MonitorCheckState()
        let windows = try await MaintenanceWindows.of(check.organizationID, on: app.db)
        let inMaintenance = MaintenanceWindow.isInMaintenance(MaintenanceWindows.reference(check), at: result.at, windows: windows)
        let transition = state.record(result, policy: config.policy, inMaintenance: inMaintenance)
        let interval = TimeInterval(config.policy.intervalSeconds)
        let row = CheckResult()
        row.id = OrderedID.make(at: result.at)
        row.checkID = try check.requireID()
        row.at = result.at
        row.up = result.isUp
        row.latencyMs = result.latencyMilliseconds
        row.error = result.error?.rawValue
        row.delayMs = max(0, started.timeIntervalSince(due) * 1000)
        check.state = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        check.status = state.status.rawValue
        check.lastLatencyMs = result.latencyMilliseconds
        check.probeNote = note
        check.nextCheckAt = MonitorSchedule.nextDue(after: due, interval: interval, now: Date())
        check.leaseUntil = nil
        check.updatedAt = Date()
        let checkID = row.checkID
        try await app.write { db in
            try await row.create(on: db)
            try await CheckRollupRecord.add(result, checkID: checkID, on: db)
            try await check.update(on: db)
            if let transition, !inMaintenance {
                try await MonitoringNotices.checkChanged(check, from: transition.from.rawValue, to: transition.to.rawValue, at: transition.at, on: db)
            }
        }
        if let transition { try await incident(for: check, transition: transition, inMaintenance: inMaintenance, app: app) }
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

/// Runs due checks every second (and at start, catching up after downtime).
struct CheckRunnerLifecycle: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        let task = Task {
            while !Task.isCancelled {
                do { try await CheckRunner.tick(application) } catch { application.logger.error("check tick failed: \(error)") }
                try? await Task.sleep(nanoseconds: 1_000_000_000)
            }
        }
        application.storage[TaskKey.self] = task
    }

    func shutdownAsync(_ application: Application) async {
        application.storage[TaskKey.self]?.cancel()
    }

    private struct TaskKey: StorageKey { typealias Value = Task<Void, Never> }
}
