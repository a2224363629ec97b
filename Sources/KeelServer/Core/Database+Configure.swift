import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

extension Application {
    /// Points Fluent at SQLite in the data directory or at the PostgreSQL of DATABASE_URL.
    func configureDatabase(_ config: KeelConfig) throws {
        if let url = config.databaseURL {
            let loops = max(1, eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 })
            let perLoop = max(1, (config.databasePoolSize + loops - 1) / loops)
            let factory = try DatabaseConfigurationFactory.postgres(
                url: url, maxConnectionsPerEventLoop: perLoop, connectionPoolTimeout: .seconds(10), sqlLogLevel: .trace)
            databases.use(factory, as: .psql)
        } else {
            databases.use(.sqlite(.file(config.sqlitePath), sqlLogLevel: .trace), as: .sqlite)
        }
        let gate = WriteGate(serial: !config.usesPostgres)
        storage[WriteGateKey.self] = gate
        if !config.usesPostgres {
            storage.set(HotSQLiteKey.self, to: HotSQLite(path: config.sqlitePath, logger: logger, group: eventLoopGroup, gate: gate),
                        onShutdown: { $0.close() })
        }
    }

    /// SQLite keeps its pragmas per connection, and Fluent opens one connection per event
    /// loop, so every loop's connection is set up here once at start.
    func prepareDatabaseConnections() async throws {
        guard !keel.usesPostgres else { return }
        // Created here, not at configuration, so `keel --help` leaves no folder behind.
        try FileManager.default.createDirectory(atPath: keel.dataDirectory, withIntermediateDirectories: true)
        for loop in eventLoopGroup.makeIterator() {
            let database = databases.database(logger: logger, on: loop)!
            let sql = database as! any SQLDatabase
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            try await sql.raw("PRAGMA synchronous=NORMAL").run()
            try await sql.raw("PRAGMA busy_timeout=10000").run()
            try await sql.raw("PRAGMA foreign_keys=ON").run()
            // A page cache big enough for the hot indexes: inventories insert
            // hundreds of software rows per device, and the default 2 MB cache re-reads pages.
            try await sql.raw("PRAGMA cache_size=-32768").run()
            try await sql.raw("PRAGMA temp_store=MEMORY").run()
        }
    }
}

extension Application {
    /// SQLite, when serving: a commit no longer copies the write-ahead log back into the
    /// database when the log passes 1,000 pages (that copy and its fsync ran inside the
    /// one-writer gate, in whichever request's commit crossed the line); a background loop
    /// does it ten times a second instead (`restartLog`).
    func checkpointInBackground() async throws {
        guard !keel.usesPostgres else { return }
        for loop in eventLoopGroup.makeIterator() {
            try await (databases.database(logger: logger, on: loop) as! any SQLDatabase).raw("PRAGMA wal_autocheckpoint=0").run()
        }
        hotSQLite?.leaveCheckpointsToBackground()
        lifecycle.use(BackgroundLoop("WAL checkpoint", every: 0.1) { app in try await app.restartLog() })
    }

    /// Under a steady stream of writes a passive checkpoint never catches up with the log:
    /// the log only grows (by gigabytes in a minute of ticket creation), every commit writes
    /// to fresh file space and each checkpoint has more to read. Passive passes beside the
    /// writers copy the bulk, each what arrived during the one before, until a pass is short;
    /// then, holding the write gate for a few milliseconds, the rest, after which the next
    /// write starts the log from its beginning, over pages the system already holds.
    func restartLog() async throws {
        // Every SQLite install has its hot connections (PostgreSQL has no log to restart).
        guard let hot = hotSQLite else { return }
        var log = (frames: 0, copied: 0)
        for _ in 0..<4 {
            let started = Date()
            log = try await hot.checkpointBeside()
            if Date().timeIntervalSince(started) < 0.005 { break }
        }
        // Nothing written since the last restart: the gate is not needed.
        let restarted = service(RestartedLogKey.self) { NIOLockedValueBox(-1) }
        if log.copied == log.frames, log.frames == restarted.withLockedValue({ $0 }) { return }
        await writeGate.acquire()
        do {
            let (frames, copied) = try await threadPool.runIfActive { try hot.checkpoint(restarting: true) }
            await writeGate.release()
            restarted.withLockedValue { $0 = copied == frames ? frames : -1 }
            if copied < frames { logger.debug("write-ahead log not restarted", metadata: ["frames": "\(frames)", "copied": "\(copied)"]) }
        } catch {
            await writeGate.release()
            throw error
        }
    }
}

/// The length of the log at the last complete restart (-1: none yet, or it was not complete).
private struct RestartedLogKey: StorageKey { typealias Value = NIOLockedValueBox<Int> }

private struct WriteGateKey: StorageKey { typealias Value = WriteGate }

/// One path for writes. SQLite allows one writer at a time and Fluent gives each event
/// loop its own connection, so concurrent write transactions would spin on the lock;
/// the gate queues them in-process instead. On PostgreSQL the gate is open.
actor WriteGate {
    let serial: Bool
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(serial: Bool) { self.serial = serial }

    func acquire() async {
        guard serial else { return }
        if !busy { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        guard serial else { return }
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

extension Application {
    var writeGate: WriteGate { storage[WriteGateKey.self]! }

    /// Runs `body` in one write transaction, through the write gate.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let gate = writeGate
        await gate.acquire()
        defer { references.invalidate() }
        do {
            let result = try await db.transaction { try await body($0) }
            await gate.release()
            return result
        } catch {
            await gate.release()
            throw error
        }
    }
}

extension Database {
    /// This database seen through SQLKit (both of Keel's drivers are SQL drivers).
    var sql: any SQLDatabase { self as! any SQLDatabase }

    /// PostgreSQL and SQLite differ in a few places (locks, ILIKE, indexes); this is where we ask.
    var isPostgres: Bool { (self as? any SQLDatabase)?.dialect.name == "postgresql" }
}
