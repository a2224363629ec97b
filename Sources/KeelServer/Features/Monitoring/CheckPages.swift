import Fluent
import Foundation
import KeelDomain
import Vapor

/// Checks managed in the browser: pick an organisation and a type, then one form for the
/// settings of that type, the device watched and the people told; the same form edits; a
/// check can be removed. Writes go through `CheckAPI.create` and `CheckManagement.update`,
/// so the rules and the audit are the API's.
enum CheckPages {
    struct Person: Encodable { let id: String; let label: String; let checked: Bool }
    struct FormData: Encodable {
        let isNew: Bool; let action: String; let type: String; let organizationId: String; let organization: String
        let values: [String: String]; let keywordAbsent: Bool; let followRedirects: Bool; let autoResolve: Bool
        let assets: [SelectOption]; let people: [Person]; let impacts: [SelectOption]; let urgencies: [SelectOption]; let methods: [SelectOption]
        let field: String?; let checkId: String?; let pingUrl: String?; let curlCommands: [String]
    }
    struct ChooseData: Encodable { let organizations: [SelectOption]; let types: [SelectOption] }

    /// The form as posted: text fields, checkboxes present when ticked, people as `contacts[]`.
    struct Form: Content {
        var organizationId, name, target, intervalSeconds, timeoutSeconds, retries, method, expectedStatus, keyword: String?
        var maxLatencyMs, tlsWarnDays, expectedValue, fallbackPort, periodSeconds, graceSeconds, cron, timezone: String?
        var impact, urgency, assetId, keywordAbsent, followRedirects, autoResolve: String?
        var contacts: [String]?
    }

    static let types = ["http", "tcp", "tls", "dns", "ping", "push"]

