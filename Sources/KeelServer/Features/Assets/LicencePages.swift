import Fluent
import Foundation
import KeelDomain
import Vapor

/// Licences and compliance, and the purchase-advice list, in the browser.
enum LicencePages {
    struct Row: Encodable {
        let id: String; let name: String; let organization: String; let product: String; let seats: Int; let expires: String
        let hasKey: Bool; let expired: Bool
    }
    struct Line: Encodable { let product: String; let owned: Int; let installed: Int; let shortfall: Int; let status: String; let statusCode: String }
    struct ListData: Encodable {
        let rows: [Row]; let lines: [Line]; let organizations: [SelectOption]; let organizationChosen: Bool; let canEdit: Bool
        let revealed: String?; let revealedName: String?
    }
    struct AdviceRow: Encodable {
        let id: String; let name: String; let organization: String; let kind: String; let purchased: String; let reasons: String
        let estimate: String; let estimated: Bool
    }
    struct AdviceData: Encodable {
        let rows: [AdviceRow]; let totals: [String]; let organizations: [SelectOption]; let horizonDays: Int; let years: Int; let query: String
    }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("licences") { req async throws -> Response in try await list(req) }
        routes.post("licences") { req async throws -> Response in
            let context = try req.requireWebContext()
            let values = try req.content.decode([String: String].self)
            func text(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
            // A seat count that is not a number is refused like a negative one.
            let seats = text("seats").map { Int($0.trimmingCharacters(in: .whitespaces)) ?? -1 }
            let input = LicenceInput(organizationId: values["organizationId"], name: values["name"], software: values["software"], seats: seats,
                                     key: text("key"), expiresOn: text("expiresOn"))
            do {
                let organization = try await req.tenant.organization(UUID(uuidString: input.organizationId ?? ""))
                guard context.isProviderStaff || context.role == .clientAdmin else { throw KeelError.forbidden }
                _ = try await LicenceService.create(input, organization: organization, req: req)
                return req.redirect(to: "/licences?organizationId=\(organization.id!.uuidString)", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound && error.status != .forbidden {
                return try await list(req, error: req.message(for: error).0)
            }
        }
        routes.post("licences", ":licenceID", "key") { req async throws -> Response in
            let licence = try await req.tenant.licence(try req.idParameter("licenceID"))
            let key = try await LicenceService.reveal(licence, req: req)
            return try await list(req, revealed: (licence.name, key), organizationID: licence.organizationID)
        }
        routes.get("purchase-advice") { req async throws -> Response in
            _ = try req.requireWebContext()
            let advice = try await PurchaseAdviceAPI.advice(req)
            let parameters = try PurchaseAdviceAPI.Parameters(req)
            let organizations = try await req.tenant.organizations().sort(\.$name).all()
            let names = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id!, $0.name) })
            let data = AdviceData(
                rows: advice.items.map { item in adviceRow(item, names: names, req: req) },
                totals: advice.totals.map { req.t("advice.total", ["count": String($0.count), "amount": money($0.cents, $0.currency)]) },
                organizations: organizations.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id == parameters.organizationID) },
                horizonDays: parameters.horizonDays, years: parameters.years, query: req.url.query ?? "")
            return try await req.renderPage("assets/advice", data: data)
        }
        routes.get("purchase-advice.csv") { req async throws -> Response in
            _ = try req.requireWebContext()
            let advice = try await PurchaseAdviceAPI.advice(req)
            var csv = CSV.line(["name", "organization_id", "kind", "subkind", "model", "serial", "purchase_date", "reasons", "estimate", "currency", "estimated"])
            for item in advice.items {
                csv += CSV.line([item.asset.name, item.asset.organizationId.uuidString.lowercased(), item.asset.kind, item.asset.subkind,
                                 item.asset.model ?? "", item.asset.serial ?? "", item.asset.purchaseDate ?? "", item.reasons.joined(separator: " "),
                                 String(format: "%.2f", Double(item.estimateCents) / 100), item.currency, item.estimated ? "yes" : "no"])
            }
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"purchase-advice.csv\"")
            return Response(status: .ok, headers: headers, body: .init(string: "\u{FEFF}" + csv))
        }
    }

    static func money(_ cents: Int, _ currency: String) -> String {
        String(format: "%.2f", Double(cents) / 100) + " " + currency
    }

    private static func adviceRow(_ item: PurchaseAdviceItemOut, names: [UUID: String], req: Request) -> AdviceRow {
        AdviceRow(id: item.asset.id.uuidString, name: item.asset.name, organization: names[item.asset.organizationId] ?? "",
                  kind: req.t("asset.kind.\(item.asset.kind)") + (item.asset.subkind.isEmpty ? "" : " · " + req.t("asset.subkind.\(item.asset.subkind)")),
                  purchased: item.asset.purchaseDate ?? "",
                  reasons: item.reasons.map { req.t("advice.reason.\($0)") }.joined(separator: "; "),
                  estimate: money(item.estimateCents, item.currency), estimated: item.estimated)
    }

    static func list(_ req: Request, error: String? = nil, revealed: (String, String)? = nil, organizationID: UUID? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        let tenant = try req.tenant
        let organizations = try await tenant.organizations().sort(\.$name).all()
        var chosen = organizationID ?? req.query[String.self, at: "organizationId"].flatMap(UUID.init(uuidString:))
        if chosen == nil, organizations.count == 1 { chosen = organizations.first?.id }
        if let id = chosen { _ = try await tenant.organization(id) }
        let query = tenant.licences()
        if let chosen { query.filter(\.$organizationID == chosen) }
        let licences = try await query.sort(\.$name).limit(1000).all()
        let names = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id!, $0.name) })
        let today = AssetDates.string(Date())
        var lines: [LicenceCompliance.Line] = []
        if let chosen { lines = try await LicenceAPI.compliance(of: chosen, tenant: tenant) }
        let display = Dictionary(licences.map { ($0.catalogKey, $0.name) }, uniquingKeysWith: { first, _ in first })
        let data = ListData(
            rows: licences.map {
                Row(id: $0.id!.uuidString, name: $0.name, organization: names[$0.organizationID] ?? "", product: $0.catalogKey, seats: $0.seats,
                    expires: $0.expiresOn ?? req.t("licences.perpetual"), hasKey: $0.keySealed != nil, expired: ($0.expiresOn ?? "9999") < today)
            },
            lines: lines.map {
                Line(product: display[$0.catalogKey] ?? $0.catalogKey, owned: $0.owned, installed: $0.installed, shortfall: $0.shortfall,
                     status: req.t("licences.status.\($0.status.rawValue)"), statusCode: $0.status.rawValue)
            },
            organizations: organizations.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id == chosen) },
            organizationChosen: chosen != nil, canEdit: context.isProviderStaff || context.role == .clientAdmin,
            revealed: revealed?.1, revealedName: revealed?.0)
        return try await req.renderPage("assets/licences", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }
}

