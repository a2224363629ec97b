import Fluent
import Vapor
import Foundation
import KeelDomain
import SQLKit

/// Turns one agent inventory into the ledger: finds the device (DEVICEID, BIOS serial,
/// hardware UUID, MACs), creates or updates its asset, replaces its software list, and
/// records what changed. An unchanged re-inventory only moves "last seen".
///
/// The organisation is the enrolment key's, not a signed-in person's: this is the one
/// place that reads device keys across organisations, to flag a serial that shows up in
/// two of them instead of moving the device silently.
struct InventoryStore {
    enum Outcome: Equatable {
        case created(UUID)
        case updated(UUID, changes: Int)
        case unchanged(UUID)
        /// Created in this organisation and flagged: the device is also known to another one.
        case conflict(UUID, otherOrganizationID: UUID)
    }

    let organizationID: UUID

    /// What can be computed from an inventory before taking the write gate: the fingerprint,
    /// the JSON document, the normalised software rows. SQLite has one writer, so CPU work
    /// inside the gate is time every other writer waits.
    struct Prepared: Sendable {
        let inventory: Inventory
        let fingerprint: String
        let document: String
        let software: [SoftwareRow]
        let volumes: String?
    }

    struct SoftwareRow: Sendable {
        let key: String, name: String, version: String, publisher: String
    }

    /// `agentXMLZlib`: the agent's own document, zlib-compressed, kept instead of encoding
    /// the model again (nil for JSON agents and merged partial inventories).
    static func prepare(_ inventory: Inventory, fingerprint: String, agentXMLZlib: [UInt8]? = nil) throws -> Prepared {
        var seen = Set<String>()
        var rows: [SoftwareRow] = []
        rows.reserveCapacity(inventory.software.count)
        for item in inventory.software {
            let entry = SoftwareCatalog.normalise(name: item.name, publisher: item.publisher)
            let version = item.version ?? ""
            guard seen.insert(entry.key + "\u{1}" + version).inserted else { continue }
            rows.append(SoftwareRow(key: String(entry.key.prefix(300)), name: String(item.name.prefix(300)),
                                    version: String(version.prefix(100)), publisher: String((item.publisher ?? "").prefix(200))))
        }
        return Prepared(inventory: inventory, fingerprint: fingerprint,
                        document: try agentXMLZlib.map(AssetInventoryDocument.encode(agentXMLZlib:)) ?? AssetInventoryDocument.encode(inventory),
                        software: rows, volumes: volumes(inventory))
    }

    /// Read-only: the asset this inventory would update when its content is exactly what
    /// the ledger already has (the common case: agents report daily, little changes).
    func unchangedAsset(_ inventory: Inventory, fingerprint: String, on db: any Database) async throws -> UUID? {
        let (keys, fingerprints) = try await candidates(for: inventory.ids, on: db)
        guard case .existing(let assetID, _) = InventoryMatcher.match(inventory.ids, candidates: keys, organizationID: organizationID),
              fingerprints[assetID] == fingerprint else { return nil }
        return assetID
    }

    /// The last full inventory of the device these identifiers match, for laying a partial
    /// inventory over it; nil for a device not known in this organisation.
    func previous(for ids: InventoryDeviceIDs, on db: any Database) async throws -> Inventory? {
        let (keys, _) = try await candidates(for: ids, on: db)
        guard case .existing(let assetID, _) = InventoryMatcher.match(ids, candidates: keys, organizationID: organizationID),
              let stored = try await AssetInventoryDocument.find(assetID, on: db) else { return nil }
        return stored.inventory
    }

    /// An unchanged re-inventory: "last seen" moves; free space is outside the fingerprint
    /// but kept current. Only when the fingerprint still matches (another write may have won).
    func touch(_ assetID: UUID, _ inventory: Inventory, fingerprint: String, bodyHash: String, on db: any Database, now: Date) async throws -> Bool {
        guard let asset = try await Asset.query(on: db).filter(\.$id == assetID).field(\.$id).field(\.$inventoryFingerprint).first(),
              asset.inventoryFingerprint == fingerprint else { return false }
        try await Asset.query(on: db).filter(\.$id == assetID).set(\.$lastInventoryAt, to: now)
            .set(\.$volumes, to: Self.volumes(inventory)).set(\.$inventoryBodyHash, to: bodyHash).update()
        return true
    }

