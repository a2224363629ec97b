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
        let software: [InstalledSoftware.Row]
        /// The catalogue ids of `software` the cache already had.
        let knownSoftware: [Int64?]
        let volumes: String?
        let antivirus: String?
        /// The body the ledger will reflect (`xml:` or `json:` and its SHA-256).
        let bodyHash: String
    }

    /// `agentXMLZlib`: the agent's own document, zlib-compressed, kept instead of encoding
    /// the model again (nil for JSON agents and merged partial inventories).
    static func prepare(_ inventory: Inventory, fingerprint: String, bodyHash: String, agentXMLZlib: [UInt8]? = nil,
                        catalogue: InstalledSoftware.Cache) throws -> Prepared {
        var seen = Set<String>()
        var rows: [InstalledSoftware.Row] = []
        rows.reserveCapacity(inventory.software.count)
        for item in inventory.software {
            let entry = SoftwareCatalog.normalise(name: item.name, publisher: item.publisher)
            let version = item.version ?? ""
            guard seen.insert(entry.key + "\u{1}" + version).inserted else { continue }
            rows.append(InstalledSoftware.Row(key: String(entry.key.prefix(300)), name: String(item.name.prefix(300)),
                                    version: String(version.prefix(100)), publisher: String((item.publisher ?? "").prefix(200))))
        }
        return Prepared(inventory: inventory, fingerprint: fingerprint,
                        document: try agentXMLZlib.map(AssetInventoryDocument.encode(agentXMLZlib:)) ?? AssetInventoryDocument.encode(inventory),
                        software: rows, knownSoftware: catalogue.lookup(rows), volumes: volumes(inventory),
                        antivirus: (try? JSONEncoder().encode(inventory.antivirus)).map { String(decoding: $0, as: UTF8.self) },
                        bodyHash: bodyHash)
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

    /// Applies a prepared inventory in the caller's write transaction. Also returns the
    /// catalogue ids it read, for the cache once the transaction has committed.
    func apply(_ prepared: Prepared, on db: any Database, now: Date) async throws -> (Outcome, learned: InstalledSoftware.Learned) {
        let inventory = prepared.inventory
        let (keys, fingerprints) = try await candidates(for: inventory.ids, on: db)
        let match = InventoryMatcher.match(inventory.ids, candidates: keys, organizationID: organizationID)
        switch match {
        case .existing(let assetID, _):
            if fingerprints[assetID] == prepared.fingerprint {
                try await (db as! any SQLDatabase).update(Asset.schema).set("last_inventory_at", to: SQLBind(now))
                    .set("volumes", to: SQLBind(prepared.volumes)).set("inventory_body_hash", to: SQLBind(prepared.bodyHash))
                    .where("id", .equal, SQLBind(assetID)).run()
                return (.unchanged(assetID), [:])
            }
            return try await update(assetID, with: prepared, on: db, now: now)
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

    /// New devices and changed ones are written with plain SQL: model reflection cost more
    /// than the statements on this path, inside the one-writer gate.
    private func create(_ prepared: Prepared, on db: any Database, now: Date, conflict: UUID?) async throws -> (Outcome, learned: InstalledSoftware.Learned) {
        let inventory = prepared.inventory
        let assetID = UUID()
        let values: [(String, any SQLExpression)] = [
            ("id", SQLBind(assetID)), ("organization_id", SQLBind(organizationID)), ("kind", SQLBind("computer")),
            ("lifecycle_state", SQLBind("in_use")), ("notes", SQLBind("")), ("conflict_organization_id", SQLBind(conflict)),
            ("created_at", SQLBind(now)), ("serial", SQLBind(InventoryIdentity.serial(inventory.hardware.serial))),
        ] + fields(from: prepared, now: now)
        try await (db as! any SQLDatabase).insert(into: Asset.schema).columns(values.map(\.0)).values(values.map(\.1)).run()
        let learned = try await replaceDetails(of: assetID, with: prepared, on: db, isNew: true)
        try await record([("created", inventory.hardware.hostname ?? "", nil, nil)] +
                         (conflict.map { [("conflict", "organization", nil, $0.uuidString.lowercased())] } ?? []),
                         for: assetID, on: db, at: now)
        if let conflict { return (.conflict(assetID, otherOrganizationID: conflict), learned) }
        return (.created(assetID), learned)
    }

    private func update(_ assetID: UUID, with prepared: Prepared, on db: any Database, now: Date) async throws -> (Outcome, learned: InstalledSoftware.Learned) {
        let inventory = prepared.inventory
        let stored = try await AssetInventoryDocument.find(assetID, on: db)
        let previous = stored?.inventory
        let changes = previous.map { InventoryDiff.between($0, inventory) } ?? []
        let update = (db as! any SQLDatabase).update(Asset.schema)
        for (column, value) in fields(from: prepared, now: now) { update.set(SQLIdentifier(column), to: value) }
        // A serial the agent does not report leaves the one the ledger has.
        if let serial = InventoryIdentity.serial(inventory.hardware.serial) { update.set("serial", to: SQLBind(serial)) }
        try await update.where("id", .equal, SQLBind(assetID)).run()
        let learned = try await replaceDetails(of: assetID, with: prepared, on: db)
        try await record(changes.map(AssetHistory.row), for: assetID, on: db, at: now)
        return (.updated(assetID, changes: changes.count), learned)
    }

    /// The columns an inventory sets, new device or known one.
    private func fields(from prepared: Prepared, now: Date) -> [(String, any SQLExpression)] {
        let inventory = prepared.inventory
        let hardware = inventory.hardware
        return [
            ("subkind", SQLBind(hardware.kind == .unknown ? "" : hardware.kind.rawValue)),
            ("name", SQLBind(String((hardware.hostname ?? inventory.ids.deviceID ?? "device").prefix(200)))),
            ("manufacturer", SQLBind(hardware.manufacturer)), ("model", SQLBind(hardware.model)),
            ("os_name", SQLBind(inventory.os.fullName ?? inventory.os.name)), ("os_version", SQLBind(inventory.os.version)),
            ("cpu", SQLBind(inventory.cpus.first?.name)), ("memory_mb", SQLBind(inventory.memoryMB)),
            ("last_user", SQLBind(inventory.lastLoggedUser)), ("device_id", SQLBind(inventory.ids.deviceID)),
            ("bios_serial", SQLBind(InventoryIdentity.serial(inventory.ids.biosSerial))),
            ("hardware_uuid", SQLBind(InventoryIdentity.uuid(inventory.ids.hardwareUUID))),
            ("macs", SQLBind(inventory.ids.macs.compactMap { InventoryIdentity.normalisedMAC($0) }.joined(separator: ","))),
            ("antivirus", SQLBind(prepared.antivirus)), ("volumes", SQLBind(prepared.volumes)),
            ("inventory_fingerprint", SQLBind(prepared.fingerprint)), ("inventory_body_hash", SQLBind(prepared.bodyHash)),
            ("last_inventory_at", SQLBind(now)), ("updated_at", SQLBind(now)),
        ]
    }

    static func volumes(_ inventory: Inventory) -> String? {
        (try? JSONEncoder().encode(inventory.volumes)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Software and MACs are replaced whole: one DELETE and one multi-row INSERT each.
    private func replaceDetails(of assetID: UUID, with prepared: Prepared, on db: any Database, isNew: Bool = false) async throws
        -> InstalledSoftware.Learned {
        let inventory = prepared.inventory
        let document = prepared.document
        if !isNew, let existing = try await AssetInventoryDocument.find(assetID, on: db) {
            existing.document = document
            try await existing.update(on: db)
        } else {
            try await (db as! any SQLDatabase).insert(into: AssetInventoryDocument.schema).columns("asset_id", "document")
                .values(SQLBind(assetID), SQLBind(document)).run()
        }
        if !isNew {
            try await AssetMAC.query(on: db).filter(\.$asset.$id == assetID).delete()
        }
        let (ids, learned) = try await InstalledSoftware.resolve(prepared.software, known: prepared.knownSoftware, on: db)
        try await InstalledSoftware.replace(on: assetID, with: ids, isNew: isNew, on: db)
        let macs = Set(inventory.ids.macs.compactMap { InventoryIdentity.normalisedMAC($0) }).sorted()
        if !macs.isEmpty {
            try await (db as! any SQLDatabase).insert(into: AssetMAC.schema).columns("id", "asset_id", "mac")
                .rows(macs.map { [SQLBind(UUID()), SQLBind(assetID), SQLBind($0)] }).run()
        }
        return learned
    }

    private func record(_ rows: [(kind: String, subject: String, from: String?, to: String?)], for assetID: UUID,
                        on db: any Database, at now: Date) async throws {
        guard !rows.isEmpty else { return }
        let values = rows.prefix(5000).map { row -> [any SQLExpression] in
            [SQLBind(UUID()), SQLBind(assetID), SQLBind(row.kind), SQLBind(String(row.subject.prefix(300))),
             SQLBind(row.from.map { String($0.prefix(300)) }), SQLBind(row.to.map { String($0.prefix(300)) }), SQLBind(now)]
        }
        for chunk in stride(from: 0, to: values.count, by: 1000) {
            try await (db as! any SQLDatabase).insert(into: AssetChange.schema)
                .columns("id", "asset_id", "kind", "subject", "from_value", "to_value", "at")
                .rows(Array(values[chunk..<min(chunk + 1000, values.count)])).run()
        }
    }
}
