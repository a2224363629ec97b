import Foundation

/// The identifiers of a device already in the ledger, as the server loads them for
/// matching (typically the rows sharing any of the incoming keys, across organisations).
public struct InventoryDeviceKeys: Sendable, Equatable, Hashable {
    public var assetID: UUID
    public var organizationID: UUID
    public var deviceID: String?
    public var biosSerial: String?
    public var hardwareUUID: String?
    public var macs: [String]

    public init(assetID: UUID, organizationID: UUID, deviceID: String? = nil, biosSerial: String? = nil,
                hardwareUUID: String? = nil, macs: [String] = []) {
        self.assetID = assetID; self.organizationID = organizationID; self.deviceID = deviceID
        self.biosSerial = biosSerial; self.hardwareUUID = hardwareUUID; self.macs = macs
    }
}

/// Which key recognised the device.
public enum InventoryMatchKey: String, Sendable, Codable, Equatable, Hashable {
    case deviceID, biosSerial, hardwareUUID, mac
}

public enum InventoryMatch: Sendable, Equatable, Hashable {
    /// Update this asset.
    case existing(assetID: UUID, by: InventoryMatchKey)
    /// No device matches: create one.
    case new
    /// The device belongs to another organisation: flag it for a person, change nothing.
    case conflict(assetID: UUID, otherOrganizationID: UUID, by: InventoryMatchKey)
}

/// Recognises the device an inventory describes, so a reinstalled agent (new DEVICEID)
/// updates the same asset instead of creating a second one.
///
/// Keys are tried in order: DEVICEID, BIOS serial, hardware UUID, MACs; the first key with
/// a match decides. Placeholder serials, UUIDs and MACs never match (`InventoryIdentity`).
/// Within a key, a device of the caller's organisation wins over one of another; a match in
/// another organisation only is a conflict, never a silent move — except for MACs, which
/// are too weak to accuse anyone and are only matched inside the organisation.
/// A candidate whose serial (or, when serials are missing, UUID) contradicts the incoming
/// one is a different machine even with the same DEVICEID (a disk image cloned after the
/// agent had run) or the same MAC (a docking station's NIC).
public enum InventoryMatcher {
    public static func match(_ incoming: InventoryDeviceIDs, candidates: [InventoryDeviceKeys],
                             organizationID: UUID) -> InventoryMatch {
        let ids = Normalised(incoming)
        let known = candidates.map { (keys: $0, ids: Normalised($0)) }

        if let deviceID = ids.deviceID {
            let hits = known.filter { $0.ids.deviceID == deviceID && !contradicts(ids, $0.ids) }
            if let decision = decide(hits, ids, organizationID, by: .deviceID, allowConflict: true) { return decision }
        }
        if let serial = ids.serial {
            let hits = known.filter { $0.ids.serial == serial }
            if let decision = decide(hits, ids, organizationID, by: .biosSerial, allowConflict: true) { return decision }
        }
        if let uuid = ids.uuid {
            let hits = known.filter { $0.ids.uuid == uuid && !serialsDiffer(ids, $0.ids) }
            if let decision = decide(hits, ids, organizationID, by: .hardwareUUID, allowConflict: true) { return decision }
        }
        if !ids.macs.isEmpty {
            let hits = known.filter { !$0.ids.macs.isDisjoint(with: ids.macs) && !contradicts(ids, $0.ids) }
            if let decision = decide(hits, ids, organizationID, by: .mac, allowConflict: false) { return decision }
        }
        return .new
    }

    /// The identifiers in comparable form; unusable ones are nil or absent.
    struct Normalised {
        var deviceID: String?
        var serial: String?
        var uuid: String?
        var macs: Set<String>

        init(_ ids: InventoryDeviceIDs) {
            self.init(deviceID: ids.deviceID, serial: ids.biosSerial, uuid: ids.hardwareUUID, macs: ids.macs)
        }

        init(_ keys: InventoryDeviceKeys) {
            self.init(deviceID: keys.deviceID, serial: keys.biosSerial, uuid: keys.hardwareUUID, macs: keys.macs)
        }

        init(deviceID: String?, serial: String?, uuid: String?, macs: [String]) {
            let trimmed = deviceID?.trimmingASCIIWhitespace()
            self.deviceID = trimmed?.isEmpty == false ? trimmed : nil
            self.serial = InventoryIdentity.serial(serial)
            self.uuid = InventoryIdentity.uuid(uuid)
            self.macs = Set(macs.compactMap { InventoryIdentity.mac($0) })
        }

        /// How many keys two devices share; ranks several candidates of one key.
        func agreement(with other: Normalised) -> Int {
            var score = 0
            if deviceID != nil, deviceID == other.deviceID { score += 8 }
            if serial != nil, serial == other.serial { score += 4 }
            if uuid != nil, uuid == other.uuid { score += 2 }
            return score + macs.intersection(other.macs).count
        }
    }

    /// Both have a usable serial and they differ; or, with no pair of serials to compare,
    /// both have a usable UUID and they differ.
    static func contradicts(_ a: Normalised, _ b: Normalised) -> Bool {
        if let left = a.serial, let right = b.serial { return left != right }
        if let left = a.uuid, let right = b.uuid { return left != right }
        return false
    }

    static func serialsDiffer(_ a: Normalised, _ b: Normalised) -> Bool {
        guard let left = a.serial, let right = b.serial else { return false }
        return left != right
    }

    /// The decision for the candidates one key found, or nil to try the next key.
    private static func decide(_ hits: [(keys: InventoryDeviceKeys, ids: Normalised)], _ ids: Normalised,
                               _ organizationID: UUID, by key: InventoryMatchKey, allowConflict: Bool) -> InventoryMatch? {
        let own = hits.filter { $0.keys.organizationID == organizationID }
        if let best = best(own, ids) { return .existing(assetID: best.assetID, by: key) }
        guard allowConflict, let other = best(hits, ids) else { return nil }
        return .conflict(assetID: other.assetID, otherOrganizationID: other.organizationID, by: key)
    }

    /// The candidate sharing the most keys; ties go to the smallest asset id so the answer
    /// never depends on the order the database returned rows in.
    private static func best(_ hits: [(keys: InventoryDeviceKeys, ids: Normalised)], _ ids: Normalised) -> InventoryDeviceKeys? {
        var chosen: (keys: InventoryDeviceKeys, score: Int)?
        for hit in hits {
            let score = ids.agreement(with: hit.ids)
            if let current = chosen {
                let better = score > current.score
                    || (score == current.score && hit.keys.assetID.uuidString < current.keys.assetID.uuidString)
                if !better { continue }
            }
            chosen = (hit.keys, score)
        }
        return chosen?.keys
    }
}
