import Fluent
import Foundation
import KeelDomain
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Heartbeat pings in batches: a ping is answered only after it is committed, but pings that
/// arrive while a batch is being written go together into the next one. A batch reads the
/// jobs' states once, applies its pings in arrival order, writes the runs with one INSERT and
/// each job's new state once, all in one transaction; status changes (rare) are carried out
/// after the commit and before the batch is answered. The key → job look-up is remembered, so a ping costs no read.
final class PingBatcher: Sendable {
    struct Ping: Sendable {
        let checkID: UUID
        let kind: HeartbeatPing
        let at: Date
        let body: String
        let truncated: Bool
    }

    private struct Queue {
        var pending: [(ping: Ping, done: EventLoopPromise<Bool>)] = []
        var flushing = false
    }

    private let app: Application
    private let queue = NIOLockedValueBox(Queue())
    private let batchLimit = 1000

    init(app: Application) { self.app = app }

    /// Queues the ping; `done` gets false when the job no longer exists. The first ping of an
    /// idle batcher starts the one task that writes batches until the queue is empty.
    func submit(_ ping: Ping, _ done: EventLoopPromise<Bool>) {
        let start = queue.withLockedValue { queue in
            queue.pending.append((ping, done))
            if queue.flushing { return false }
            queue.flushing = true
            return true
        }
        if start { Task { await self.flush() } }
    }

