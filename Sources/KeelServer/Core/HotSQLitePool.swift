import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import VaporCSQLite

/// The hot connections of an SQLite install: readers taken one caller at a time, and one
/// writer that only runs inside the write gate, so it never contends with Fluent's writers.
final class HotSQLite: Sendable {
    private struct State {
        var readers: [SQLiteHandle] = []
        var writer: SQLiteHandle?
        var checkpointer: SQLiteHandle?
        var writerCheckpoints = true
        var autoCheckpoint = true
        var closed = false
    }

    private let path: String
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())
    private let writes: HotWriteQueue
    /// Passive checkpoints: one thread at a lower priority (see `checkpointBeside`).
    private let checkpoints: NIOThreadPool
    private static let pragmas = [
        "PRAGMA busy_timeout=10000", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL",
        "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-8192",
    ]
    /// Readers kept open between requests; more are opened while many requests read at once.
    private static let idleReaders = 8

    init(path: String, logger: Logger, group: any EventLoopGroup, gate: WriteGate) {
        self.path = path
        self.logger = logger
        self.group = group
        self.writes = HotWriteQueue(gate: gate)
        checkpoints = NIOThreadPool(numberOfThreads: 1)
        checkpoints.start()
    }

    /// A passive checkpoint on a thread at nice 10: while the machine is busy, requests'
    /// threads go first and the copy takes what is left (on two cores it competed with them
    /// for a sixth of the time).
    func checkpointBeside() async throws -> (frames: Int, copied: Int) {
        try await checkpoints.runIfActive {
            // On Linux the nice value belongs to the thread; `who` 0 is the calling one.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            return try self.checkpoint(restarting: false)
        }
    }

    /// Runs `work` in the next write transaction on the writer; returns once it is committed.
    func write(_ work: @escaping HotWriteQueue.Work) async throws {
        try await writes.submit(work, on: self)
    }

    /// Runs `body` on a reader of its own.
    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let handle = try state.withLockedValue { $0.readers.popLast() } ?? SQLiteHandle(path: path, pragmas: Self.pragmas)
        do {
            let result = try await body(database(handle))
            giveBack(handle)
            return result
        } catch {
            giveBack(handle)
            throw error
        }
    }

    /// While serving, commits leave the write-ahead log to the background checkpoint, as
    /// Fluent's connections do (`checkpointInBackground`).
    func leaveCheckpointsToBackground() {
        state.withLockedValue { $0.autoCheckpoint = false }
    }

    /// Runs the works in one transaction on the writer, each in a savepoint of its own, so a
    /// failing work is undone alone and fails only its caller. The caller holds the write gate.
    /// Returns each work's error, or nil for those committed.
    func transaction(_ works: [HotWriteQueue.Work]) async -> [(any Error)?] {
        let opened: SQLiteHandle
        do {
            opened = try writer()
        } catch {
            return works.map { _ in error }
        }
        let db = database(opened)
        var outcomes: [(any Error)?] = []
        do {
            try db.exec("BEGIN IMMEDIATE")
        } catch {
            return works.map { _ in error }
        }
        // A work alone needs no savepoint: if it fails, the whole transaction is undone.
        if works.count == 1, let work = works.first {
            do {
                try await work(db)
                try db.exec("COMMIT")
                return [nil]
            } catch {
                try? db.exec("ROLLBACK")
                return [error]
            }
        }
        for work in works {
            do {
                try db.exec("SAVEPOINT work")
                try await work(db)
                try db.exec("RELEASE work")
                outcomes.append(nil)
            } catch {
                try? db.exec("ROLLBACK TO work")
                try? db.exec("RELEASE work")
                outcomes.append(error)
            }
        }
        do {
            try db.exec("COMMIT")
        } catch {
            try? db.exec("ROLLBACK")
            return works.map { _ in error }
        }
        return outcomes
    }

    /// A checkpoint on a connection of its own: passive copies what it can beside the writers;
    /// restarting (the caller holds the write gate, so nothing is added meanwhile) copies the
    /// rest and waits up to 10 ms for readers of older snapshots, so that the next write
    /// starts the log from its beginning. Blocks: run it off the event loops. One caller at a
    /// time (the checkpoint loop; a test).
    func checkpoint(restarting: Bool) throws -> (frames: Int, copied: Int) {
        let (existing, closed) = state.withLockedValue { ($0.checkpointer, $0.closed) }
        guard !closed else { return (0, 0) }
        // A connection finds the log on its first read.
        let handle = try existing ?? SQLiteHandle(path: path, pragmas: ["PRAGMA busy_timeout=10", "SELECT count(*) FROM sqlite_master"])
        state.withLockedValue { $0.checkpointer = handle }
        return try handle.checkpoint(restarting ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE)
    }

    func close() {
        let handles = state.withLockedValue { state -> [SQLiteHandle] in
            state.closed = true
            defer { state.readers = []; state.writer = nil; state.checkpointer = nil }
            return state.readers + [state.writer, state.checkpointer].compactMap { $0 }
        }
        for handle in handles { handle.close() }
        checkpoints.shutdownGracefully { _ in }
    }

    private func writer() throws -> SQLiteHandle {
        let (existing, checkpointOff, closed) = state.withLockedValue { state in
            (state.writer, state.writerCheckpoints && !state.autoCheckpoint, state.closed)
        }
        // Shut down: no writer is opened again (it would never be closed).
        guard !closed else { throw KeelError(.serviceUnavailable, "internal") }
        let handle = try existing ?? SQLiteHandle(path: path, pragmas: Self.pragmas)
        if checkpointOff {
            try handle.run("PRAGMA wal_autocheckpoint=0", []) { _, _ in }
        }
        state.withLockedValue { state in
            state.writer = handle
            if checkpointOff { state.writerCheckpoints = false }
        }
        return handle
    }

    private func giveBack(_ handle: SQLiteHandle) {
        let keep = state.withLockedValue { state in
            guard !state.closed, state.readers.count < Self.idleReaders else { return false }
            state.readers.append(handle)
            return true
        }
        if !keep { handle.close() }
    }

    private func database(_ handle: SQLiteHandle) -> HotSQLDatabase {
        HotSQLDatabase(handle: handle, logger: logger, eventLoop: group.any())
    }
}

