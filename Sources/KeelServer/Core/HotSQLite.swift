import FluentKit
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLiteKit
import VaporCSQLite

/// SQLite connections of Keel's own for the hottest paths (every API request's token, ticket
/// creation). Through SQLiteNIO each statement hops to a thread pool and back and is prepared
/// afresh, ~0.2 ms of CPU a statement; here a statement runs on the caller's thread, prepared
/// once per connection and kept. Same SQLite library (and so the same file locks) as Fluent's
/// connections, opened on the same file; the queries are SQLKit's, so the code that builds
/// them runs unchanged on PostgreSQL through Fluent.
final class SQLiteHandle: @unchecked Sendable {
    // One caller at a time: a handle is either in `HotSQLite`'s idle list or with one caller.
    private let raw: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    private static let initialized = NIOLockedValueBox(false)
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String, pragmas: [String]) throws {
        Self.initialized.withLockedValue {
            if !$0 { sqlite_nio_sqlite3_initialize(); $0 = true }
        }
        var handle: OpaquePointer?
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open \(path)"
            sqlite_nio_sqlite3_close_v2(handle)
            throw HotSQLiteError(status: status, message: message)
        }
        raw = handle
        do {
            for pragma in pragmas { try run(pragma, []) { _, _ in } }
        } catch {
            close()
            throw error
        }
    }

    /// Runs one statement; `onRow` gets the column names and each row's values.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: ([String], [SQLiteData]) throws -> Void) throws {
        let statement = try prepared(sql)
        // Every parameter is bound afresh on each run, so the bindings are not cleared: clearing
        // expires a statement whose plan looked at a parameter's value (SQLite weighs `active = ?`
        // by whether the value is 0 or 1), and it was compiled again on every run.
        defer { sqlite_nio_sqlite3_reset(statement) }
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number): status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
            case .float(let number): status = sqlite_nio_sqlite3_bind_double(statement, index, number)
            case .text(let text):
                status = sqlite_nio_sqlite3_bind_text64(statement, index, text, UInt64(text.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
            case .blob(let buffer):
                status = buffer.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), Self.transient)
                }
            case .null: status = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else { throw failure(status) }
        }
        var columns: [String]?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw failure(status) }
            let count = sqlite_nio_sqlite3_column_count(statement)
            let names = columns ?? (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
            columns = names
            try onRow(names, (0..<count).map { value(statement, $0) })
        }
    }

    /// A checkpoint of the write-ahead log in `mode` (SQLITE_CHECKPOINT_PASSIVE, …_RESTART);
    /// returns the frames in the log and how many of them are now in the database file. Busy
    /// (a reader still on an older snapshot) is not a failure: what could be copied was.
    func checkpoint(_ mode: Int32) throws -> (frames: Int, copied: Int) {
        var frames: Int32 = 0, copied: Int32 = 0
        let status = sqlite_nio_sqlite3_wal_checkpoint_v2(raw, nil, mode, &frames, &copied)
        guard status == SQLITE_OK || status == SQLITE_BUSY else { throw failure(status) }
        return (Int(frames), Int(copied))
    }

    /// How often `sql`'s prepared statement has been compiled again (a test watches it).
    func recompilations(of sql: String) -> Int32 {
        statements[sql].map { sqlite_nio_sqlite3_stmt_status($0, SQLITE_STMTSTATUS_REPREPARE, 0) } ?? 0
    }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
        sqlite_nio_sqlite3_close_v2(raw)
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        // Statements with lists of varying length would otherwise pile up.
        if statements.count >= 256 {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements = [:]
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(raw, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status) }
        statements[sql] = statement
        return statement
    }

    private func value(_ statement: OpaquePointer, _ column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .null }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeRawBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) { buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count)) }
            return .blob(buffer)
        default: return .null
        }
    }

    private func failure(_ status: Int32) -> HotSQLiteError {
        HotSQLiteError(status: status, message: String(cString: sqlite_nio_sqlite3_errmsg(raw)))
    }
}

struct HotSQLiteError: Error, DatabaseError, CustomStringConvertible {
    let status: Int32
    let message: String
    var description: String { "SQLite error \(status): \(message)" }
    var isSyntaxError: Bool { status & 0xff == SQLITE_ERROR }
    var isConnectionClosed: Bool { status & 0xff == SQLITE_MISUSE || status & 0xff == SQLITE_CANTOPEN }
    var isConstraintFailure: Bool { status & 0xff == SQLITE_CONSTRAINT }
}

/// A handle seen through SQLKit: the statements the rest of Keel builds run here unchanged.
struct HotSQLDatabase: SQLDatabase {
    let handle: SQLiteHandle
    let logger: Logger
    let eventLoop: any EventLoop
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeCompletedFuture { try run(query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    /// Statements such as BEGIN and SAVEPOINT.
    func exec(_ sql: String) throws { try handle.run(sql, []) { _, _ in } }

    private func run(_ query: any SQLExpression, _ onRow: @Sendable (any SQLRow) -> ()) throws {
        let (sql, binds) = serialize(query)
        logger.trace("Executing query", metadata: ["sql": .string(sql), "binds": .array(binds.map { .string("\($0)") })])
        let encoder = SQLiteDataEncoder()
        try handle.run(sql, try binds.map { try encoder.encode($0) }) { columns, values in
            onRow(HotRow(columns: columns, values: values))
        }
    }
}

struct HotRow: SQLRow {
    let columns: [String]
    let values: [SQLiteData]

    var allColumns: [String] { columns }
    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        if case .null = try value(column) { return true }
        return false
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try SQLiteDataDecoder().decode(D.self, from: try value(column))
    }

    private func value(_ column: String) throws -> SQLiteData {
        guard let index = columns.firstIndex(of: column) else {
            throw DecodingError.valueNotFound(SQLiteData.self, .init(codingPath: [], debugDescription: "no column \(column)"))
        }
        return values[index]
    }
}
