import Fluent
import Foundation
import KeelDomain
import Vapor

/// Maintenance windows in the browser: the windows in scope with what they cover and when
/// they next run (in the reader's timezone), a form to plan one for an organisation (one-off,
/// weekly or monthly, for the whole organisation or some of its checks, sites and devices,
/// and who is told), and cancelling. Writes go through `MaintenanceWindows`, like the API's.
enum MaintenancePages {
    struct Choice: Encodable { let value: String; let label: String; let checked: Bool }
    struct Row: Encodable {
        let id: String; let name: String; let organization: String; let when: String; let covers: String; let next: String
        let contacts: String
    }
    struct PageData: Encodable {
        let rows: [Row]; let empty: Bool; let organizations: [SelectOption]; let organizationId: String?; let organization: String
        let canPlan: Bool; let values: [String: String]; let kinds: [SelectOption]; let weekdays: [Choice]; let checks: [Choice]
        let sites: [Choice]; let assets: [Choice]; let people: [Choice]; let field: String?
    }
    struct Form: Content {
        var organizationId, name, kind, start, end, dayOfMonth, at, durationMinutes, timezone: String?
        var weekdays, checkIds, siteIds, assetIds, contacts: [String]?
    }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("monitoring", "maintenance") { req async throws -> Response in
            try await page(req, organizationID: req.query[String.self, at: "organizationId"].flatMap(UUID.init(uuidString:)), posted: nil)
        }
        routes.post("monitoring", "maintenance") { req async throws -> Response in
            _ = try req.requireWebContext()
            let posted = try req.content.decode(Form.self)
            let organizationID = UUID(uuidString: posted.organizationId ?? "")
            do {
                _ = try await MaintenanceWindows.create(try input(posted), req: req)
                return req.redirect(to: "/monitoring/maintenance?organizationId=\(organizationID?.uuidString ?? "")", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound && error.status != .forbidden {
                let (message, field) = req.message(for: error)
                return try await page(req, organizationID: organizationID, posted: posted, error: message, field: field)
            }
        }
        routes.post("monitoring", "maintenance", ":windowID", "delete") { req async throws -> Response in
            let context = try req.requireWebContext()
            let record = try await req.tenant.maintenanceWindow(try req.idParameter("windowID"))
            guard context.managesMonitoring else { throw KeelError.forbidden }
            try await MaintenanceWindows.remove(record, context: context, app: req.application)
            return req.redirect(to: "/monitoring/maintenance?organizationId=\(record.organizationID.uuidString)", redirectType: .normal)
        }
    }

    /// The posted form as API input; local date-times are read in the form's timezone.
    static func input(_ form: Form) throws -> MaintenanceInput {
        var input = MaintenanceInput()
        input.organizationId = form.organizationId
        input.name = form.name ?? ""
        let zone = form.timezone.flatMap { $0.isEmpty ? nil : $0 } ?? "UTC"
        input.timezone = zone
        input.checkIds = form.checkIds
        input.siteIds = form.siteIds
        input.assetIds = form.assetIds
        input.contacts = form.contacts ?? []
        func local(_ text: String?, _ field: String) throws -> Date {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: zone)
            formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
            guard formatter.timeZone != nil, let text, let date = formatter.date(from: text) else {
                throw KeelError.validation(field, "maintenance_invalid")
            }
            return date
        }
        switch form.kind ?? "once" {
        case "once":
            input.start = try local(form.start, "start")
            input.end = try local(form.end, "end")
        case "monthly":
            guard let day = Int(form.dayOfMonth ?? "") else { throw KeelError.validation("dayOfMonth", "maintenance_invalid") }
            input.dayOfMonth = day
            fallthrough
        default:
            input.at = form.at
            guard let minutes = Int(form.durationMinutes ?? "") else { throw KeelError.validation("durationMinutes", "maintenance_invalid") }
            input.durationMinutes = minutes
            if form.kind != "monthly" { input.weekdays = form.weekdays ?? [] }
        }
        return input
    }

    /// When a window runs, in words: one-off times in the reader's timezone, recurring ones in their own.
    static func describe(_ window: MaintenanceWindow, req: Request) -> String {
        switch window.recurrence {
        case .once(let start, let end):
            return req.t("maintenance.when_once", ["start": req.display(start), "end": req.display(end)])
        case .weekly(let days, let at, let duration, let zone):
            return req.t("maintenance.when_weekly", ["days": days.map { req.t("weekday.\($0.rawValue)") }.joined(separator: ", "),
                                                     "at": at.description, "zone": zone, "minutes": String(duration / 60)])
        case .monthly(let day, let at, let duration, let zone):
            return req.t("maintenance.when_monthly", ["day": String(day), "at": at.description, "zone": zone, "minutes": String(duration / 60)])
        }
    }

