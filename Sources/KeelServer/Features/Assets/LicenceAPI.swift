import Fluent
import Foundation
import KeelDomain
import SQLKit
import Vapor

struct LicenceInput: Content {
    var organizationId: String?
    var name: String?
    /// The product as inventory names it ("Microsoft Office Professional Plus 2021"): it is
    /// normalised to the software catalogue key the seats count against.
    var software: String?
    var seats: Int?
    var key: String?
    var expiresOn: String?
    var costCents: Int?
    var currency: String?
    var supplier: String?
    var notes: String?
}

struct LicenceOut: Content {
    let id: UUID
    let organizationId: UUID
    let name: String
    let catalogKey: String
    let seats: Int
    let hasKey: Bool
    let expiresOn: String?
    let costCents: Int?
    let currency: String?
    let supplier: String?
    let notes: String

    init(_ licence: Licence) {
        id = licence.id!; organizationId = licence.organizationID; name = licence.name; catalogKey = licence.catalogKey
        seats = licence.seats; hasKey = licence.keySealed != nil; expiresOn = licence.expiresOn; costCents = licence.costCents
        currency = licence.currency; supplier = licence.supplier; notes = licence.notes
    }
}

struct LicenceKeyOut: Content { let key: String }

struct ComplianceLineOut: Content {
    let catalogKey: String
    let owned: Int
    let installed: Int
    let shortfall: Int
    let unused: Int
    let status: String
}

/// Software licences (`/api/v1/licences`) with the key sealed at rest and shown only on
/// an audited request, and the compliance view: installed against owned seats.
enum LicenceAPI {
    static func register(_ api: API) {
        api.on(.GET, "licences", "Software licences (organizationId to narrow)", tag: "assets", response: "LicenceList") { req in
            let query = try req.tenant.licences()
            if let raw = req.query[String.self, at: "organizationId"], !raw.isEmpty {
                let organization = try await req.tenant.organization(UUID(uuidString: raw))
                query.filter(\.$organizationID == (try organization.requireID()))
            }
            let (items, next) = try await ListQuery(req).page(query)
            return ListPage(items: items.map(LicenceOut.init), nextCursor: next)
        }
        api.on(.POST, "licences", "Record a licence (the key is encrypted at rest)", tag: "assets", body: "LicenceInput",
               response: "Licence", status: 201) { req in
            let context = try req.requireContext()
            let input = try req.content.decode(LicenceInput.self)
            let organization = try await req.tenant.organization(UUID(uuidString: input.organizationId ?? ""))
            guard context.isProviderStaff || context.role == .clientAdmin else { throw KeelError.forbidden }
            let licence = try await LicenceService.create(input, organization: organization, req: req)
            return try await LicenceOut(licence).response(status: .created, for: req)
        }
        api.on(.GET, "licences/{licenceID}", "One licence", tag: "assets", response: "Licence") { req in
            LicenceOut(try await req.tenant.licence(try req.idParameter("licenceID")))
        }
        api.on(.PATCH, "licences/{licenceID}", "Change a licence", tag: "assets", body: "LicenceInput", response: "Licence") { req in
            let context = try req.requireContext()
            let licence = try await req.tenant.licence(try req.idParameter("licenceID"))
            guard context.isProviderStaff || context.role == .clientAdmin else { throw KeelError.forbidden }
            var input = try req.content.decode(LicenceInput.self)
            input.organizationId = nil
            var changes = ChangeSet()
            try apply(input, to: licence, changes: &changes, box: req.application.secretBox)
            guard !changes.isEmpty else { return LicenceOut(licence) }
            licence.updatedAt = Date()
            try await save(licence, action: "licence.update", changes: changes, context: context, app: req.application, create: false)
            return LicenceOut(licence)
        }
        api.on(.GET, "licences/{licenceID}/key", "Reveal the licence key (audited)", tag: "assets", response: "LicenceKey") { req in
            let licence = try await req.tenant.licence(try req.idParameter("licenceID"))
            let key = try await LicenceService.reveal(licence, req: req)
            return LicenceKeyOut(key: key)
        }
        api.on(.GET, "licence-compliance", "Installed against owned seats per product, for one organisation", tag: "assets",
               response: "ComplianceList") { req in
            guard let raw = req.query[String.self, at: "organizationId"] else { throw KeelError.validation("organizationId", "organization_required") }
            let organization = try await req.tenant.organization(UUID(uuidString: raw))
            let lines = try await compliance(of: organization.requireID(), tenant: try req.tenant)
            return ListPage(items: lines.map {
                ComplianceLineOut(catalogKey: $0.catalogKey, owned: $0.owned, installed: $0.installed, shortfall: $0.shortfall,
                                  unused: $0.unused, status: $0.status.rawValue)
            }, nextCursor: nil)
        }
    }

