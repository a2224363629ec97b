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
        let due = try await MonitorCheck.query(on: app.db).filter(\.$type ~~ ["http", "tcp", "tls", "dns"]).filter(\.$nextCheckAt <= now)
            .group(.or) { $0.filter(\.$leaseUntil == nil).filter(\.$leaseUntil < now) }
            .sort(\.$nextCheckAt).limit(1000).all()
        var claimed: [MonitorCheck] = []
        for check in due where try await claim(check, app: app, now: now) { claimed.append(check) }
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

    /// Takes the check's lease unless another node holds it (one conditional UPDATE).
    private static func claim(_ check: MonitorCheck, app: Application, now: Date) async throws -> Bool {
        let config = decodeConfig(check)
        let lease = now.addingTimeInterval(Double((config?.policy.timeoutSeconds ?? 30) + 30))
        let id = try check.requireID()
        return try await app.write { db in
            let sql = db as! any SQLDatabase
            let rows = try await sql.update(MonitorCheck.schema)
                .set("lease_until", to: SQLBind(lease))
                .where("id", .equal, SQLBind(id))
                .where { $0.where("lease_until", .is, SQLLiteral.null).orWhere("lease_until", .lessThan, SQLBind(now)) }
                .returning("id")
                .all()
            return !rows.isEmpty
        }
    }

    static func decodeConfig(_ check: MonitorCheck) -> ActiveCheckConfig? {
        check.config.flatMap { try? JSONDecoder().decode(ActiveCheckConfig.self, from: Data($0.utf8)) }
    }

    private static func run(_ check: MonitorCheck, app: Application, now: Date) async throws {
        guard let config = decodeConfig(check), let kind = MonitorCheckKind(rawValue: check.type),
              let target = MonitorTarget.parse(kind: kind, check.target ?? "") else { return }
        let result = await Probes.run(target, config: config, app: app, now: Date())
        var state = (try? JSONDecoder().decode(MonitorCheckState.self, from: Data(check.state.utf8))) ?? MonitorCheckState()
        let windows = try await MaintenanceWindows.of(check.organizationID, on: app.db)
        let inMaintenance = MaintenanceWindow.isInMaintenance(MaintenanceWindows.reference(check), at: result.at, windows: windows)
        let transition = state.record(result, policy: config.policy, inMaintenance: inMaintenance)
        let interval = TimeInterval(config.policy.intervalSeconds)
        let due = check.nextCheckAt ?? now
        let row = CheckResult()
        row.id = OrderedID.make(at: result.at)
        row.checkID = try check.requireID()
        row.at = result.at
        row.up = result.isUp
        row.latencyMs = result.latencyMilliseconds
        row.error = result.error?.rawValue
        check.state = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        check.status = state.status.rawValue
        check.lastLatencyMs = result.latencyMilliseconds
        check.nextCheckAt = MonitorSchedule.nextDue(after: due, interval: interval, now: Date())
        check.leaseUntil = nil
        check.updatedAt = Date()
        let checkID = row.checkID
        try await app.write { db in
            try await row.create(on: db)
            try await CheckRollupRecord.add(result, checkID: checkID, on: db)
            try await check.update(on: db)
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
