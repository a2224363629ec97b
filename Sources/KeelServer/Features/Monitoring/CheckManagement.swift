import Fluent
import Foundation
import KeelDomain
import Vapor

/// Changing and removing checks (`PATCH`/`DELETE /api/v1/checks/{id}`), and the checks shared by
/// create and change: who is told (contacts) and which device a check watches.
enum CheckManagement {
    /// People told of status changes: active people of the organisation or provider staff,
    /// all visible to the caller; nil when the input names none.
    static func contacts(_ raw: [String]?, organizationID: UUID, tenant: TenantData) async throws -> [UUID]? {
        guard let raw else { return nil }
        guard raw.count <= 50 else { throw KeelError.validation("contacts", "contacts_invalid") }
        let ids = Set(try raw.map { text -> UUID in
            guard let id = UUID(uuidString: text) else { throw KeelError.validation("contacts", "contacts_invalid") }
            return id
        })
        guard !ids.isEmpty else { return [] }
        let found = try await tenant.users().filter(\.$id ~~ Array(ids)).filter(\.$active == true)
            .group(.or) { $0.filter(\.$organization.$id == organizationID).filter(\.$organization.$id == nil) }.count()
        guard found == ids.count else { throw KeelError.validation("contacts", "contacts_invalid") }
        return ids.sorted { $0.uuidString < $1.uuidString }
    }

