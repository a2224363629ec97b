import Fluent
import Foundation
import SQLKit

/// A monitoring check of one organisation. This session's type is `push` (a heartbeat: a
/// backup or cron job pings `/ping/{key}`); the state is the domain's `HeartbeatState` as JSON.
final class MonitorCheck: Model, @unchecked Sendable {
    static let schema = "monitor_checks"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @OptionalField(key: "asset_id") var assetID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "type") var type: String
    /// The schedule (`HeartbeatSchedule` JSON) for push checks.
    @Field(key: "schedule") var schedule: String
    @Field(key: "state") var state: String
    @Field(key: "status") var status: String
    @Field(key: "impact") var impact: String
    @Field(key: "urgency") var urgency: String
    @Field(key: "auto_resolve") var autoResolve: Bool
    /// SHA-256 of the ping key (the lookup) and the key sealed with the server key (to show it).
    @Field(key: "ping_hash") var pingHash: String
    @Field(key: "ping_sealed") var pingSealed: String
    /// Whose name the incident tickets are raised in.
    @Field(key: "created_by") var createdBy: UUID
    @OptionalField(key: "incident_ticket_id") var incidentTicketID: UUID?
    @OptionalField(key: "next_check_at") var nextCheckAt: Date?
    @OptionalField(key: "last_ping_at") var lastPingAt: Date?
    /// Active checks (http, tcp, tls): what is probed, how (`ActiveCheckConfig` JSON), the
    /// node lease while a probe runs, the last round-trip time.
    @OptionalField(key: "target") var target: String?
    @OptionalField(key: "config") var config: String?
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @OptionalField(key: "last_latency_ms") var lastLatencyMs: Double?
    /// Who is told of status changes: user ids as a JSON array.
    @OptionalField(key: "contacts") var contacts: String?
    /// What the last probe wants the reader to know (a ping done over TCP, say): a catalog key.
    @OptionalField(key: "probe_note") var probeNote: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var contactIDs: [UUID] { contacts.flatMap { try? JSONDecoder().decode([UUID].self, from: Data($0.utf8)) } ?? [] }
}

/// One ping of a push job, with its log (the request body, capped).
final class HeartbeatRun: Model, @unchecked Sendable {
    static let schema = "heartbeat_runs"

    @ID(key: .id) var id: UUID?
    @Field(key: "check_id") var checkID: UUID
    @Field(key: "at") var at: Date
    /// success, start, fail or exit
    @Field(key: "kind") var kind: String
    @OptionalField(key: "exit_code") var exitCode: Int?
    @Field(key: "body") var body: String
    @Field(key: "truncated") var truncated: Bool

    init() {}
}

struct CreateMonitorChecks: AsyncMigration {
    var name: String { "015_CreateMonitorChecks" }

    func prepare(on database: any Database) async throws {
        try await database.schema(MonitorCheck.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id))
            .field("asset_id", .uuid)
            .field("name", .string, .required)
            .field("type", .string, .required)
            .field("schedule", .string, .required)
            .field("state", .string, .required)
            .field("status", .string, .required)
            .field("impact", .string, .required)
            .field("urgency", .string, .required)
            .field("auto_resolve", .bool, .required)
            .field("ping_hash", .string, .required)
            .field("ping_sealed", .string, .required)
            .field("created_by", .uuid, .required)
            .field("incident_ticket_id", .uuid)
            .field("next_check_at", .datetime)
            .field("last_ping_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "ping_hash")
            .create()
        try await database.schema(HeartbeatRun.schema)
            .id()
            .field("check_id", .uuid, .required, .references(MonitorCheck.schema, .id, onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("kind", .string, .required)
            .field("exit_code", .int)
            .field("body", .string, .required)
            .field("truncated", .bool, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "monitor_checks_org").on(MonitorCheck.schema).column("organization_id").run()
        try await sql.create(index: "monitor_checks_next").on(MonitorCheck.schema).column("next_check_at").run()
        try await sql.create(index: "heartbeat_runs_check_at").on(HeartbeatRun.schema).column("check_id").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(HeartbeatRun.schema).delete()
        try await database.schema(MonitorCheck.schema).delete()
    }
}
