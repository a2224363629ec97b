import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The hot connections of an SQLite install: readers taken one caller at a time, and one
/// writer that only runs inside the write gate, so it never contends with Fluent's writers.
final class HotSQLite: Sendable {
    private struct State {
        var readers: [SQLiteHandle] = []
        var writer: SQLiteHandle?
        var writerCheckpoints = true
        var autoCheckpoint = true
        var closed = false
    }

    private let path: String
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())
    private let writes: HotWriteQueue
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

    func close() {
        let handles = state.withLockedValue { state -> [SQLiteHandle] in
            state.closed = true
            defer { state.readers = []; state.writer = nil }
            return state.readers + (state.writer.map { [$0] } ?? [])
        }
        for handle in handles { handle.close() }
    }

    private func writer() throws -> SQLiteHandle {
        let (existing, checkpointOff) = state.withLockedValue { state in
            (state.writer, state.writerCheckpoints && !state.autoCheckpoint)
        }
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
/// own work is committed.
actor HotWriteQueue {
    typealias Work = @Sendable (any SQLDatabase) async throws -> Void
    private let gate: WriteGate
    private weak var hot: HotSQLite?
    private var pending: [(work: Work, done: CheckedContinuation<Void, any Error>)] = []
    private var flushing = false
    private let batchLimit = 256

    init(gate: WriteGate) { self.gate = gate }

    func submit(_ work: @escaping Work, on hot: HotSQLite) async throws {
        self.hot = hot
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending.append((work, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(batchLimit))
            pending.removeFirst(batch.count)
            guard let hot else {
                for item in batch { item.done.resume(throwing: KeelError(.serviceUnavailable, "internal")) }
                continue
            }
            await gate.acquire()
            let outcomes = await hot.transaction(batch.map(\.work))
            await gate.release()
            for (item, outcome) in zip(batch, outcomes) {
                if let outcome { item.done.resume(throwing: outcome) } else { item.done.resume() }
            }
        }
        flushing = false
    }
}

extension Application {
    struct HotSQLiteKey: StorageKey { typealias Value = HotSQLite }

    /// The hot connections; nil on PostgreSQL, where Fluent's pool is used throughout.
    var hotSQLite: HotSQLite? { storage[HotSQLiteKey.self] }

    /// Runs `body` on a hot reader on SQLite, on `db` on PostgreSQL.
    func hotRead<T>(or db: any Database, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        if let hot = hotSQLite { return try await hot.read(body) }
        return try await body(db.sql)
    }
}
