/// The history entries between two inventories of one device, in linear time (dictionaries,
/// no pairwise comparison) and in a deterministic order: hardware, operating system,
/// volumes, disks, antivirus, software; alphabetical within a group.
///
/// Left out on purpose: free space (it moves every run; the ledger keeps the latest value),
/// IP addresses, the inventory date and the last logged-in user — current state, not history.
public enum InventoryDiff {
    public static func between(_ old: Inventory, _ new: Inventory) -> [InventoryChange] {
        var changes: [InventoryChange] = []
        hardware(old, new, into: &changes)
        operatingSystem(old.os, new.os, into: &changes)
        volumes(old.volumes, new.volumes, into: &changes)
        storages(old.storages, new.storages, into: &changes)
        antivirus(old.antivirus, new.antivirus, into: &changes)
        InventorySoftwareDiff.changes(old.software, new.software, into: &changes)
        return changes.sorted { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            let (left, right) = (a.subject, b.subject)
            if left != right { return left < right }
            return String(describing: a) < String(describing: b)
        }
    }

    private static func hardware(_ old: Inventory, _ new: Inventory, into changes: inout [InventoryChange]) {
        let oldSerial = old.hardware.serial?.trimmingASCIIWhitespace()
        let newSerial = new.hardware.serial?.trimmingASCIIWhitespace()
        if InventoryIdentity.serial(oldSerial) != InventoryIdentity.serial(newSerial) {
            changes.append(.serialChanged(from: oldSerial, to: newSerial))
        }
        // Operating systems report slightly different totals for the same modules; a change
        // under 1 % is not a RAM change.
        if let from = old.memoryMB, let to = new.memoryMB, abs(from - to) * 100 > max(from, to) {
            changes.append(.memoryChanged(fromMB: from, toMB: to))
        }
        let oldCPU = cpuSummary(old.cpus)
        let newCPU = cpuSummary(new.cpus)
        if !oldCPU.isEmpty, !newCPU.isEmpty, oldCPU != newCPU {
            changes.append(.cpuChanged(from: oldCPU, to: newCPU))
        }
    }

    private static func cpuSummary(_ cpus: [InventoryCPU]) -> String {
        cpus.compactMap { $0.name?.trimmingASCIIWhitespace() }.sorted().joined(separator: " + ")
    }

    private static func operatingSystem(_ old: InventoryOS, _ new: InventoryOS, into changes: inout [InventoryChange]) {
        let from = label(old)
        let to = label(new)
        if !from.isEmpty, !to.isEmpty, from != to {
            changes.append(.osUpgraded(from: from, to: to))
        } else if old.kernelVersion != new.kernelVersion, old.kernelVersion != nil || new.kernelVersion != nil {
            changes.append(.kernelChanged(from: old.kernelVersion, to: new.kernelVersion))
        }
    }

    /// "Microsoft Windows 10 Pro 22H2", "Debian GNU/Linux 12 (bookworm) 12.11".
    static func label(_ os: InventoryOS) -> String {
        [os.fullName ?? os.name, os.version, os.servicePack].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    private static func volumes(_ old: [InventoryVolume], _ new: [InventoryVolume], into changes: inout [InventoryChange]) {
        let before = Dictionary(old.map { ($0.mount, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.mount, $0) }, uniquingKeysWith: { first, _ in first })
        for (mount, volume) in after {
            guard let previous = before[mount] else {
                changes.append(.volumeAdded(mount: mount, totalMB: volume.totalMB))
                continue
            }
            if previous.totalMB != volume.totalMB {
                changes.append(.volumeResized(mount: mount, fromMB: previous.totalMB, toMB: volume.totalMB))
            }
        }
        for (mount, volume) in before where after[mount] == nil {
            changes.append(.volumeRemoved(mount: mount, totalMB: volume.totalMB))
        }
    }

    private static func storages(_ old: [InventoryStorage], _ new: [InventoryStorage], into changes: inout [InventoryChange]) {
        func key(_ storage: InventoryStorage) -> String {
            if let serial = InventoryIdentity.serial(storage.serial) { return "serial:" + serial }
            return "name:" + (storage.name ?? "") + "|" + String(storage.sizeMB ?? 0)
        }
        let before = Dictionary(old.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        for (id, disk) in after where before[id] == nil {
            changes.append(.storageAdded(name: disk.name ?? disk.model ?? "", serial: disk.serial, sizeMB: disk.sizeMB))
        }
        for (id, disk) in before where after[id] == nil {
            changes.append(.storageRemoved(name: disk.name ?? disk.model ?? "", serial: disk.serial, sizeMB: disk.sizeMB))
        }
    }

    private static func antivirus(_ old: [InventoryAntivirus], _ new: [InventoryAntivirus],
                                  into changes: inout [InventoryChange]) {
        let before = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, product) in after {
            guard let previous = before[name] else {
                changes.append(.antivirusAdded(name: name, version: product.version))
                continue
            }
            if previous.version != product.version {
                changes.append(.antivirusUpdated(name: name, from: previous.version, to: product.version))
            }
            let from = InventoryAntivirusState(enabled: previous.enabled, upToDate: previous.upToDate)
            let to = InventoryAntivirusState(enabled: product.enabled, upToDate: product.upToDate)
            if from != to { changes.append(.antivirusStateChanged(name: name, from: from, to: to)) }
        }
        for (name, product) in before where after[name] == nil {
            changes.append(.antivirusRemoved(name: name, version: product.version))
        }
    }
}
