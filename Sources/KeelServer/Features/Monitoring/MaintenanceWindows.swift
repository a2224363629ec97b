import Fluent
import Foundation
import KeelDomain
import Vapor

/// A planned maintenance window of one organisation (the domain's `MaintenanceWindow` as JSON).
final class MaintenanceWindowRecord: Model, @unchecked Sendable {
    static let schema = "maintenance_windows"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    @Field(key: "definition") var definition: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    /// Who gets the advance and completion notices (user ids as JSON), and the occurrence
    /// each was last sent for.
    @OptionalField(key: "contacts") var contacts: String?
    @OptionalField(key: "noticed_start") var noticedStart: Date?
    @OptionalField(key: "completed_end") var completedEnd: Date?

    init() {}

    var window: MaintenanceWindow? { try? JSONDecoder().decode(MaintenanceWindow.self, from: Data(definition.utf8)) }
    var contactIDs: [UUID] { contacts.flatMap { try? JSONDecoder().decode([UUID].self, from: Data($0.utf8)) } ?? [] }

    var out: MaintenanceOut? {
        window.map { MaintenanceOut(id: id!, organizationId: organizationID, name: name, window: $0, contacts: contactIDs) }
    }
}

struct CreateMaintenanceWindows: AsyncMigration {
    var name: String { "020_CreateMaintenanceWindows" }

    func prepare(on database: any Database) async throws {
        try await database.schema(MaintenanceWindowRecord.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id))
            .field("name", .string, .required)
            .field("definition", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MaintenanceWindowRecord.schema).delete()
    }
}

struct MaintenanceInput: Content {
    var organizationId: String?
    var name: String?
    /// One-off: `start` and `end` (RFC 3339).
    var start: Date?
    var end: Date?
    /// Recurring: `weekdays` (mon…sun) or `dayOfMonth`, at `at` (HH:MM) in `timezone`, for `durationMinutes`.
    var weekdays: [String]?
    var dayOfMonth: Int?
    var at: String?
    var durationMinutes: Int?
    var timezone: String?
    /// What it covers: these checks, assets or sites; the whole organisation when none is given.
    var checkIds: [String]?
    var assetIds: [String]?
    var siteIds: [String]?
    /// Who gets the advance (48 h) and completion notices; default: the organisation's client admins.
    var contacts: [String]?
}

struct MaintenanceOut: Content {
    let id: UUID
    let organizationId: UUID
    let name: String
    let window: MaintenanceWindow
    let contacts: [UUID]
}

/// `/api/v1/maintenance-windows`: checks covered by an open window keep their results but
/// alert nobody and open no ticket, and the window's time is left out of availability.
enum MaintenanceWindows {
    /// The windows of one organisation, for the runner and the availability views.
    static func of(_ organizationID: UUID, on db: any Database) async throws -> [MaintenanceWindow] {
        try await MaintenanceWindowRecord.query(on: db).filter(\.$organizationID == organizationID).all().compactMap(\.window)
    }

    static func reference(_ check: MonitorCheck) -> MonitorCheckRef {
        MonitorCheckRef(checkID: check.id!, organizationID: check.organizationID, assetID: check.assetID)
    }

    private static func recurrence(_ input: MaintenanceInput) throws -> MaintenanceRecurrence {
        if let start = input.start, let end = input.end { return .once(start: start, end: end) }
        guard let at = input.at.flatMap(MaintenanceTimeOfDay.init), let minutes = input.durationMinutes else {
            throw KeelError.validation("start", "maintenance_invalid")
        }
        let zone = input.timezone ?? "UTC"
        if let day = input.dayOfMonth { return .monthly(dayOfMonth: day, at: at, durationSeconds: minutes * 60, timeZone: zone) }
        let days = try (input.weekdays ?? []).map { raw -> Weekday in
            guard let day = Weekday(rawValue: raw.lowercased()) else { throw KeelError.validation("weekdays", "maintenance_invalid") }
            return day
        }
        return .weekly(weekdays: days, at: at, durationSeconds: minutes * 60, timeZone: zone)
    }