    static func page(_ req: Request, organizationID: UUID?, posted: Form?, error: String? = nil, field: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        let tenant = try req.tenant
        let organizations = try await tenant.organizations().sort(\.$name).all()
        let names = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id!, $0.name) })
        let organization = try await organizationID.asyncFlatMap { try await tenant.organization($0) }
        let query = tenant.maintenanceWindows().sort(\.$createdAt, .descending).limit(500)
        if let organizationID { query.filter(\.$organizationID == organizationID) }
        let records = try await query.all()
        let people = try await tenant.users().filter(\.$id ~~ Array(Set(records.flatMap(\.contactIDs)))).all()
        let personNames = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.name) })
        let now = Date()
        let rows = records.compactMap { record -> Row? in
            guard let window = record.window else { return nil }
            let targets = window.targets
            let covers = targets.organizationIDs.isEmpty
                ? req.t("maintenance.covers_some", ["checks": String(targets.checkIDs.count), "sites": String(targets.siteIDs.count),
                                                    "assets": String(targets.assetIDs.count)])
                : req.t("maintenance.covers_all")
            let next = window.occurrence(containing: now).map { req.t("maintenance.running_until", ["end": req.display($0.end)]) }
                ?? window.nextOccurrence(after: now).map { req.display($0.start) } ?? "—"
            return Row(id: record.id!.uuidString, name: record.name, organization: names[record.organizationID] ?? "",
                       when: describe(window, req: req), covers: covers, next: next,
                       contacts: record.contactIDs.compactMap { personNames[$0] }.joined(separator: ", "))
        }
        let canPlan = organization != nil && (context.managesMonitoring)
        var checks: [Choice] = [], sites: [Choice] = [], assets: [Choice] = [], contacts: [Choice] = []
        if let organization, canPlan {
            let id = try organization.requireID()
            func picked(_ list: [String]?) -> Set<String> { Set(list ?? []) }
            checks = try await tenant.checks().filter(\.$organizationID == id).sort(\.$name).limit(500).all()
                .map { Choice(value: $0.id!.uuidString, label: $0.name, checked: picked(posted?.checkIds).contains($0.id!.uuidString)) }
            sites = try await tenant.sites(of: id).sort(\.$name).all()
                .map { Choice(value: $0.id!.uuidString, label: req.t("field.site") + ": " + $0.name,
                              checked: picked(posted?.siteIds).contains($0.id!.uuidString)) }
            assets = try await tenant.assets().filter(\.$organization.$id == id).sort(\.$name).limit(500).all()
                .map { Choice(value: $0.id!.uuidString, label: $0.name, checked: picked(posted?.assetIds).contains($0.id!.uuidString)) }
            contacts = try await tenant.users().filter(\.$organization.$id == id).filter(\.$active == true).sort(\.$name).limit(500).all()
                .map { person in
                    let chosen = posted.map { picked($0.contacts).contains(person.id!.uuidString) } ?? (person.role == Role.clientAdmin.rawValue)
                    return Choice(value: person.id!.uuidString, label: "\(person.name) <\(person.email)>", checked: chosen)
                }
        }
        let kind = posted?.kind ?? "once"
        let values = ["name": posted?.name ?? "", "start": posted?.start ?? "", "end": posted?.end ?? "", "at": posted?.at ?? "02:00",
                      "durationMinutes": posted?.durationMinutes ?? "120", "dayOfMonth": posted?.dayOfMonth ?? "1",
                      "timezone": posted?.timezone ?? organization?.timezone ?? "UTC"]
        let data = PageData(
            rows: rows, empty: rows.isEmpty, organizations: organizations.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id == organizationID) },
            organizationId: organizationID?.uuidString, organization: organization?.name ?? "", canPlan: canPlan, values: values,
            kinds: ["once", "weekly", "monthly"].map { SelectOption(value: $0, label: req.t("maintenance.kind.\($0)"), selected: $0 == kind) },
            weekdays: Weekday.allCases.map { Choice(value: $0.rawValue, label: req.t("weekday.\($0.rawValue)"),
                                                     checked: (posted?.weekdays ?? []).contains($0.rawValue)) },
            checks: checks, sites: sites, assets: assets, people: contacts, field: field)
        return try await req.renderPage("monitoring/maintenance", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }
}
