import Fluent
import Foundation
import KeelDomain
import SQLKit

/// How an active check (HTTP, TCP, TLS) probes and decides, stored as JSON on the check.
struct ActiveCheckConfig: Codable, Sendable, Equatable {
    var policy: MonitorCheckPolicy
    /// HTTP: method, accepted status range, keyword present (or absent), latency ceiling,
    /// redirects followed or not, extra request headers.
    var method = "GET"
    var acceptedLow = 200
    var acceptedHigh = 399
    var keyword: String?
    var keywordAbsent = false
    var maxLatencyMs: Int?
    var followRedirects = true
    var headers: [String: String] = [:]
    /// TLS (and HTTPS targets): a certificate ending within this many days is down.
    var tlsWarnDays = 14
    /// DNS: an address the name must resolve to (any, when nil).
    var expectedValue: String?
    /// Ping: the TCP port connected to instead when the process may not send ICMP.
    var fallbackPort: Int?
}

/// One probe's outcome, kept compactly for history and availability.
final class CheckResult: Model, @unchecked Sendable {
    static let schema = "check_results"

    @ID(key: .id) var id: UUID?
    @Field(key: "check_id") var checkID: UUID
    @Field(key: "at") var at: Date
    @Field(key: "up") var up: Bool
    @OptionalField(key: "latency_ms") var latencyMs: Double?
    @OptionalField(key: "error") var error: String?
    /// From the moment the probe was due to the moment it started.
    @OptionalField(key: "delay_ms") var delayMs: Double?

    init() {}
}

/// Hourly roll-up of one check's results: availability and latency over long periods
/// without reading every result.
final class CheckRollupRecord: Model, @unchecked Sendable {
    static let schema = "check_rollups"

    @ID(key: .id) var id: UUID?
    @Field(key: "check_id") var checkID: UUID
    @Field(key: "start") var start: Date
    @Field(key: "up_count") var upCount: Int
    @Field(key: "down_count") var downCount: Int
    @Field(key: "latency_count") var latencyCount: Int
    @Field(key: "latency_sum") var latencySum: Double
    @OptionalField(key: "latency_min") var latencyMin: Double?
    @OptionalField(key: "latency_max") var latencyMax: Double?

    init() {}

    var rollup: MonitorRollup {
        MonitorRollup(start: start, end: start.addingTimeInterval(3600), upCount: upCount, downCount: downCount,
                      latencyCount: latencyCount, latencySum: latencySum, latencyMin: latencyMin, latencyMax: latencyMax)
    }

    /// Adds a result to its hour's roll-up (created on the hour's first result).
    static func add(_ result: MonitorResult, checkID: UUID, on db: any Database) async throws {
        try await add([(checkID, result)], on: db)
    }

    /// Adds results to their hours' roll-ups: one query finds the existing ones.
    static func add(_ results: [(checkID: UUID, result: MonitorResult)], on db: any Database) async throws {
        guard !results.isEmpty else { return }
        func hour(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600) }
        struct Key: Hashable { let check: UUID; let hour: Double }
        let hours = Array(Set(results.map { hour($0.result.at) }))
        let existing = try await CheckRollupRecord.query(on: db).filter(\.$checkID ~~ Array(Set(results.map(\.checkID))))
            .filter(\.$start ~~ hours).all()
        var records = Dictionary(existing.map { (Key(check: $0.checkID, hour: hour($0.start).timeIntervalSince1970), $0) }) { first, _ in first }
        var touched: [Key] = [], seen = Set<Key>()
        for (checkID, result) in results {
            let start = hour(result.at)
            let key = Key(check: checkID, hour: start.timeIntervalSince1970)
            let record = records[key] ?? {
                let fresh = CheckRollupRecord()
                fresh.id = OrderedID.make(at: start)
                fresh.checkID = checkID
                fresh.start = start
                fresh.upCount = 0; fresh.downCount = 0; fresh.latencyCount = 0; fresh.latencySum = 0
                return fresh
            }()
            records[key] = record
            if seen.insert(key).inserted { touched.append(key) }
            var rollup = record.rollup
            rollup.add(MonitorSample(result))
            record.upCount = rollup.upCount
            record.downCount = rollup.downCount
            record.latencyCount = rollup.latencyCount
            record.latencySum = rollup.latencySum
            record.latencyMin = rollup.latencyMin
            record.latencyMax = rollup.latencyMax
        }
        for key in touched { try await records[key]?.save(on: db) }
    }
}

/// Active checks: their target and configuration, a lease so that one node of several runs
/// each check, the last latency; and the results table.
struct CreateActiveChecks: AsyncMigration {
    var name: String { "019_CreateActiveChecks" }

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER.
        try await database.schema(MonitorCheck.schema).field("target", .string).update()
        try await database.schema(MonitorCheck.schema).field("config", .string).update()
        try await database.schema(MonitorCheck.schema).field("lease_until", .datetime).update()
        try await database.schema(MonitorCheck.schema).field("last_latency_ms", .double).update()
        try await database.schema(CheckResult.schema)
            .id()
            .field("check_id", .uuid, .required, .references(MonitorCheck.schema, .id, onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("up", .bool, .required)
            .field("latency_ms", .double)
            .field("error", .string)
            .create()
        try await database.schema(CheckRollupRecord.schema)
            .id()
            .field("check_id", .uuid, .required, .references(MonitorCheck.schema, .id, onDelete: .cascade))
            .field("start", .datetime, .required)
            .field("up_count", .int, .required)
            .field("down_count", .int, .required)
            .field("latency_count", .int, .required)
            .field("latency_sum", .double, .required)
            .field("latency_min", .double)
            .field("latency_max", .double)
            .unique(on: "check_id", "start")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "check_results_check_at").on(CheckResult.schema).column("check_id").column("at").run()
        try await sql.create(index: "monitor_checks_type_next").on(MonitorCheck.schema).column("type").column("next_check_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CheckRollupRecord.schema).delete()
        try await database.schema(CheckResult.schema).delete()
        for column in ["target", "config", "lease_until", "last_latency_ms"] {
            try await database.schema(MonitorCheck.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
