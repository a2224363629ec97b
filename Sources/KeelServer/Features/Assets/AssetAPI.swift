import Fluent
import Foundation
import KeelDomain
import Vapor

struct AssetOut: Content {
    let id: UUID
    let organizationId: UUID
    let siteId: UUID?
    let ownerId: UUID?
    let kind: String
    let subkind: String
    let tag: String?
    let name: String
    let manufacturer: String?
    let model: String?
    let serial: String?
    let lifecycleState: String
    let purchaseDate: String?
    let purchaseCostCents: Int?
    let currency: String?
    let supplier: String?
    let warrantyEnd: String?
    let endOfSupport: String?
    let notes: String
    let customFields: [String: String]
    let osName: String?
    let osVersion: String?
    let cpu: String?
    let memoryMB: Int?
    let lastUser: String?
    let deviceId: String?
    let macs: [String]
    let disks: [Disk]
    let antivirus: [Antivirus]
    let softwareCount: Int?
    let lastInventoryAt: Date?
    let conflictOrganizationId: UUID?
    let createdAt: Date?
    let updatedAt: Date?

    struct Disk: Content { let mount: String; let filesystem: String?; let totalMB: Int?; let freeMB: Int? }
    struct Antivirus: Content { let name: String; let version: String?; let enabled: Bool?; let upToDate: Bool? }

    init(_ asset: Asset, softwareCount: Int? = nil) {
        id = asset.id!
        organizationId = asset.$organization.id
        siteId = asset.$site.id
        ownerId = asset.$owner.id
        kind = asset.kind
        subkind = asset.subkind
        tag = asset.tag
        name = asset.name
        manufacturer = asset.manufacturer
        model = asset.model
        serial = asset.serial
        lifecycleState = asset.lifecycleState
        purchaseDate = asset.purchaseDate
        purchaseCostCents = asset.purchaseCostCents
        currency = asset.currency
        supplier = asset.supplier
        warrantyEnd = asset.warrantyEnd
        endOfSupport = asset.endOfSupport
        notes = asset.notes
        customFields = asset.customFields.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        osName = asset.osName
        osVersion = asset.osVersion
        cpu = asset.cpu
        memoryMB = asset.memoryMB
        lastUser = asset.lastUser
        deviceId = asset.deviceID
        macs = asset.macs.split(separator: ",").map(String.init)
        let volumes = asset.volumes.flatMap { try? JSONDecoder().decode([InventoryVolume].self, from: Data($0.utf8)) } ?? []
        disks = volumes.map { Disk(mount: $0.mount, filesystem: $0.filesystem, totalMB: $0.totalMB, freeMB: $0.freeMB) }
        let products = asset.antivirus.flatMap { try? JSONDecoder().decode([InventoryAntivirus].self, from: Data($0.utf8)) } ?? []
        antivirus = products.map { Antivirus(name: $0.name, version: $0.version, enabled: $0.enabled, upToDate: $0.upToDate) }
        self.softwareCount = softwareCount
        lastInventoryAt = asset.lastInventoryAt
        conflictOrganizationId = asset.conflictOrganizationID
        createdAt = asset.createdAt
        updatedAt = asset.updatedAt
    }
}

struct AssetSoftwareOut: Content {
    let name: String
    let version: String
    let publisher: String
    let catalogKey: String
}

struct AssetChangeOut: Content {
    let kind: String
    let subject: String
    let from: String?
    let to: String?
    let at: Date
}

/// The asset ledger over HTTP (API.md): list with `q` (name, serial, tag, owner), one asset
/// with its disks and antivirus, its software and its history. Scope comes from `TenantData`.
enum AssetAPI {
    static func register(_ api: API) {
        api.on(.GET, "assets", "The asset ledger (q: name, serial, tag or owner; organizationId; kind; state; view: warranty_ending, end_of_support, old [years], not_seen [days], disk_full)",
               tag: "assets", response: "AssetList") { req in
            let tenant = try req.tenant
            let filter = try AssetFilter(req)
            let query = tenant.assets()
            try await filter.apply(to: query, tenant: tenant)
            let (items, next) = try await filter.rows(query, list: try ListQuery(req))
            return ListPage(items: items.map { AssetOut($0) }, nextCursor: next)
        }
        api.on(.GET, "assets/{assetID}", "One asset with its disks and antivirus", tag: "assets", response: "Asset") { req in
            let asset = try await req.tenant.asset(try req.idParameter("assetID"))
            let count = try await InstalledSoftware.count(of: asset.requireID(), on: req.db)
            return AssetOut(asset, softwareCount: count)
        }
        api.on(.GET, "assets/{assetID}/software", "Software found installed by inventory", tag: "assets",
               response: "AssetSoftwareList") { req in
            let asset = try await req.tenant.asset(try req.idParameter("assetID"))
            let rows = try await InstalledSoftware.list(of: asset.requireID(), on: req.db)
            return ListPage(items: rows.map { AssetSoftwareOut(name: $0.name, version: $0.version, publisher: $0.publisher, catalogKey: $0.key) },
                            nextCursor: nil)
        }
        api.on(.GET, "software", "The software catalogue: products on assets in scope, with device and version counts (organizationId, q)",
               tag: "assets", response: "SoftwareProductList") { req in
            let tenant = try req.tenant
            var organizationID: UUID?
            if let raw = req.query[String.self, at: "organizationId"], !raw.isEmpty {
                organizationID = try await tenant.organization(UUID(uuidString: raw)).requireID()
            }
            let q = try req.searchText()
            return ListPage(items: try await tenant.softwareCatalogue(organizationID: organizationID, contains: q), nextCursor: nil)
        }
        api.on(.GET, "assets/{assetID}/changes", "What changed between inventories", tag: "assets", response: "AssetChangeList") { req in
            let asset = try await req.tenant.asset(try req.idParameter("assetID"))
            let rows = try await AssetChange.query(on: req.db).filter(\.$asset.$id == asset.requireID())
                .sort(\.$at, .descending).limit(1000).all()
            return ListPage(items: rows.map { AssetChangeOut(kind: $0.kind, subject: $0.subject, from: $0.fromValue, to: $0.toValue, at: $0.at) },
                            nextCursor: nil)
        }
    }
}