    static func encode(_ ids: [UUID]) -> String {
        String(decoding: (try? JSONEncoder().encode(ids)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The device a check watches: one of the organisation's assets; `""` clears it.
    static func asset(_ raw: String?, organizationID: UUID, tenant: TenantData) async throws -> UUID?? {
        guard let raw else { return .none }
        guard !raw.isEmpty else { return .some(nil) }
        guard let id = UUID(uuidString: raw) else { throw KeelError.validation("assetId", "asset_invalid") }
        let asset = try await tenant.asset(id)
        guard asset.$organization.id == organizationID else { throw KeelError.validation("assetId", "asset_invalid") }
        return .some(id)
    }

    /// The check's present settings in the shape of the API input, so a change is the same
    /// input with some fields replaced, checked by the same rules as a new check.
    static func current(_ check: MonitorCheck) -> CheckInput {
        var input = CheckInput()
        input.organizationId = check.organizationID.uuidString
        input.name = check.name
        input.type = check.type
        input.impact = check.impact
        input.urgency = check.urgency
        input.autoResolve = check.autoResolve
        input.target = check.target
        if let config = CheckRunner.decodeConfig(check) {
            input.intervalSeconds = config.policy.intervalSeconds
            input.timeoutSeconds = config.policy.timeoutSeconds
            input.retries = config.policy.failuresBeforeDown - 1
            input.method = config.method
            input.expectedStatus = "\(config.acceptedLow)-\(config.acceptedHigh)"
            input.keyword = config.keyword
            input.keywordAbsent = config.keywordAbsent
            input.maxLatencyMs = config.maxLatencyMs
            input.followRedirects = config.followRedirects
            input.headers = config.headers
            input.tlsWarnDays = config.tlsWarnDays
            input.expectedValue = config.expectedValue
            input.fallbackPort = config.fallbackPort
        }
        switch try? JSONDecoder().decode(HeartbeatSchedule.self, from: Data(check.schedule.utf8)) {
        case .period(let period, let grace): input.periodSeconds = period; input.graceSeconds = grace
        case .cron(let expression, let zone, let grace): input.cron = expression.source; input.timezone = zone; input.graceSeconds = grace
        case nil: break
        }
        return input
    }

    /// `base` with every field `patch` gives replaced (fields a patch leaves out are absent
    /// from its JSON, so a merge of the two objects is exactly that).
    static func merged(_ base: CheckInput, _ patch: CheckInput) throws -> CheckInput {
        func object(_ input: CheckInput) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(input)) as? [String: Any] ?? [:]
        }
        let combined = try object(base).merging(try object(patch)) { _, new in new }
        return try JSONDecoder().decode(CheckInput.self, from: JSONSerialization.data(withJSONObject: combined))
    }

    static func register(_ api: API) {
        api.on(.PATCH, "checks/{checkID}", "Change a check (only the fields given; its type and organisation stay)", tag: "monitoring",
               body: "CheckPatch", response: "Check") { req in
            let context = try req.requireContext()
            let check = try await req.tenant.check(try req.idParameter("checkID"))
            guard context.managesMonitoring else { throw KeelError.forbidden }
            try await update(check, with: try req.content.decode(CheckInput.self), context: context, req: req)
            return try CheckAPI.out(check, app: req.application, showKey: true)
        }
        api.on(.DELETE, "checks/{checkID}", "Remove a check with its results (its incident tickets stay)", tag: "monitoring", status: 204) { req in
            let context = try req.requireContext()
            let check = try await req.tenant.check(try req.idParameter("checkID"))
            guard context.managesMonitoring else { throw KeelError.forbidden }
            try await remove(check, context: context, app: req.application)
            return HTTPStatus.noContent
        }
    }

    /// Changes the fields `patch` gives, checked by the same rules as a new check; audited
    /// when something changed.
    static func update(_ check: MonitorCheck, with patch: CheckInput, context: RequestContext, req: Request) async throws {
        if let type = patch.type, type != check.type { throw KeelError.validation("type", "check_type_fixed") }
        if let organization = patch.organizationId, UUID(uuidString: organization) != check.organizationID {
            throw KeelError.validation("organizationId", "check_organization_fixed")
        }
        let input = try merged(current(check), patch)
        guard let name = FieldRules.cleanText(input.name ?? "", maximum: 200) else { throw KeelError.validation("name", "name_invalid") }
        let before = (check.name, check.target, check.impact, check.urgency, check.config, check.schedule, check.contacts,
                      check.assetID?.uuidString)
        let now = Date()
        if check.type == "push" {
            let schedule = try CheckAPI.schedule(input)
            if var state = try? JSONDecoder().decode(HeartbeatState.self, from: Data(check.state.utf8)), state.schedule != schedule {
                _ = state.reschedule(schedule, now: now)
                check.schedule = String(decoding: try JSONEncoder().encode(schedule), as: UTF8.self)
                check.state = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
                check.status = state.status.rawValue
                check.nextCheckAt = state.evaluate(now: now).nextChangeAt
            }
            check.impact = try TicketRules.impact(input.impact ?? check.impact).rawValue
            check.urgency = try TicketRules.urgency(input.urgency ?? check.urgency).rawValue
        } else {
            let fresh = try ActiveChecks.make(input, type: check.type, organizationID: check.organizationID, name: name, context: context,
                                              box: req.application.secretBox)
            if fresh.target != check.target || CheckRunner.decodeConfig(fresh)?.policy != CheckRunner.decodeConfig(check)?.policy {
                check.nextCheckAt = MonitorSchedule.firstDue(checkID: try check.requireID(),
                                                             interval: TimeInterval(CheckRunner.decodeConfig(fresh)?.policy.intervalSeconds ?? 60), now: now)
            }
            check.target = fresh.target
            if CheckRunner.decodeConfig(fresh) != CheckRunner.decodeConfig(check) { check.config = fresh.config }
            check.impact = fresh.impact
            check.urgency = fresh.urgency
        }
        check.name = name
        check.autoResolve = input.autoResolve ?? check.autoResolve
        let tenant = try req.tenant
        if let ids = try await contacts(patch.contacts, organizationID: check.organizationID, tenant: tenant) { check.contacts = encode(ids) }
        if case .some(let asset) = try await asset(patch.assetId, organizationID: check.organizationID, tenant: tenant) { check.assetID = asset }
        check.updatedAt = now
        var changes = ChangeSet()
        let fields: [(String, String?, String?)] = [
            ("name", before.0, check.name), ("target", before.1, check.target), ("impact", before.2, check.impact),
            ("urgency", before.3, check.urgency), ("config", before.4, check.config), ("schedule", before.5, check.schedule),
            ("contacts", before.6, check.contacts), ("assetId", before.7, check.assetID?.uuidString)]
        for (field, old, new) in fields where old != new {
            changes.record(field, before: old, after: new)
        }
        guard !changes.isEmpty else { return }
        let audit = changes, actor = context.actor
        try await req.application.write { db in
            try await check.update(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: check.organizationID, action: "check.update",
                                      entityType: "check", entityID: check.id?.uuidString.lowercased(), changes: audit)
        }
    }

    static func remove(_ check: MonitorCheck, context: RequestContext, app: Application) async throws {
        let actor = context.actor, changes = ChangeSet.single("name", before: check.name, after: nil)
        try await app.write { db in
            try await check.delete(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: check.organizationID, action: "check.delete",
                                      entityType: "check", entityID: check.id?.uuidString.lowercased(), changes: changes)
        }
    }
}