    /// Compliance lines of one organisation in the caller's scope: one grouped count query.
    static func compliance(of organizationID: UUID, tenant: TenantData, today: String = AssetDates.string(Date())) async throws
        -> [LicenceCompliance.Line] {
        let licences = try await tenant.licences().filter(\.$organizationID == organizationID).all()
        guard !licences.isEmpty, let sql = tenant.db as? any SQLDatabase else { return [] }
        let keys = Array(Set(licences.map(\.catalogKey)))
        struct Count: Decodable { let catalog_key: String; let devices: Int }
        let rows = try await InstalledSoftware.joined(sql.select()
            .column(SQLColumn("catalog_key", table: "v"))
            .column(SQLAlias(SQLFunction("COUNT", args: SQLDistinct(SQLColumn("asset_id", table: "l"))), as: SQLIdentifier("devices"))))
            .where(SQLColumn("organization_id", table: "a"), .equal, SQLBind(organizationID))
            .where(SQLColumn("catalog_key", table: "v"), .in, SQLBind.group(keys))
            .where(SQLColumn("lifecycle_state", table: "a"), .notIn, SQLBind.group(["retired", "disposed"]))
            .groupBy(SQLColumn("catalog_key", table: "v"))
            .all(decoding: Count.self)
        let installed = Dictionary(uniqueKeysWithValues: rows.map { ($0.catalog_key, $0.devices) })
        return LicenceCompliance.lines(owned: licences.map { .init(catalogKey: $0.catalogKey, seats: $0.seats, expiresOn: $0.expiresOn) },
                                       installed: installed, today: today)
    }

    static func apply(_ input: LicenceInput, to licence: Licence, changes: inout ChangeSet, box: SecretBox) throws {
        if let raw = input.name {
            guard let name = FieldRules.cleanText(raw, maximum: 200) else { throw KeelError.validation("name", "name_invalid") }
            changes.record("name", before: licence.$name.value, after: name)
            licence.name = name
        }
        if let raw = input.software {
            guard FieldRules.cleanText(raw, maximum: 200) != nil else { throw KeelError.validation("software", "licence_software_invalid") }
            let key = SoftwareCatalog.normalise(name: raw, publisher: nil).key
            guard !key.isEmpty else { throw KeelError.validation("software", "licence_software_invalid") }
            changes.record("catalogKey", before: licence.$catalogKey.value, after: key)
            licence.catalogKey = key
        }
        if let seats = input.seats {
            guard (0...1_000_000).contains(seats) else { throw KeelError.validation("seats", "licence_seats_invalid") }
            changes.record("seats", before: licence.$seats.value.map(String.init), after: String(seats))
            licence.seats = seats
        }
        if let raw = input.key {
            guard raw.count <= 4000 else { throw KeelError.validation("key", "text_too_long", values: ["max": "4000"]) }
            // The key itself never reaches the audit log: only that it changed.
            changes.record("key", before: licence.keySealed == nil ? nil : "•••", after: raw.isEmpty ? nil : "•••(new)")
            licence.keySealed = raw.isEmpty ? nil : try box.seal(raw)
        }
        try LedgerFields.day(input.expiresOn, "expiresOn", on: licence, \.expiresOn, &changes)
        try LedgerFields.money(cents: input.costCents, currency: input.currency, on: licence, \.costCents, \.currency,
                               centsField: "costCents", &changes)
        try LedgerFields.text(input.supplier, "supplier", on: licence, \.supplier, &changes)
        if let raw = input.notes {
            guard raw.count <= 10_000 else { throw KeelError.validation("notes", "text_too_long", values: ["max": "10000"]) }
            changes.record("notes", before: licence.$notes.value, after: raw)
            licence.notes = raw
        }
    }

    static func save(_ licence: Licence, action: String, changes: ChangeSet, context: RequestContext, app: Application,
                             create: Bool) async throws {
        let actor = context.actor
        try await app.write { db in
            if create { try await licence.create(on: db) } else { try await licence.update(on: db) }
            try await AuditLog.append(on: db, actor: actor, organizationID: licence.organizationID, action: action,
                                      entityType: "licence", entityID: licence.id?.uuidString.lowercased(), changes: changes)
        }
    }
}
