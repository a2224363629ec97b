import Fluent
import Foundation
import KeelDomain
import Vapor

/// The ledger's forms in the browser: add and edit an asset (with the custom fields of its
/// type), move it through its lifecycle, link it to tickets. Writes go through `AssetLedger`
/// like the API's, so the rules and the audit are the same.
enum AssetPages {
    struct CustomField: Encodable {
        let name: String; let label: String; let value: String; let type: String; let options: [SelectOption]; let required: Bool
    }
    struct CustomGroup: Encodable { let kind: String; let label: String; let fields: [CustomField] }
    struct FormData: Encodable {
        let isNew: Bool; let action: String; let name: String; let tag: String; let manufacturer: String; let model: String
        let serial: String; let purchaseDate: String; let purchaseCost: String; let currency: String; let supplier: String
        let warrantyEnd: String; let endOfSupport: String; let notes: String
        let kinds: [SelectOption]; let subkinds: [SelectOption]; let states: [SelectOption]; let organizations: [SelectOption]
        let owners: [SelectOption]; let sites: [SelectOption]; let custom: [CustomGroup]; let field: String?
    }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("assets", "new") { req async throws -> Response in
            try await form(req, asset: nil, values: [:])
        }
        routes.post("assets") { req async throws -> Response in
            _ = try req.requireWebContext()
            let values = try req.content.decode([String: String].self)
            do {
                let asset = try await AssetLedger(req).create(try input(from: values, kind: values["kind"] ?? "other", isNew: true))
                return req.redirect(to: "/assets/\(asset.id!.uuidString)", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound && error.status != .forbidden {
                let (message, field) = req.message(for: error)
                return try await form(req, asset: nil, values: values, error: message, field: field)
            }
        }
        routes.get("assets", ":assetID", "edit") { req async throws -> Response in
            let asset = try await req.tenant.asset(try req.idParameter("assetID"))
            return try await form(req, asset: asset, values: [:])
        }
        routes.post("assets", ":assetID", "edit") { req async throws -> Response in
            _ = try req.requireWebContext()
            let id = try req.idParameter("assetID")
            let asset = try await req.tenant.asset(id)
            let values = try req.content.decode([String: String].self)
            do {
                _ = try await AssetLedger(req).update(id, try input(from: values, kind: values["kind"] ?? asset.kind, isNew: false))
                return req.redirect(to: "/assets/\(id.uuidString)", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound && error.status != .forbidden {
                let (message, field) = req.message(for: error)
                return try await form(req, asset: asset, values: values, error: message, field: field)
            }
        }
        routes.post("assets", ":assetID", "lifecycle") { req async throws -> Response in
            _ = try req.requireWebContext()
            struct Move: Content { var state: String?; var note: String? }
            let id = try req.idParameter("assetID")
            let move = try req.content.decode(Move.self)
            do {
                _ = try await AssetLedger(req).update(id, AssetInput(lifecycleState: move.state ?? "", lifecycleNote: move.note))
                return req.redirect(to: "/assets/\(id.uuidString)", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound {
                return try await AssetController.show(req, error: req.message(for: error).0)
            }
        }
        routes.post("tickets", ":ticketID", "assets") { req async throws -> Response in
            let context = try req.requireWebContext()
            struct Link: Content { var assetId: String? }
            let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
            let link = try req.content.decode(Link.self)
            do {
                guard let id = UUID(uuidString: link.assetId ?? "") else { throw KeelError.validation("assetId", "asset_invalid") }
                try await TicketAssets.link(ticket, assetIDs: [id], tenant: req.tenant, context: context, app: req.application)
                return req.redirect(to: "/tickets/\(ticket.id!.uuidString)", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound {
                return try await TicketPages.show(req, error: req.message(for: error).0)
            }
        }
        routes.post("tickets", ":ticketID", "assets", ":assetID", "unlink") { req async throws -> Response in
            let context = try req.requireWebContext()
            let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
            let asset = try await req.tenant.asset(try req.idParameter("assetID"))
            try await TicketAssets.unlink(ticket, asset, context: context, app: req.application)
            return req.redirect(to: "/tickets/\(ticket.id!.uuidString)", redirectType: .normal)
        }
    }

    /// The form's fields as an API input; custom fields are named `custom.<kind>.<key>` and
    /// only those of the chosen type count.
    static func input(from values: [String: String], kind: String, isNew: Bool) throws -> AssetInput {
        var input = AssetInput()
        input.organizationId = isNew ? values["organizationId"] : nil
        input.kind = values["kind"]
        input.subkind = values["subkind"]
        input.siteId = values["siteId"]
        input.ownerId = values["ownerId"]
        for (key, path) in [("tag", \AssetInput.tag), ("name", \.name), ("manufacturer", \.manufacturer), ("model", \.model),
                            ("serial", \.serial), ("purchaseDate", \.purchaseDate), ("currency", \.currency), ("supplier", \.supplier),
                            ("warrantyEnd", \.warrantyEnd), ("endOfSupport", \.endOfSupport), ("notes", \.notes)] {
            input[keyPath: path] = values[key]
        }
        if isNew { input.lifecycleState = values["lifecycleState"] }
        if let raw = values["purchaseCost"]?.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard let amount = Decimal(string: raw, locale: Locale(identifier: "en_US_POSIX")), amount >= 0, amount < 1_000_000_000 else {
                throw KeelError.validation("purchaseCost", "asset_cost_invalid")
            }
            var cents = amount * 100, rounded = Decimal()
            NSDecimalRound(&rounded, &cents, 0, .plain)
            input.purchaseCostCents = NSDecimalNumber(decimal: rounded).intValue
        }
        let prefix = "custom.\(kind)."
        input.customFields = Dictionary(uniqueKeysWithValues: values.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        return input
    }

    static func form(_ req: Request, asset: Asset?, values: [String: String], error: String? = nil, field: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        guard context.isProviderStaff || context.role == .clientAdmin else { throw KeelError.forbidden }
        let tenant = try req.tenant
        func value(_ key: String, _ stored: String?) -> String { values[key] ?? stored ?? "" }
        let kind = values["kind"] ?? asset?.kind ?? "computer"
        let organizations = try await tenant.organizations().sort(\.$name).all()
        let organizationIDs = asset.map { [$0.$organization.id] } ?? organizations.compactMap(\.id)
        let people = try await tenant.users().filter(\.$organization.$id ~~ organizationIDs).filter(\.$active == true).sort(\.$name).limit(2000).all()
        let sites = try await Site.query(on: req.db).filter(\.$organization.$id ~~ organizationIDs).sort(\.$name).all()
        let names = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id!, $0.name) })
        let multi = asset == nil && organizations.count > 1
        let fields = try await AssetFieldRecord.query(on: req.db).sort(\.$kind).sort(\.$position).all().compactMap(AssetFields.definition)
        let stored = asset?.customFields.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        let language = req.language
        let groups = Dictionary(grouping: fields.filter { asset == nil || $0.kind.rawValue == asset?.kind }, by: \.kind)
        let custom = AssetKind.allCases.compactMap { kind -> CustomGroup? in
            guard let definitions = groups[kind] else { return nil }
            return CustomGroup(kind: kind.rawValue, label: req.t("asset.kind.\(kind.rawValue)"), fields: definitions.map { definition in
                let name = "custom.\(kind.rawValue).\(definition.key)"
                let current = values[name] ?? stored[definition.key] ?? ""
                return CustomField(name: name, label: definition.label(language), value: current, type: definition.valueType.rawValue,
                                   options: definition.options.map { SelectOption(value: $0, label: $0, selected: $0 == current) },
                                   required: definition.required)
            })
        }
        let state = values["lifecycleState"] ?? asset?.lifecycleState ?? "in_use"
        let subkind = values["subkind"] ?? asset?.subkind ?? ""
        let owner = values["ownerId"] ?? asset?.$owner.id?.uuidString ?? ""
        let site = values["siteId"] ?? asset?.$site.id?.uuidString ?? ""
        let data = FormData(
            isNew: asset == nil, action: asset.map { "/assets/\($0.id!.uuidString)/edit" } ?? "/assets",
            name: value("name", asset?.name), tag: value("tag", asset?.tag), manufacturer: value("manufacturer", asset?.manufacturer),
            model: value("model", asset?.model), serial: value("serial", asset?.serial), purchaseDate: value("purchaseDate", asset?.purchaseDate),
            purchaseCost: values["purchaseCost"] ?? asset?.purchaseCostCents.map { String(format: "%.2f", Double($0) / 100) } ?? "",
            currency: value("currency", asset?.currency), supplier: value("supplier", asset?.supplier),
            warrantyEnd: value("warrantyEnd", asset?.warrantyEnd), endOfSupport: value("endOfSupport", asset?.endOfSupport),
            notes: value("notes", asset?.notes),
            kinds: AssetKind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("asset.kind.\($0.rawValue)"), selected: $0.rawValue == kind) },
            subkinds: [SelectOption(value: "", label: req.t("asset.subkind.none"), selected: subkind.isEmpty)]
                + AssetKind.computerForms.sorted().map { SelectOption(value: $0, label: req.t("asset.subkind.\($0)"), selected: $0 == subkind) },
            states: AssetLifecycleState.allCases.map { SelectOption(value: $0.rawValue, label: req.t("asset.state.\($0.rawValue)"), selected: $0.rawValue == state) },
            organizations: asset == nil ? organizations.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == values["organizationId"]) } : [],
            owners: [SelectOption(value: "", label: req.t("asset.nobody"), selected: owner.isEmpty)] + people.map {
                SelectOption(value: $0.id!.uuidString, label: multi ? "\($0.name) · \(names[$0.$organization.id ?? UUID()] ?? "")" : $0.name,
                             selected: $0.id!.uuidString == owner)
            },
            sites: [SelectOption(value: "", label: req.t("asset.no_site"), selected: site.isEmpty)] + sites.map {
                SelectOption(value: $0.id!.uuidString, label: multi ? "\($0.name) · \(names[$0.$organization.id] ?? "")" : $0.name,
                             selected: $0.id!.uuidString == site)
            },
            custom: custom, field: field)
        return try await req.renderPage("assets/form", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }
}
