import Fluent
import Foundation
import KeelDomain
import Vapor

struct CheckInput: Content {
    var organizationId: String?
    var name: String?
    var type: String?
    var periodSeconds: Int?
    var graceSeconds: Int?
    var cron: String?
    var timezone: String?
    var impact: String?
    var urgency: String?
    var autoResolve: Bool?
    /// Active checks (http, tcp, tls): what to probe and how.
    var target: String?
    var intervalSeconds: Int?
    var timeoutSeconds: Int?
    /// Failed probes tolerated before the check is down (0: down at the first failure).
    var retries: Int?
    var method: String?
    /// `200`, or a range `200-299` (default 200–399).
    var expectedStatus: String?
    var keyword: String?
    var keywordAbsent: Bool?
    var maxLatencyMs: Int?
    var followRedirects: Bool?
    var headers: [String: String]?
    var tlsWarnDays: Int?
    /// DNS: an address the name must resolve to.
    var expectedValue: String?
    /// Ping: the TCP port tried instead when this process may not send ICMP (default 443).
    var fallbackPort: Int?
    /// Who is told of status changes (user ids; default: the creator), and the device watched.
    var contacts: [String]?
    var assetId: String?
}

struct CheckOut: Content {
    let id: UUID
    let organizationId: UUID
    let name: String
    let type: String
    let status: String
    let periodSeconds: Int?
    let graceSeconds: Int
    let cron: String?
    let timezone: String?
    let impact: String
    let urgency: String
    let autoResolve: Bool
    let lastPingAt: Date?
    let target: String?
    let intervalSeconds: Int?
    let lastLatencyMs: Double?
    let incidentTicketId: UUID?
    let assetId: UUID?
    let contacts: [UUID]
    /// What the last probe wants known, as a code (`ping_tcp_fallback`: ICMP was not permitted).
    let probeNote: String?
    /// Push checks: the secret URL, and commands to paste into cron or a scheduled task.
    let pingUrl: String?
    let curlCommands: [String]
}

/// `/api/v1/checks` (API.md): push checks (heartbeats) and active checks (http, tcp, tls, dns,
/// ping) run by `CheckRunner`; changes and removal are in `CheckManagement`.
enum CheckAPI {
    static func out(_ check: MonitorCheck, app: Application, showKey: Bool) throws -> CheckOut {
        let schedule = try? JSONDecoder().decode(HeartbeatSchedule.self, from: Data(check.schedule.utf8))
        var period: Int?, cron: String?, zone: String?
        switch schedule {
        case .period(let seconds, _): period = seconds
        case .cron(let expression, let timeZone, _): cron = expression.source; zone = timeZone
        case nil: break
        }
        let url = showKey && check.type == "push" ? "\(app.keel.publicBaseURL)/ping/\(try app.secretBox.open(check.pingSealed))" : nil
        return CheckOut(id: check.id!, organizationId: check.organizationID, name: check.name, type: check.type, status: check.status,
                        periodSeconds: period, graceSeconds: schedule?.graceSeconds ?? 0, cron: cron, timezone: zone,
                        impact: check.impact, urgency: check.urgency, autoResolve: check.autoResolve, lastPingAt: check.lastPingAt,
                        target: check.target, intervalSeconds: CheckRunner.decodeConfig(check)?.policy.intervalSeconds,
                        lastLatencyMs: check.lastLatencyMs,
                        incidentTicketId: check.incidentTicketID, assetId: check.assetID, contacts: check.contactIDs,
                        probeNote: check.probeNote, pingUrl: url,
                        curlCommands: url.map { [
                            "curl -fsS -m 10 --retry 3 \($0)",
                            "backup.sh > backup.log 2>&1; curl -fsS -m 10 --retry 3 --data-binary @backup.log \($0)/$?",
                            "curl.exe -fsS -m 10 --retry 3 \($0)",
                        ] } ?? [])
    }

    static func schedule(_ input: CheckInput) throws -> HeartbeatSchedule {
        let grace = input.graceSeconds ?? 3600
        let schedule: HeartbeatSchedule
        if let cron = input.cron, !cron.isEmpty {
            do {
                schedule = try HeartbeatSchedule.cron(expression: cron, timeZone: input.timezone ?? "UTC", graceSeconds: grace)
            } catch {
                throw KeelError.validation(error.field, "check_schedule_invalid")
            }
        } else {
            schedule = .period(periodSeconds: input.periodSeconds ?? 86_400, graceSeconds: grace)
        }
        do {
            return try schedule.validated()
        } catch {
            throw KeelError.validation(error.field, "check_schedule_invalid")
        }
    }