    static func register(_ routes: any RoutesBuilder) {
        routes.get("monitoring", "checks", "new") { req async throws -> Response in
            let context = try req.requireWebContext()
            guard context.managesMonitoring else { throw KeelError.forbidden }
            let type = req.query[String.self, at: "type"].flatMap { types.contains($0) ? $0 : nil }
            guard let raw = req.query[String.self, at: "organizationId"], let type else {
                let organizations = try await req.tenant.organizations().sort(\.$name).all()
                return try await req.renderPage("monitoring/choose", data: ChooseData(
                    organizations: organizations.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: false) },
                    types: types.map { SelectOption(value: $0, label: req.t("monitoring.kind.\($0)"), selected: $0 == "http") }))
            }
            let organization = try await req.tenant.organization(UUID(uuidString: raw))
            return try await form(req, check: nil, organization: organization, type: type, posted: nil)
        }
        routes.post("monitoring", "checks") { req async throws -> Response in
            _ = try req.requireWebContext()
            let posted = try req.content.decode(Form.self)
            let type = req.query[String.self, at: "type"] ?? "http"
            let organization = try await req.tenant.organization(UUID(uuidString: posted.organizationId ?? ""))
            do {
                let check = try await CheckAPI.create(try input(posted, type: type), req: req)
                return req.redirect(to: "/monitoring/checks/\(check.id!.uuidString)", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound && error.status != .forbidden {
                let (message, field) = req.message(for: error)
                return try await form(req, check: nil, organization: organization, type: type, posted: posted, error: message, field: field)
            }
        }
        routes.get("monitoring", "checks", ":checkID", "edit") { req async throws -> Response in
            let check = try await req.tenant.check(try req.idParameter("checkID"))
            let organization = try await req.tenant.organization(check.organizationID)
            return try await form(req, check: check, organization: organization, type: check.type, posted: nil)
        }
        routes.post("monitoring", "checks", ":checkID", "edit") { req async throws -> Response in
            let context = try req.requireWebContext()
            let check = try await req.tenant.check(try req.idParameter("checkID"))
            guard context.managesMonitoring else { throw KeelError.forbidden }
            let posted = try req.content.decode(Form.self)
            do {
                var patch = try input(posted, type: check.type)
                patch.organizationId = nil
                try await CheckManagement.update(check, with: patch, context: context, req: req)
                return req.redirect(to: "/monitoring/checks/\(check.id!.uuidString)", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound && error.status != .forbidden {
                let fresh = try await req.tenant.check(check.requireID())
                let organization = try await req.tenant.organization(check.organizationID)
                let (message, field) = req.message(for: error)
                return try await form(req, check: fresh, organization: organization, type: check.type, posted: posted, error: message, field: field)
            }
        }
        routes.post("monitoring", "checks", ":checkID", "delete") { req async throws -> Response in
            let context = try req.requireWebContext()
            let check = try await req.tenant.check(try req.idParameter("checkID"))
            guard context.managesMonitoring else { throw KeelError.forbidden }
            try await CheckManagement.remove(check, context: context, app: req.application)
            return req.redirect(to: "/monitoring", redirectType: .normal)
        }
    }

    /// The posted form as API input: blanks are absent, numbers must be numbers.
    static func input(_ form: Form, type: String) throws -> CheckInput {
        func text(_ value: String?) -> String? {
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func number(_ value: String?, _ field: String, _ code: String) throws -> Int? {
            guard let value = text(value) else { return nil }
            guard let number = Int(value) else { throw KeelError.validation(field, code) }
            return number
        }
        var input = CheckInput()
        input.organizationId = form.organizationId
        input.name = form.name ?? ""
        input.type = type
        input.impact = text(form.impact)
        input.urgency = text(form.urgency)
        input.autoResolve = form.autoResolve != nil
        input.contacts = form.contacts ?? []
        input.assetId = form.assetId ?? ""
        if type == "push" {
            input.cron = text(form.cron) ?? ""
            input.timezone = text(form.timezone)
            input.periodSeconds = try number(form.periodSeconds, "periodSeconds", "check_schedule_invalid")
            input.graceSeconds = try number(form.graceSeconds, "graceSeconds", "check_schedule_invalid")
            return input
        }
        input.target = form.target ?? ""
        input.intervalSeconds = try number(form.intervalSeconds, "intervalSeconds", "check_policy_invalid")
        input.timeoutSeconds = try number(form.timeoutSeconds, "timeoutSeconds", "check_policy_invalid")
        input.retries = try number(form.retries, "retries", "check_policy_invalid")
        input.maxLatencyMs = try number(form.maxLatencyMs, "maxLatencyMs", "check_policy_invalid")
        input.tlsWarnDays = try number(form.tlsWarnDays, "tlsWarnDays", "check_policy_invalid")
        if type == "http" {
            input.method = text(form.method)
            input.expectedStatus = text(form.expectedStatus)
            input.keyword = form.keyword ?? ""
            input.keywordAbsent = form.keywordAbsent != nil
            input.followRedirects = form.followRedirects != nil
        }
        if type == "dns" { input.expectedValue = form.expectedValue ?? "" }
        if type == "ping" { input.fallbackPort = try number(form.fallbackPort, "fallbackPort", "check_policy_invalid") }
        return input
    }

    static func form(_ req: Request, check: MonitorCheck?, organization: Organization, type: String, posted: Form?,
                     error: String? = nil, field: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        guard context.managesMonitoring else { throw KeelError.forbidden }
        let organizationID = try organization.requireID()
        let current = check.map(CheckManagement.current) ?? CheckInput()
        func value(_ postedValue: String?, _ stored: Int?, _ fallback: String = "") -> String { postedValue ?? stored.map(String.init) ?? fallback }
        var values: [String: String] = [
            "name": posted?.name ?? current.name ?? "", "target": posted?.target ?? current.target ?? "",
            "intervalSeconds": value(posted?.intervalSeconds, current.intervalSeconds, "60"),
            "timeoutSeconds": value(posted?.timeoutSeconds, current.timeoutSeconds, "10"),
            "retries": value(posted?.retries, current.retries, "2"),
            "method": posted?.method ?? current.method ?? "GET", "expectedStatus": posted?.expectedStatus ?? current.expectedStatus ?? "200-399",
            "keyword": posted?.keyword ?? current.keyword ?? "", "maxLatencyMs": value(posted?.maxLatencyMs, current.maxLatencyMs),
            "tlsWarnDays": value(posted?.tlsWarnDays, current.tlsWarnDays, "14"), "expectedValue": posted?.expectedValue ?? current.expectedValue ?? "",
            "fallbackPort": value(posted?.fallbackPort, current.fallbackPort, "443"),
            "periodSeconds": value(posted?.periodSeconds, current.periodSeconds, "86400"),
            "graceSeconds": value(posted?.graceSeconds, current.graceSeconds, "3600"),
            "cron": posted?.cron ?? current.cron ?? "", "timezone": posted?.timezone ?? current.timezone ?? organization.timezone,
        ]
        values["typeLabel"] = req.t("monitoring.kind.\(type)")
        values["targetHint"] = type == "push" ? "" : req.t("monitoring.target_hint.\(type)")
        let impact = posted?.impact ?? current.impact ?? "department", urgency = posted?.urgency ?? current.urgency ?? "high"
        let chosenAsset = posted?.assetId ?? check?.assetID?.uuidString ?? ""
        let chosenPeople = Set(posted?.contacts ?? check?.contactIDs.map(\.uuidString) ?? [context.user.id.uuidString])
        let tenant = try req.tenant
        let assets = try await tenant.assets().filter(\.$organization.$id == organizationID).sort(\.$name).limit(2000).all()
        let people = try await tenant.users().filter(\.$active == true)
            .group(.or) { $0.filter(\.$organization.$id == organizationID).filter(\.$organization.$id == nil) }.sort(\.$name).limit(500).all()
        let out = try check.map { try CheckAPI.out($0, app: req.application, showKey: true) }
        let data = FormData(
            isNew: check == nil, action: check.map { "/monitoring/checks/\($0.id!.uuidString)/edit" } ?? "/monitoring/checks?type=\(type)",
            type: type, organizationId: organizationID.uuidString, organization: organization.name, values: values,
            keywordAbsent: posted.map { $0.keywordAbsent != nil } ?? current.keywordAbsent ?? false,
            followRedirects: posted.map { $0.followRedirects != nil } ?? current.followRedirects ?? true,
            autoResolve: posted.map { $0.autoResolve != nil } ?? current.autoResolve ?? true,
            assets: [SelectOption(value: "", label: "—", selected: chosenAsset.isEmpty)]
                + assets.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == chosenAsset) },
            people: people.map { Person(id: $0.id!.uuidString, label: $0.name + " <\($0.email)>", checked: chosenPeople.contains($0.id!.uuidString)) },
            impacts: ["user", "department", "organization"].map { SelectOption(value: $0, label: req.t("impact.\($0)"), selected: $0 == impact) },
            urgencies: ["low", "medium", "high"].map { SelectOption(value: $0, label: req.t("urgency.\($0)"), selected: $0 == urgency) },
            methods: ["GET", "HEAD", "POST", "OPTIONS"].map { SelectOption(value: $0, label: $0, selected: $0 == values["method"]) },
            field: field, checkId: check?.id?.uuidString, pingUrl: out?.pingUrl, curlCommands: out?.curlCommands ?? [])
        return try await req.renderPage("monitoring/form", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }
}