    /// The same bytes as the device's last inventory: only "last seen" moves, in a commit
    /// shared with other agents'. Returns the body's kind (`xml`, `json`), nil when unknown.
    func touchUnchanged(bodyHash: String, app: Application) async throws -> String? {
        let organizationID = self.organizationID
        let candidates = ["xml:" + bodyHash, "json:" + bodyHash]
        let read = app.db as! any SQLDatabase
        guard let row = try await read.select().columns("id", "inventory_body_hash").from(Asset.schema)
            .where("organization_id", .equal, SQLBind(organizationID)).where("inventory_body_hash", .in, SQLBind.group(candidates))
            .limit(1).first() else { return nil }
        let assetID = try row.decode(column: "id", as: UUID.self), stored = try row.decode(column: "inventory_body_hash", as: String.self)
        let now = Date()
        let touched = try await app.groupCommit.submit { db in
            let sql = db as! any SQLDatabase
            let rows = try await sql.update(Asset.schema).set("last_inventory_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(assetID)).where("inventory_body_hash", .equal, SQLBind(stored))
                .returning("id").all()
            return !rows.isEmpty
        }
        return touched ? String(stored.prefix { $0 != ":" }) : nil
    }

    /// Which body the device's ledger entry now reflects.
    func remember(bodyHash: String, of outcome: Outcome, on db: any Database) async throws {
        let assetID: UUID
        switch outcome {
        case .created(let id), .updated(let id, _), .unchanged(let id), .conflict(let id, _): assetID = id
        }
        try await Asset.query(on: db).filter(\.$id == assetID).set(\.$inventoryBodyHash, to: bodyHash).update()
    }

    func apply(_ prepared: Prepared, on db: any Database, now: Date) async throws -> Outcome {
        let inventory = prepared.inventory
        let (keys, fingerprints) = try await candidates(for: inventory.ids, on: db)
        let match = InventoryMatcher.match(inventory.ids, candidates: keys, organizationID: organizationID)
        switch match {
        case .existing(let assetID, _):
            guard let asset = try await Asset.find(assetID, on: db) else { return try await create(prepared, on: db, now: now, conflict: nil) }
            if fingerprints[assetID] == prepared.fingerprint {
                try await Asset.query(on: db).filter(\.$id == assetID).set(\.$lastInventoryAt, to: now)
                    .set(\.$volumes, to: prepared.volumes).update()
                return .unchanged(assetID)
            }
            return try await update(asset, with: prepared, on: db, now: now)
        case .new:
            return try await create(prepared, on: db, now: now, conflict: nil)
        case .conflict(_, let other, _):
            return try await create(prepared, on: db, now: now, conflict: other)
        }
    }

    /// Assets that share any identifier with the incoming device, with their MACs, and each
    /// one's inventory fingerprint. Narrow SQL reads: every agent request asks, mostly for a
    /// device that is new or unchanged, where building models would cost more than the queries.
    private func candidates(for ids: InventoryDeviceIDs, on db: any Database) async throws -> ([InventoryDeviceKeys], [UUID: String]) {
        let serial = InventoryIdentity.serial(ids.biosSerial)
        let uuid = InventoryIdentity.uuid(ids.hardwareUUID)
        let macs = ids.macs.compactMap { InventoryIdentity.normalisedMAC($0) }
        let sql = db as! any SQLDatabase
        var assetIDs = Set<UUID>()
        if !macs.isEmpty {
            let rows = try await sql.select().column("asset_id").from(AssetMAC.schema).where("mac", .in, SQLBind.group(macs)).all()
            assetIDs.formUnion(try rows.map { try $0.decode(column: "asset_id", as: UUID.self) })
        }
        guard ids.deviceID != nil || serial != nil || uuid != nil || !assetIDs.isEmpty else { return ([], [:]) }
        let rows = try await sql.select()
            .columns("id", "organization_id", "device_id", "bios_serial", "hardware_uuid", "inventory_fingerprint")
            .from(Asset.schema)
            .where { group in
                var group = group
                if let deviceID = ids.deviceID { group = group.orWhere("device_id", .equal, SQLBind(deviceID)) }
                if let serial { group = group.orWhere("bios_serial", .equal, SQLBind(serial)) }
                if let uuid { group = group.orWhere("hardware_uuid", .equal, SQLBind(uuid)) }
                if !assetIDs.isEmpty { group = group.orWhere("id", .in, SQLBind.group(Array(assetIDs))) }
                return group
            }
            .limit(200).all()
        guard !rows.isEmpty else { return ([], [:]) }
        struct Found { let id: UUID; let organizationID: UUID; let deviceID: String?; let serial: String?; let uuid: String? }
        var found: [Found] = []
        var fingerprints: [UUID: String] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            found.append(Found(id: id, organizationID: try row.decode(column: "organization_id", as: UUID.self),
                               deviceID: try row.decode(column: "device_id", as: String?.self),
                               serial: try row.decode(column: "bios_serial", as: String?.self),
                               uuid: try row.decode(column: "hardware_uuid", as: String?.self)))
            fingerprints[id] = try row.decode(column: "inventory_fingerprint", as: String?.self)
        }
        let macRows = try await sql.select().columns("asset_id", "mac").from(AssetMAC.schema)
            .where("asset_id", .in, SQLBind.group(found.map(\.id))).all()
        var macsByAsset: [UUID: [String]] = [:]
        for row in macRows { macsByAsset[try row.decode(column: "asset_id", as: UUID.self), default: []].append(try row.decode(column: "mac", as: String.self)) }
        let keys = found.map { asset in
            InventoryDeviceKeys(assetID: asset.id, organizationID: asset.organizationID, deviceID: asset.deviceID,
                                biosSerial: asset.serial, hardwareUUID: asset.uuid, macs: macsByAsset[asset.id] ?? [])
        }
        return (keys, fingerprints)
    }