    static func register(_ api: API) {
        api.on(.GET, "maintenance-windows", "Maintenance windows of the organisations the caller may see", tag: "monitoring",
               response: "MaintenanceList") { req in
            let rows = try await req.tenant.maintenanceWindows().sort(\.$createdAt, .descending).limit(1000).all()
            return ListPage(items: rows.compactMap(\.out), nextCursor: nil)
        }
        api.on(.POST, "maintenance-windows", "Plan a maintenance window (one-off or weekly/monthly in a timezone)", tag: "monitoring",
               body: "MaintenanceInput", response: "Maintenance", status: 201) { req in
            try await create(try req.content.decode(MaintenanceInput.self), req: req).response(status: .created, for: req)
        }
        api.on(.DELETE, "maintenance-windows/{windowID}", "Cancel a maintenance window", tag: "monitoring", status: 204) { req in
            let context = try req.requireContext()
            let record = try await req.tenant.maintenanceWindow(try req.idParameter("windowID"))
            guard context.managesMonitoring else { throw KeelError.forbidden }
            try await remove(record, context: context, app: req.application)
            return HTTPStatus.noContent
        }
    }

    /// A window planned from the API or the page: targets the organisation's, contacts checked, audited.
    static func create(_ input: MaintenanceInput, req: Request) async throws -> MaintenanceOut {
        let context = try req.requireContext()
        let organization = try await req.tenant.organization(UUID(uuidString: input.organizationId ?? ""))
        guard context.managesMonitoring else { throw KeelError.forbidden }
        let organizationID = try organization.requireID()
        guard let name = FieldRules.cleanText(input.name ?? "", maximum: 200) else { throw KeelError.validation("name", "name_invalid") }
        func ids(_ raw: [String]?, _ field: String) throws -> Set<UUID> {
            guard (raw?.count ?? 0) <= 200 else { throw KeelError.validation(field, "maintenance_invalid") }
            return Set(try (raw ?? []).map { guard let id = UUID(uuidString: $0) else { throw KeelError.validation(field, "maintenance_invalid") }; return id })
        }
        let checks = try ids(input.checkIds, "checkIds"), assets = try ids(input.assetIds, "assetIds"), sites = try ids(input.siteIds, "siteIds")
        // Every target must be the organisation's and visible to the caller: one scoped query per kind.
        let tenant = try req.tenant
        let foundChecks = checks.isEmpty ? 0 : try await tenant.checks().filter(\.$organizationID == organizationID).filter(\.$id ~~ Array(checks)).count()
        let foundAssets = assets.isEmpty ? 0 : try await tenant.assets().filter(\.$organization.$id == organizationID).filter(\.$id ~~ Array(assets)).count()
        let foundSites = sites.isEmpty ? 0 : try await tenant.sites(of: organizationID).filter(\.$id ~~ Array(sites)).count()
        guard foundChecks == checks.count, foundAssets == assets.count, foundSites == sites.count else { throw KeelError.notFound }
        let admins = try await tenant.users().filter(\.$organization.$id == organizationID).filter(\.$role == Role.clientAdmin.rawValue)
            .filter(\.$active == true).all().compactMap(\.id)
        let contacts = try await CheckManagement.contacts(input.contacts, organizationID: organizationID, tenant: tenant) ?? admins
        let whole = checks.isEmpty && assets.isEmpty && sites.isEmpty
        let targets = MaintenanceTargets(organizationIDs: whole ? [organizationID] : [], siteIDs: sites, assetIDs: assets, checkIDs: checks)
        let window: MaintenanceWindow
        do {
            window = try MaintenanceWindow(id: UUID(), recurrence: try recurrence(input), targets: targets).validated()
        } catch let error as MaintenanceError {
            throw KeelError.validation(error.rawValue, "maintenance_invalid")
        }
        let record = MaintenanceWindowRecord()
        record.id = window.id
        record.organizationID = organizationID
        record.name = name
        record.definition = String(decoding: try JSONEncoder().encode(window), as: UTF8.self)
        record.createdBy = context.user.id
        record.createdAt = Date()
        record.contacts = CheckManagement.encode(contacts)
        let actor = context.actor
        let changes = ChangeSet.creating(["name": name, "definition": record.definition, "contacts": record.contacts])
        try await req.application.write { db in
            try await record.create(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "maintenance.create",
                                      entityType: "maintenance_window", entityID: record.id?.uuidString.lowercased(), changes: changes)
        }
        return MaintenanceOut(id: window.id, organizationId: organizationID, name: name, window: window, contacts: contacts)
    }

    static func remove(_ record: MaintenanceWindowRecord, context: RequestContext, app: Application) async throws {
        let actor = context.actor, changes = ChangeSet.single("name", before: record.name, after: nil)
        try await app.write { db in
            try await record.delete(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: record.organizationID, action: "maintenance.delete",
                                      entityType: "maintenance_window", entityID: record.id?.uuidString.lowercased(), changes: changes)
        }
    }
}
