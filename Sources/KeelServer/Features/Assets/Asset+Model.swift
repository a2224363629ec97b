import Fluent
import Foundation
import KeelDomain

/// One item of a client's IT asset ledger: a computer filled by the inventory agent, or
/// anything entered by hand (network device, printer, phone, peripheral, subscription…).
final class Asset: Model, @unchecked Sendable {
    static let schema = "assets"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @OptionalParent(key: "site_id") var site: Site?
    @OptionalParent(key: "owner_id") var owner: User?
    /// computer, network, printer, phone, peripheral, cloud, other
    @Field(key: "kind") var kind: String
    /// For computers: desktop, laptop, server, virtual (empty when unknown).
    @Field(key: "subkind") var subkind: String
    @OptionalField(key: "tag") var tag: String?
    @Field(key: "name") var name: String
    @OptionalField(key: "manufacturer") var manufacturer: String?
    @OptionalField(key: "model") var model: String?
    @OptionalField(key: "serial") var serial: String?
    @OptionalField(key: "purchase_date") var purchaseDate: String?
    @OptionalField(key: "purchase_cost_cents") var purchaseCostCents: Int?
    @OptionalField(key: "currency") var currency: String?
    @OptionalField(key: "supplier") var supplier: String?
    @OptionalField(key: "warranty_end") var warrantyEnd: String?
    @OptionalField(key: "end_of_support") var endOfSupport: String?
    /// ordered, in_stock, in_use, in_repair, retired, disposed
    @Field(key: "lifecycle_state") var lifecycleState: String
    @Field(key: "notes") var notes: String
    @OptionalField(key: "os_name") var osName: String?
    @OptionalField(key: "os_version") var osVersion: String?
    @OptionalField(key: "cpu") var cpu: String?
    @OptionalField(key: "memory_mb") var memoryMB: Int?
    @OptionalField(key: "last_user") var lastUser: String?
    // Inventory identity, for matching the same device across agent reinstalls.
    @OptionalField(key: "device_id") var deviceID: String?
    @OptionalField(key: "bios_serial") var biosSerial: String?
    @OptionalField(key: "hardware_uuid") var hardwareUUID: String?
    /// Comma-separated, lower case.
    @Field(key: "macs") var macs: String
    /// Disks and free space as JSON: kept current even when nothing else changed.
    @OptionalField(key: "volumes") var volumes: String?
    /// Antivirus products and their state as JSON.
    @OptionalField(key: "antivirus") var antivirus: String?
    /// The latest inventory's content fingerprint (the document itself is in `AssetInventoryDocument`).
    @OptionalField(key: "inventory_fingerprint") var inventoryFingerprint: String?
    /// SHA-256 of the last inventory body the device sent, as sent (`xml:` or `json:` first).
    @OptionalField(key: "inventory_body_hash") var inventoryBodyHash: String?
    @OptionalField(key: "last_inventory_at") var lastInventoryAt: Date?
    /// Set when the device's serial or UUID also belongs to another organisation's asset.
    @OptionalField(key: "conflict_organization_id") var conflictOrganizationID: UUID?
    /// Values of the custom fields of its type, as a JSON object of strings.
    @OptionalField(key: "custom_fields") var customFields: String?
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .none) var updatedAt: Date?

    init() {}
}

/// The latest full inventory of an asset as JSON, kept apart so that lists stay light.
final class AssetInventoryDocument: Model, @unchecked Sendable {
    static let schema = "asset_inventories"

    @ID(custom: "asset_id", generatedBy: .user) var id: UUID?
    /// `x1:` and base64 of the agent's XML as it arrived, zlib-compressed (FusionInventory:
    /// no re-encoding, ~17 KB for a 200 KB inventory); `z1:` and base64 of the zlib-compressed
    /// JSON of the internal model (GLPI agent, merged partial inventories); plain JSON in
    /// rows written before either.
    @Field(key: "document") var document: String

    init() {}

    static func encode(_ inventory: Inventory) throws -> String {
        "z1:" + Data(Inflate.compress(Array(try JSONEncoder().encode(inventory)))).base64EncodedString()
    }

    static func encode(agentXMLZlib bytes: [UInt8]) -> String {
        "x1:" + Data(bytes).base64EncodedString()
    }

    var inventory: Inventory? {
        let packed = document.hasPrefix("z1:") || document.hasPrefix("x1:") ? Data(base64Encoded: String(document.dropFirst(3))) : nil
        if document.hasPrefix("x1:") {
            guard let packed, let xml = try? Inflate.decompress(Array(packed), format: .zlib, limit: InventoryIntake.maxDocument),
                  case .inventory(let inventory, _)? = try? FusionInventoryReader.read(xml) else { return nil }
            return inventory
        }
        if document.hasPrefix("z1:") {
            guard let packed, let json = try? Inflate.decompress(Array(packed), format: .zlib, limit: 64 << 20) else { return nil }
            return try? JSONDecoder().decode(Inventory.self, from: Data(json))
        }
        return try? JSONDecoder().decode(Inventory.self, from: Data(document.utf8))
    }
}

/// A network card's MAC address seen on an asset: one of the keys that find a device again.
final class AssetMAC: Model, @unchecked Sendable {
    static let schema = "asset_macs"

    @ID(key: .id) var id: UUID?
    @Parent(key: "asset_id") var asset: Asset
    @Field(key: "mac") var mac: String

    init() {}
}

/// What changed on an asset between inventories (or by hand), for its history.
final class AssetChange: Model, @unchecked Sendable {
    static let schema = "asset_changes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "asset_id") var asset: Asset
    @Field(key: "kind") var kind: String
    @Field(key: "subject") var subject: String
    @OptionalField(key: "from_value") var fromValue: String?
    @OptionalField(key: "to_value") var toValue: String?
    @Field(key: "at") var at: Date

    init() {}
}

/// An organisation's inventory enrolment key: hashed for look-up, sealed for showing.
final class InventoryEnrolment: Model, @unchecked Sendable {
    static let schema = "inventory_enrolments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "key_sealed") var keySealed: String
    /// Optional HTTP Basic credentials the agent must also send (see `InventoryAuth`).
    @OptionalField(key: "basic_user") var basicUser: String?
    @OptionalField(key: "basic_password_hash") var basicPasswordHash: String?
    @OptionalField(key: "basic_password_sealed") var basicPasswordSealed: String?
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?

    init() {}
}