    private func flush() async {
        while true {
            let batch = queue.withLockedValue { queue in
                let batch = Array(queue.pending.prefix(batchLimit))
                queue.pending.removeFirst(batch.count)
                if batch.isEmpty { queue.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let (stored, changes) = try await Self.write(batch.map(\.ping), app: app)
                // Incidents first, so a ping that changed the status answers with its ticket done.
                await Heartbeats.carry(changes, app: app)
                for (index, item) in batch.enumerated() { item.done.succeed(stored[index]) }
            } catch {
                app.logger.error("ping batch failed: \(error)")
                for item in batch { item.done.fail(error) }
            }
        }
    }

    /// One transaction for the batch; returns which pings found their job, and the changes.
    private static func write(_ pings: [Ping], app: Application) async throws -> ([Bool], [Heartbeats.Change]) {
        try await app.write { db in
            let sql = db as! any SQLDatabase
            let ids = Array(Set(pings.map(\.checkID)))
            let rows = try await sql.select().columns("id", "state").from(MonitorCheck.schema)
                .where("id", .in, SQLBind.group(ids)).where("type", .equal, SQLBind("push")).all()
            var states: [UUID: HeartbeatState] = [:]
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                states[id] = try? JSONDecoder().decode(HeartbeatState.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
            }
            var stored: [Bool] = []
            var runs: [Run] = []
            var transitions: [(UUID, HeartbeatTransition)] = []
            var last: [UUID: Date] = [:]
            for ping in pings {
                guard var state = states[ping.checkID] else { stored.append(false); continue }
                if let transition = state.record(ping.kind, at: ping.at) { transitions.append((ping.checkID, transition)) }
                states[ping.checkID] = state
                last[ping.checkID] = ping.at
                stored.append(true)
                let (kind, exit): (String, Int?) = switch ping.kind {
                case .success: ("success", nil)
                case .start: ("start", nil)
                case .fail: ("fail", nil)
                case .exitCode(let code): ("exit", code)
                }
                runs.append(Run(id: OrderedID.make(at: ping.at), checkID: ping.checkID, at: ping.at, kind: kind, exitCode: exit,
                                body: ping.body, truncated: ping.truncated))
            }
            try await Self.store(runs: runs, states: states, last: last, on: sql)
            var changes: [Heartbeats.Change] = []
            for (id, transition) in transitions {
                if let change = try await Heartbeats.recordChange(id, transition, on: db) { changes.append(change) }
            }
            return (stored, changes)
        }
    }

    struct Run { let id: UUID; let checkID: UUID; let at: Date; let kind: String; let exitCode: Int?; let body: String; let truncated: Bool }

    /// The batch's runs and each job's new state. On SQLite each is one statement over one
    /// JSON text (`json_each`), however many pings and jobs; on PostgreSQL a multi-row INSERT
    /// and an UPDATE per job.
    private static func store(runs: [Run], states: [UUID: HeartbeatState], last: [UUID: Date], on sql: any SQLDatabase) async throws {
        let encoder = JSONEncoder()
        var updates: [(id: UUID, state: String, status: String, next: Date?, ping: Date, at: Date)] = []
        for (id, at) in last {
            guard let state = states[id] else { continue }
            updates.append((id, String(decoding: try encoder.encode(state), as: UTF8.self), state.status.rawValue,
                            state.evaluate(now: at).nextChangeAt, state.lastPingAt ?? at, at))
        }
        if sql.dialect.name == "sqlite" {
            func number(_ date: Date?) -> String { date.map { String($0.timeIntervalSince1970) } ?? "null" }
            let runText = "[" + runs.map { run in
                "[" + [JSONText.quoted(run.id.uuidString), JSONText.quoted(run.checkID.uuidString), number(run.at), JSONText.quoted(run.kind),
                       run.exitCode.map(String.init) ?? "null", JSONText.quoted(run.body), run.truncated ? "1" : "0"].joined(separator: ",") + "]"
            }.joined(separator: ",") + "]"
            try await sql.raw("""
                INSERT INTO heartbeat_runs (id, check_id, at, kind, exit_code, body, truncated)
                SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6
                FROM json_each(\(bind: runText)) AS j
                """).run()
            let stateText = "[" + updates.map { update in
                "[" + [JSONText.quoted(update.id.uuidString), JSONText.quoted(update.state), JSONText.quoted(update.status), number(update.next),
                       number(update.ping), number(update.at)].joined(separator: ",") + "]"
            }.joined(separator: ",") + "]"
            try await sql.raw("""
                UPDATE monitor_checks SET state = j.value ->> 1, status = j.value ->> 2, next_check_at = j.value ->> 3,
                    last_ping_at = j.value ->> 4, updated_at = j.value ->> 5
                FROM json_each(\(bind: stateText)) AS j WHERE monitor_checks.id = j.value ->> 0
                """).run()
            return
        }
        let rows: [[any SQLExpression]] = runs.map { run in
            [SQLBind(run.id), SQLBind(run.checkID), SQLBind(run.at), SQLBind(run.kind), SQLBind(run.exitCode), SQLBind(run.body), SQLBind(run.truncated)]
        }
        for start in stride(from: 0, to: rows.count, by: 500) {
            try await sql.insert(into: HeartbeatRun.schema).columns("id", "check_id", "at", "kind", "exit_code", "body", "truncated")
                .rows(Array(rows[start..<min(start + 500, rows.count)])).run()
        }
        for update in updates {
            try await sql.update(MonitorCheck.schema).set("state", to: SQLBind(update.state)).set("status", to: SQLBind(update.status))
                .set("next_check_at", to: SQLBind(update.next)).set("last_ping_at", to: SQLBind(update.ping))
                .set("updated_at", to: SQLBind(update.at)).where("id", .equal, SQLBind(update.id)).run()
        }
    }
}


/// Ping keys already looked up: the SHA-256 of the key → the job. A removed job's entry is
/// dropped when a ping finds the job gone.
final class PingKeys: Sendable {
    private let known = NIOLockedValueBox<[String: UUID]>([:])

    func remembered(_ hash: String) -> UUID? { known.withLockedValue { $0[hash] } }

    func checkID(for hash: String, on db: any Database) async throws -> UUID? {
        if let id = remembered(hash) { return id }
        let sql = db as! any SQLDatabase
        guard let row = try await sql.select().column("id").from(MonitorCheck.schema).where("ping_hash", .equal, SQLBind(hash))
            .limit(1).first() else { return nil }
        let id = try row.decode(column: "id", as: UUID.self)
        known.withLockedValue { table in
            if table.count > 100_000 { table.removeAll() }
            table[hash] = id
        }
        return id
    }

    func forget(_ hash: String) {
        _ = known.withLockedValue { $0.removeValue(forKey: hash) }
    }
}

extension Application {
    private struct PingBatcherKey: StorageKey { typealias Value = PingBatcher }
    private struct PingKeysKey: StorageKey { typealias Value = PingKeys }

    var pingBatcher: PingBatcher { service(PingBatcherKey.self) { PingBatcher(app: self) } }
    var pingKeys: PingKeys { service(PingKeysKey.self) { PingKeys() } }
}
