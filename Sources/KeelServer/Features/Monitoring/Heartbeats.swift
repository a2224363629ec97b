import Fluent
import Foundation
import KeelDomain
import Vapor

/// Push heartbeats: `/ping/{key}` (success), `/start`, `/fail`, `/{exitCode}`, GET or POST, the
/// POST body kept as the run's log. Each change of the job's status (late, down, failed, up
/// again) is decided by the domain's `IncidentPolicy`: a problem opens one incident ticket,
/// a recovery resolves it. A ticker finds jobs that stopped pinging, also after downtime.
enum Heartbeats {
    /// The largest ping body accepted; the run keeps its first `HeartbeatPing.bodyLimit` bytes.
    static let maxBody = 64 * 1024

    /// The routes answer what `PingResponder` hands on: a POST whose body is still streaming.
    static func register(_ app: Application) {
        for method in [HTTPMethod.GET, .POST] {
            app.on(method, "ping", ":key", body: .collect(maxSize: ByteCount(value: maxBody))) { req in
                try await accept(req, key: req.parameters.get("key") ?? "", suffix: "", body: req.body.data).get()
            }
            app.on(method, "ping", ":key", ":suffix", body: .collect(maxSize: ByteCount(value: maxBody))) { req in
                try await accept(req, key: req.parameters.get("key") ?? "", suffix: req.parameters.get("suffix") ?? "", body: req.body.data).get()
            }
        }
        app.answerPingsFirst()
    }

    private static func text(_ status: HTTPResponseStatus, _ body: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
        return Response(status: status, headers: headers, body: .init(string: body + "\n"))
    }

    /// One ping: the key's job (remembered after the first look-up, so usually without a task),
    /// then the next batch; answered once the batch is committed.
    static func accept(_ req: Request, key: String, suffix: String, body: ByteBuffer?) -> EventLoopFuture<Response> {
        let loop = req.eventLoop
        guard let kind = HeartbeatPing(pathSuffix: suffix), key.count <= 100 else {
            return loop.makeSucceededFuture(text(.notFound, req.t("error.ping_unknown")))
        }
        let app = req.application
        let hash = Secrets.sha256Hex(key)
        let (bytes, truncated) = HeartbeatPing.cappedBody(body.map { Data(buffer: $0) } ?? Data())
        let at = Date()
        let keys = app.pingKeys
        let found: EventLoopFuture<UUID?> = if let id = keys.remembered(hash) {
            loop.makeSucceededFuture(id)
        } else {
            loop.makeFutureWithTask { try await keys.checkID(for: hash, on: app.db) }
        }
        return found.flatMap { checkID in
            guard let checkID else { return loop.makeSucceededFuture(text(.notFound, req.t("error.ping_unknown"))) }
            let promise = loop.makePromise(of: Bool.self)
            app.pingBatcher.submit(PingBatcher.Ping(checkID: checkID, kind: kind, at: at, body: String(decoding: bytes, as: UTF8.self),
                                                    truncated: truncated), promise)
            return promise.futureResult.map { stored in
                guard stored else {
                    keys.forget(hash)
                    return text(.notFound, req.t("error.ping_unknown"))
                }
                return text(.ok, "OK")
            }
        }
    }

    /// Jobs whose next status change is due: late, down, a start without its finish.
    @discardableResult
    static func tick(_ app: Application, now: Date = Date()) async throws -> Int {
        let due = try await MonitorCheck.query(on: app.db).filter(\.$type == "push").filter(\.$nextCheckAt <= now).limit(500).all()
        for check in due {
            let checkID = try check.requireID()
            let change = try await app.groupCommit.submit { db in
                try await step(checkID, at: now, on: db) { state in state.advance(now: now) }
            }
            if let change { try await incident(for: change.check, transition: change.transition, inMaintenance: change.inMaintenance, app: app) }
        }
        return due.count
    }

    struct Change: Sendable { let check: MonitorCheck; let transition: HeartbeatTransition; let inMaintenance: Bool }

    /// One step of a job's state inside a write transaction, stored with the contacts' notices
    /// of a change; returns the change.
    private static func step(_ checkID: UUID, at now: Date, on db: any Database,
                             _ step: @Sendable (inout HeartbeatState) -> HeartbeatTransition?) async throws -> Change? {
        guard let check = try await MonitorCheck.find(checkID, on: db),
              var state = try? JSONDecoder().decode(HeartbeatState.self, from: Data(check.state.utf8)) else { return nil }
        let transition = step(&state)
        check.state = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        check.status = state.status.rawValue
        check.nextCheckAt = state.evaluate(now: now).nextChangeAt
        check.updatedAt = now
        if state.lastPingAt != nil { check.lastPingAt = state.lastPingAt }
        try await check.update(on: db)
        guard let transition else { return nil }
        return try await recordChange(checkID, transition, on: db)
    }

    /// A change of a job's status inside the write transaction that made it: the contacts are
    /// told unless a maintenance window covers the job (then it is only recorded).
    static func recordChange(_ checkID: UUID, _ transition: HeartbeatTransition, on db: any Database) async throws -> Change? {
        guard let check = try await MonitorCheck.find(checkID, on: db) else { return nil }
        let windows = try await MaintenanceWindows.of(check.organizationID, on: db)
        let inMaintenance = MaintenanceWindow.isInMaintenance(MaintenanceWindows.reference(check), at: transition.at, windows: windows)
        if !inMaintenance {
            try await MonitoringNotices.checkChanged(check, from: transition.from.rawValue, to: transition.to.rawValue, at: transition.at, on: db)
        }
        return Change(check: check, transition: transition, inMaintenance: inMaintenance)
    }

    /// The incident tickets of committed changes.
    static func carry(_ changes: [Change], app: Application) async {
        for change in changes {
            do {
                try await incident(for: change.check, transition: change.transition, inMaintenance: change.inMaintenance, app: app)
            } catch {
                app.logger.error("heartbeat incident failed", metadata: ["check": "\(change.check.id?.uuidString ?? "")", "error": "\(error)"])
            }
        }
    }

    private static func incident(for check: MonitorCheck, transition: HeartbeatTransition, inMaintenance: Bool, app: Application) async throws {
        let open = try await CheckIncidents.open(of: check, on: app.db)
        let decision = IncidentPolicy.decide(heartbeat: transition, openIncidentExists: open != nil, inMaintenance: inMaintenance,
                                             autoResolve: check.autoResolve)
        try await CheckIncidents.carry(decision, for: check, open: open, from: transition.from.rawValue, to: transition.to.rawValue,
                                       at: transition.at, app: app) { language in
            let title = app.catalog.text("monitoring.heartbeat_\(transition.to.rawValue)", language, ["name": check.name])
            return (title, title)
        }
    }
}


extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
