import Fluent
import Foundation
import KeelDomain
import Vapor

/// The ledger in the browser: the list with the lifecycle views and CSV export, one asset
/// with its disks, antivirus, software and history.
enum AssetController {
    struct Row: Encodable {
        let id: String; let name: String; let organization: String; let kind: String; let model: String; let serial: String
        let os: String; let lastSeen: String; let flagged: Bool; let state: String
    }
    struct ListData: Encodable {
        let rows: [Row]; let q: String; let views: [SelectOption]; let organizations: [SelectOption]; let query: String; let next: String?
        let kinds: [SelectOption]; let states: [SelectOption]
    }
    struct Fact: Encodable { let label: String; let value: String }
    struct ShowData: Encodable {
        let id: String; let name: String; let facts: [Fact]; let disks: [Fact]; let antivirus: [Fact]; let software: [Fact]; let changes: [Fact]
        let flagged: Bool; let custom: [Fact]; let lifecycle: [Fact]; let tickets: [SelectOption]; let moves: [SelectOption]; let canEdit: Bool
    }

    static func kind(_ asset: Asset, _ req: Request) -> String {
        req.t("asset.kind.\(asset.kind)") + (asset.subkind.isEmpty ? "" : " · " + req.t("asset.subkind.\(asset.subkind)"))
    }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("assets") { req async throws -> Response in
            _ = try req.requireWebContext()
            let tenant = try req.tenant
            let filter = try AssetFilter(req)
            let query = tenant.assets()
            try await filter.apply(to: query, tenant: tenant)
            let (items, next) = try await filter.rows(query, list: try ListQuery(req))
            let organizations = try await tenant.organizations().sort(\.$name).all()
            let names = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id!, $0.name) })
            let data = ListData(
                rows: items.map { asset in
                    Row(id: asset.id!.uuidString, name: asset.name, organization: names[asset.$organization.id] ?? "", kind: kind(asset, req),
                        model: [asset.manufacturer, asset.model].compactMap { $0 }.joined(separator: " "), serial: asset.serial ?? "",
                        os: asset.osName ?? "", lastSeen: req.display(asset.lastInventoryAt), flagged: asset.conflictOrganizationID != nil,
                        state: req.t("asset.state.\(asset.lifecycleState)"))
                },
                q: filter.q ?? "",
                views: AssetFilter.View.allCases.map { SelectOption(value: $0.rawValue, label: req.t("asset.view.\($0.rawValue)"), selected: $0 == filter.view) },
                organizations: organizations.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id == filter.organizationID) },
                query: TicketController.filterQuery(req),
                next: next.map { TicketController.nextQuery(req, cursor: $0) },
                kinds: AssetKind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("asset.kind.\($0.rawValue)"), selected: $0 == filter.kind) },
                states: AssetLifecycleState.allCases.map { SelectOption(value: $0.rawValue, label: req.t("asset.state.\($0.rawValue)"), selected: $0 == filter.state) })
            return try await req.renderPage("assets/index", data: data)
        }
        routes.get("assets.csv") { req async throws -> Response in
            _ = try req.requireWebContext()
            let tenant = try req.tenant
            let filter = try AssetFilter(req)
            let query = tenant.assets()
            try await filter.apply(to: query, tenant: tenant)
            let assets = try await query.sort(\.$name).limit(50_000).all().filter(filter.keeps)
            var csv = CSV.line(["name", "kind", "subkind", "manufacturer", "model", "serial", "os", "os_version", "memory_mb",
                                "last_user", "warranty_end", "end_of_support", "purchase_date", "lifecycle_state", "last_inventory"])
            for asset in assets {
                csv += CSV.line([asset.name, asset.kind, asset.subkind, asset.manufacturer ?? "", asset.model ?? "", asset.serial ?? "",
                                 asset.osName ?? "", asset.osVersion ?? "", asset.memoryMB.map(String.init) ?? "", asset.lastUser ?? "",
                                 asset.warrantyEnd ?? "", asset.endOfSupport ?? "", asset.purchaseDate ?? "", asset.lifecycleState,
                                 asset.lastInventoryAt.map(RFC3339Text.format) ?? ""])
            }
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"assets.csv\"")
            return Response(status: .ok, headers: headers, body: .init(string: "\u{FEFF}" + csv))
        }
        routes.get("assets", ":assetID") { req async throws -> Response in
            try await show(req)
        }
    }

    static func show(_ req: Request, error: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        let asset = try await req.tenant.asset(try req.idParameter("assetID"))
        let id = try asset.requireID()
        let out = AssetOut(asset)
        let software = try await InstalledSoftware.list(of: id, limit: 5000, on: req.db)
        let changes = try await AssetChange.query(on: req.db).filter(\.$asset.$id == id).sort(\.$at, .descending).limit(500).all()
        let moves = try await AssetLifecycleEvent.query(on: req.db).filter(\.$asset.$id == id).sort(\.$at, .descending).limit(200).all()
        let tickets = try await req.tenant.tickets(about: id).sort(\.$createdAt, .descending).limit(200).all()
        let owner = try await asset.$owner.get(on: req.db)?.name
        let site = try await asset.$site.get(on: req.db)?.name
        let definitions = try await AssetFields.definitions(for: asset.kind, on: req.db)
        let state = AssetLifecycleState(rawValue: asset.lifecycleState) ?? .inUse
        let cost = asset.purchaseCostCents.map { String(format: "%.2f", Double($0) / 100) + (asset.currency.map { " \($0)" } ?? "") }
        let facts: [(String, String?)] = [
            ("asset.kind", kind(asset, req)), ("asset.lifecycle_state", req.t("asset.state.\(asset.lifecycleState)")),
            ("asset.tag", asset.tag), ("asset.owner", owner), ("field.site", site),
            ("asset.manufacturer", asset.manufacturer), ("asset.model", asset.model),
            ("asset.serial", asset.serial), ("asset.os", [asset.osName, asset.osVersion].compactMap { $0 }.joined(separator: " ")),
            ("asset.cpu", asset.cpu), ("asset.memory", asset.memoryMB.map { "\($0) MB" }), ("asset.last_user", asset.lastUser),
            ("asset.purchase_date", asset.purchaseDate), ("asset.purchase_cost", cost), ("asset.supplier", asset.supplier),
            ("asset.warranty_end", asset.warrantyEnd), ("asset.end_of_support", asset.endOfSupport), ("asset.notes", asset.notes),
            ("asset.device_id", asset.deviceID), ("asset.last_seen", req.display(asset.lastInventoryAt)),
        ]
        let data = ShowData(
            id: id.uuidString, name: asset.name,
            facts: facts.compactMap { key, value in value.flatMap { $0.isEmpty ? nil : Fact(label: req.t(key), value: $0) } },
            disks: out.disks.map { Fact(label: $0.mount, value: req.t("asset.disk_free", ["free": String($0.freeMB ?? 0), "total": String($0.totalMB ?? 0)])) },
            antivirus: out.antivirus.map { Fact(label: $0.name, value: req.t($0.enabled == false ? "asset.av_off" : $0.upToDate == false ? "asset.av_outdated" : "asset.av_ok")) },
            software: software.map { Fact(label: $0.name, value: $0.version) },
            changes: changes.map { Fact(label: req.display($0.at), value: req.t("asset.change.\($0.kind)", ["subject": $0.subject, "from": $0.fromValue ?? "", "to": $0.toValue ?? ""])) },
            flagged: asset.conflictOrganizationID != nil,
            custom: definitions.compactMap { definition in out.customFields[definition.key].map { Fact(label: definition.label(req.language), value: $0) } },
            lifecycle: moves.map { move in
                Fact(label: req.display(move.at), value: req.t(move.note.isEmpty ? "asset.moved" : "asset.moved_because",
                                                                ["to": req.t("asset.state.\(move.toState)"), "by": move.byLabel, "note": move.note]))
            },
            tickets: tickets.map { SelectOption(value: $0.id!.uuidString, label: "#\($0.number) \($0.title) · \(req.t("status.\($0.status)"))", selected: false) },
            moves: state.next.sorted { $0.rawValue < $1.rawValue }.map { SelectOption(value: $0.rawValue, label: req.t("asset.state.\($0.rawValue)"), selected: false) },
            canEdit: context.isProviderStaff || context.role == .clientAdmin)
        return try await req.renderPage("assets/show", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }
}