    static func register(_ api: API) {
        api.on(.GET, "checks", "Monitoring checks of the organisations the caller may see", tag: "monitoring", response: "CheckList") { req in
            let context = try req.requireContext()
            let (items, next) = try await ListQuery(req).page(try req.tenant.checks())
            let show = context.managesMonitoring
            return ListPage(items: try items.map { try out($0, app: req.application, showKey: show) }, nextCursor: next)
        }
        api.on(.POST, "checks", "Create a check (type push: a heartbeat URL for a backup or cron job)", tag: "monitoring",
               body: "CheckInput", response: "Check", status: 201) { req in
            let check = try await create(try req.content.decode(CheckInput.self), req: req)
            return try await out(check, app: req.application, showKey: check.type == "push").response(status: .created, for: req)
        }
        api.on(.GET, "checks/{checkID}", "One check with its state", tag: "monitoring", response: "Check") { req in
            let context = try req.requireContext()
            let check = try await req.tenant.check(try req.idParameter("checkID"))
            return try out(check, app: req.application, showKey: context.managesMonitoring)
        }
    }

    /// A new check from the API or the form, every value checked, audited.
    static func create(_ input: CheckInput, req: Request) async throws -> MonitorCheck {
        let context = try req.requireContext()
        let organization = try await req.tenant.organization(UUID(uuidString: input.organizationId ?? ""))
        guard context.managesMonitoring else { throw KeelError.forbidden }
        guard let name = FieldRules.cleanText(input.name ?? "", maximum: 200) else { throw KeelError.validation("name", "name_invalid") }
        let type = input.type ?? "push"
        let organizationID = try organization.requireID(), tenant = try req.tenant
        let contacts = try await CheckManagement.contacts(input.contacts, organizationID: organizationID, tenant: tenant)
            ?? (context.isIntegration ? [] : [context.user.id])
        let assetID = try await CheckManagement.asset(input.assetId, organizationID: organizationID, tenant: tenant) ?? nil
        if type != "push" {
            let check = try ActiveChecks.make(input, type: type, organizationID: organizationID, name: name, context: context,
                                              box: req.application.secretBox)
            check.contacts = CheckManagement.encode(contacts)
            check.assetID = assetID
            let changes = ChangeSet.creating(["name": name, "type": type, "target": check.target])
            let actor = context.actor
            try await req.application.write { db in
                try await check.create(on: db)
                try await AuditLog.append(on: db, actor: actor, organizationID: check.organizationID, action: "check.create",
                                          entityType: "check", entityID: check.id?.uuidString.lowercased(), changes: changes)
            }
            return check
        }
        let schedule = try schedule(input)
        let impact = try TicketRules.impact(input.impact ?? "department")
        let urgency = try TicketRules.urgency(input.urgency ?? "high")
        let key = UUID().uuidString.lowercased()
        let now = Date()
        let check = MonitorCheck()
        check.id = UUID()
        check.organizationID = organizationID
        check.name = name
        check.type = "push"
        check.contacts = CheckManagement.encode(contacts)
        check.assetID = assetID
        check.schedule = String(decoding: try JSONEncoder().encode(schedule), as: UTF8.self)
        check.state = String(decoding: try JSONEncoder().encode(HeartbeatState(schedule: schedule)), as: UTF8.self)
        check.status = HeartbeatStatus.new.rawValue
        check.impact = impact.rawValue
        check.urgency = urgency.rawValue
        check.autoResolve = input.autoResolve ?? true
        check.pingHash = Secrets.sha256Hex(key)
        check.pingSealed = try req.application.secretBox.seal(key)
        check.createdBy = context.user.id
        check.createdAt = now
        check.updatedAt = now
        var changes = ChangeSet()
        changes.created(["name": name, "type": "push", "schedule": check.schedule])
        let audit = changes, actor = context.actor
        try await req.application.write { db in
            try await check.create(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "check.create",
                                      entityType: "check", entityID: check.id?.uuidString.lowercased(), changes: audit)
        }
        return check
    }
}