    private func create(_ prepared: Prepared, on db: any Database, now: Date, conflict: UUID?) async throws -> Outcome {
        let inventory = prepared.inventory
        let asset = Asset()
        asset.id = UUID()
        asset.$organization.id = organizationID
        asset.kind = "computer"
        asset.lifecycleState = "in_use"
        asset.notes = ""
        asset.conflictOrganizationID = conflict
        asset.createdAt = now
        fill(asset, from: prepared, now: now)
        try await asset.create(on: db)
        let assetID = asset.id!
        try await replaceDetails(of: assetID, with: prepared, on: db, isNew: true)
        try await record([("created", inventory.hardware.hostname ?? "", nil, nil)] +
                         (conflict.map { [("conflict", "organization", nil, $0.uuidString.lowercased())] } ?? []),
                         for: assetID, on: db, at: now)
        if let conflict { return .conflict(assetID, otherOrganizationID: conflict) }
        return .created(assetID)
    }

    private func update(_ asset: Asset, with prepared: Prepared, on db: any Database, now: Date) async throws -> Outcome {
        let inventory = prepared.inventory
        let assetID = try asset.requireID()
        let stored = try await AssetInventoryDocument.find(assetID, on: db)
        let previous = stored?.inventory
        let changes = previous.map { InventoryDiff.between($0, inventory) } ?? []
        fill(asset, from: prepared, now: now)
        try await asset.update(on: db)
        try await replaceDetails(of: assetID, with: prepared, on: db)
        try await record(changes.map(AssetHistory.row), for: assetID, on: db, at: now)
        return .updated(assetID, changes: changes.count)
    }

    private func fill(_ asset: Asset, from prepared: Prepared, now: Date) {
        let inventory = prepared.inventory
        let hardware = inventory.hardware
        asset.subkind = hardware.kind == .unknown ? "" : hardware.kind.rawValue
        asset.name = String((hardware.hostname ?? inventory.ids.deviceID ?? "device").prefix(200))
        asset.manufacturer = hardware.manufacturer
        asset.model = hardware.model
        asset.serial = InventoryIdentity.serial(hardware.serial) ?? asset.serial
        asset.osName = inventory.os.fullName ?? inventory.os.name
        asset.osVersion = inventory.os.version
        asset.cpu = inventory.cpus.first?.name
        asset.memoryMB = inventory.memoryMB
        asset.lastUser = inventory.lastLoggedUser
        asset.deviceID = inventory.ids.deviceID
        asset.biosSerial = InventoryIdentity.serial(inventory.ids.biosSerial)
        asset.hardwareUUID = InventoryIdentity.uuid(inventory.ids.hardwareUUID)
        asset.macs = inventory.ids.macs.compactMap { InventoryIdentity.normalisedMAC($0) }.joined(separator: ",")
        asset.antivirus = (try? JSONEncoder().encode(inventory.antivirus)).map { String(decoding: $0, as: UTF8.self) }
        asset.volumes = prepared.volumes
        asset.inventoryFingerprint = prepared.fingerprint
        asset.lastInventoryAt = now
        asset.updatedAt = now
    }