/// Licence writes shared by the API and the page.
enum LicenceService {
    static func create(_ input: LicenceInput, organization: Organization, req: Request) async throws -> Licence {
        let context = try req.requireContext()
        guard input.name != nil, input.software != nil, input.seats != nil else {
            throw KeelError.validation(input.name == nil ? "name" : input.software == nil ? "software" : "seats", "licence_field_missing")
        }
        let licence = Licence()
        licence.id = UUID()
        licence.organizationID = try organization.requireID()
        licence.notes = ""
        licence.createdAt = Date()
        var changes = ChangeSet()
        try LicenceAPI.apply(input, to: licence, changes: &changes, box: req.application.secretBox)
        licence.updatedAt = licence.createdAt
        try await LicenceAPI.save(licence, action: "licence.create", changes: changes, context: context, app: req.application, create: true)
        return licence
    }

    /// The key in clear, for staff and the organisation's admins; every look is audited.
    static func reveal(_ licence: Licence, req: Request) async throws -> String {
        let context = try req.requireContext()
        guard context.isProviderStaff || context.role == .clientAdmin else { throw KeelError.forbidden }
        guard let sealed = licence.keySealed else { throw KeelError.notFound }
        let key = try req.application.secretBox.open(sealed)
        let actor = context.actor
        try await req.application.write { db in
            try await AuditLog.append(on: db, actor: actor, organizationID: licence.organizationID, action: "licence.key_view",
                                      entityType: "licence", entityID: licence.id?.uuidString.lowercased(), changes: ChangeSet())
        }
        return key
    }
}