/// Writes that arrive while a transaction is being committed wait and go into the next one
/// together (as `GroupCommit` does for Fluent's connections); each caller returns once its
/// own work is committed. No task of its own: the first caller leads, runs the transaction
/// with whoever is waiting by then, and hands the lead to the first who arrived meanwhile.
final class HotWriteQueue: Sendable {
    typealias Work = @Sendable (any SQLDatabase) async throws -> Void
    private enum Turn { case committed, lead, retry }
    private struct Waiting {
        let work: Work
        let done: CheckedContinuation<Turn, any Error>
    }
    private struct State {
        var waiting: [Waiting] = []
        var leading = false
    }

    private let gate: WriteGate
    private let state = NIOLockedValueBox(State())
    private let batchLimit = 256

    init(gate: WriteGate) { self.gate = gate }

    func submit(_ work: @escaping Work, on hot: HotSQLite) async throws {
        while true {
            let leads = state.withLockedValue { state in
                if state.leading { return false }
                state.leading = true
                return true
            }
            if leads { return try await lead(work, hot: hot) }
            let turn = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
                let queued = state.withLockedValue { state in
                    guard state.leading else { return false }
                    state.waiting.append(Waiting(work: work, done: continuation))
                    return true
                }
                // The leader finished in between: try to lead.
                if !queued { continuation.resume(returning: .retry) }
            }
            switch turn {
            case .committed: return
            case .lead: return try await lead(work, hot: hot)
            case .retry: continue
            }
        }
    }

    private func lead(_ own: @escaping Work, hot: HotSQLite) async throws {
        await gate.acquire()
        let others = state.withLockedValue { state in
            let taken = Array(state.waiting.prefix(batchLimit - 1))
            state.waiting.removeFirst(taken.count)
            return taken
        }
        let outcomes = await hot.transaction([own] + others.map(\.work))
        await gate.release()
        for (other, outcome) in zip(others, outcomes.dropFirst()) {
            if let outcome { other.done.resume(throwing: outcome) } else { other.done.resume(returning: .committed) }
        }
        let next = state.withLockedValue { state -> Waiting? in
            guard !state.waiting.isEmpty else {
                state.leading = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.done.resume(returning: .lead)
        if let failure = outcomes.first ?? nil { throw failure }
    }
}

extension Application {
    struct HotSQLiteKey: StorageKey { typealias Value = HotSQLite }

    /// The hot connections; nil on PostgreSQL, where Fluent's pool is used throughout.
    var hotSQLite: HotSQLite? { storage[HotSQLiteKey.self] }

    /// Runs `work` in a write transaction: on SQLite on the hot writer, sharing the commit of
    /// whatever arrives at the same moment; on PostgreSQL through Fluent. For writes that
    /// change no organisation's reference data (`references` is kept).
    func hotWrite(_ work: @escaping HotWriteQueue.Work) async throws {
        if let hot = hotSQLite { return try await hot.write(work) }
        try await write { db in try await work(db.sql) }
    }

    /// Runs `body` on a hot reader on SQLite, on `db` on PostgreSQL.
    func hotRead<T>(or db: any Database, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        if let hot = hotSQLite { return try await hot.read(body) }
        return try await body(db.sql)
    }
}