    static func volumes(_ inventory: Inventory) -> String? {
        (try? JSONEncoder().encode(inventory.volumes)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Software and MACs are replaced whole: one DELETE and one multi-row INSERT each.
    private func replaceDetails(of assetID: UUID, with prepared: Prepared, on db: any Database, isNew: Bool = false) async throws {
        let inventory = prepared.inventory
        let document = prepared.document
        if !isNew, let existing = try await AssetInventoryDocument.find(assetID, on: db) {
            existing.document = document
            try await existing.update(on: db)
        } else {
            let row = AssetInventoryDocument()
            row.id = assetID
            row.document = document
            try await row.create(on: db)
        }
        if !isNew {
            try await AssetSoftware.query(on: db).filter(\.$asset.$id == assetID).delete()
            try await AssetMAC.query(on: db).filter(\.$asset.$id == assetID).delete()
        }
        try await Self.insertSoftware(prepared.software, assetID: assetID, organizationID: organizationID, on: db)
        let macs = Set(inventory.ids.macs.compactMap { InventoryIdentity.normalisedMAC($0) }).sorted()
        if !macs.isEmpty {
            try await (db as! any SQLDatabase).insert(into: AssetMAC.schema).columns("id", "asset_id", "mac")
                .rows(macs.map { [SQLBind(UUID()), SQLBind(assetID), SQLBind($0)] }).run()
        }
    }

    /// Software rows in one statement. On SQLite the list goes as one JSON text that SQLite
    /// unpacks itself (`json_each`): ~800 rows bound one value at a time cost more than the
    /// insert. Row ids share the device's time-ordered prefix, numbered in the last digits,
    /// so the primary-key index is appended to. On PostgreSQL: a multi-row INSERT.
    static func insertSoftware(_ software: [SoftwareRow], assetID: UUID, organizationID: UUID, on db: any Database) async throws {
        guard !software.isEmpty else { return }
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            var json = "["
            json.reserveCapacity(software.count * 80)
            for (index, item) in software.enumerated() {
                if index > 0 { json += "," }
                json += "[" + JSONText.quoted(item.key) + "," + JSONText.quoted(item.name) + "," + JSONText.quoted(item.version) + ","
                    + JSONText.quoted(item.publisher) + "]"
            }
            json += "]"
            // 65,536 rows per prefix at most: the last four hex digits number them.
            for start in stride(from: 0, to: software.count, by: 65_536) {
                let prefix = String(OrderedID.make().uuidString.prefix(32))
                try await sql.raw("""
                    INSERT INTO asset_software (id, asset_id, organization_id, catalog_key, name, version, publisher)
                    SELECT \(bind: prefix) || printf('%04X', j.key - \(literal: start)), \(bind: assetID), \(bind: organizationID),
                           j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3
                    FROM json_each(\(bind: json)) AS j WHERE j.key >= \(literal: start) AND j.key < \(literal: start + 65_536)
                    """).run()
            }
            return
        }
        let rows: [[any SQLExpression]] = software.map { item in
            [SQLBind(OrderedID.make()), SQLBind(assetID), SQLBind(organizationID), SQLBind(item.key), SQLBind(item.name), SQLBind(item.version),
             SQLBind(item.publisher)]
        }
        // At most 65,535 bound values per statement; 7 columns a row.
        for chunk in stride(from: 0, to: rows.count, by: 1000) {
            try await sql.insert(into: AssetSoftware.schema)
                .columns("id", "asset_id", "organization_id", "catalog_key", "name", "version", "publisher")
                .rows(Array(rows[chunk..<min(chunk + 1000, rows.count)]))
                .run()
        }
    }

    private func record(_ rows: [(kind: String, subject: String, from: String?, to: String?)], for assetID: UUID,
                        on db: any Database, at now: Date) async throws {
        guard !rows.isEmpty else { return }
        let models = rows.prefix(5000).map { row -> AssetChange in
            let change = AssetChange()
            change.id = UUID()
            change.$asset.id = assetID
            change.kind = row.kind
            change.subject = String(row.subject.prefix(300))
            change.fromValue = row.from.map { String($0.prefix(300)) }
            change.toValue = row.to.map { String($0.prefix(300)) }
            change.at = now
            return change
        }
        for chunk in stride(from: 0, to: models.count, by: 1000) {
            try await Array(models[chunk..<min(chunk + 1000, models.count)]).create(on: db)
        }
    }
}
