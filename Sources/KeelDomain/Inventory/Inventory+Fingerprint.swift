/// A stable 64-bit digest of an inventory's content, to recognise an unchanged
/// re-inventory without diffing or writing anything.
///
/// Decision: the fingerprint leaves out what changes on every run of an unchanged machine —
/// the inventory date, free space on volumes, and IPv6 addresses (privacy addresses rotate
/// daily). A real agent's second run differs from the first only in LOGDATE, one volume's
/// FREE and HARDWARE/CHECKSUM (checked with fusioninventory-agent 2.6), so two such runs
/// have the same fingerprint. On a match the server skips the diff and the bulk writes and
/// only touches the asset (last seen, and free space and addresses from the new inventory
/// if it keeps those current); everything else — software, hardware, IPv4 addresses, the
/// last logged-in user, antivirus state — changes the fingerprint.
///
/// FNV-1a over a length-prefixed canonical encoding, with list entries combined
/// order-independently, so the agent's ordering does not matter. The value is the same on
/// every machine and across restarts, so it can be stored; `version` changes whenever the
/// encoding does, which makes stored fingerprints simply not match once.
public struct InventoryFingerprint: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    public static let version: UInt8 = 1
    public var value: UInt64

    public init(value: UInt64) { self.value = value }

    /// 16 lower-case hex digits.
    public var description: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Inventory {
    public var fingerprint: InventoryFingerprint {
        var digest = FNV64()
        digest.add(Int(InventoryFingerprint.version))
        digest.add(ids.deviceID); digest.add(ids.biosSerial); digest.add(ids.hardwareUUID)
        digest.add(ids.macs.count)
        for mac in ids.macs { digest.add(mac) }
        digest.add(hardware.hostname); digest.add(hardware.manufacturer); digest.add(hardware.model)
        digest.add(hardware.serial); digest.add(hardware.chassisType); digest.add(hardware.vmSystem)
        digest.add(hardware.kind.rawValue); digest.add(hardware.workgroup)
        digest.add(os.name); digest.add(os.version); digest.add(os.fullName); digest.add(os.architecture)
        digest.add(os.kernelVersion); digest.add(os.servicePack); digest.add(os.installDate)
        digest.add(memoryMB); digest.add(lastLoggedUser); digest.add(tag); digest.add(agentVersion)
        digest.addSet(cpus) { d, cpu in
            d.add(cpu.name); d.add(cpu.manufacturer); d.add(cpu.cores); d.add(cpu.threads); d.add(cpu.speedMHz)
        }
        digest.addSet(memoryModules) { d, module in
            d.add(module.capacityMB); d.add(module.type); d.add(module.speed); d.add(module.serial); d.add(module.slot)
        }
        digest.addSet(volumes) { d, volume in
            d.add(volume.mount); d.add(volume.device); d.add(volume.label); d.add(volume.filesystem); d.add(volume.totalMB)
        }
        digest.addSet(storages) { d, disk in
            d.add(disk.name); d.add(disk.model); d.add(disk.manufacturer); d.add(disk.serial); d.add(disk.sizeMB)
            d.add(disk.type); d.add(disk.interface)
        }
        digest.addSet(networks) { d, interface in
            d.add(interface.name); d.add(interface.mac); d.add(interface.isVirtual); d.add(interface.type)
            d.add(interface.ipv4.count)
            for address in interface.ipv4.sorted() { d.add(address) }
        }
        digest.addSet(antivirus) { d, product in
            d.add(product.name); d.add(product.company); d.add(product.version); d.add(product.enabled)
            d.add(product.upToDate); d.add(product.signatureVersion); d.add(product.expiration)
        }
        digest.addSet(software) { d, entry in
            d.add(entry.name); d.add(entry.version); d.add(entry.publisher); d.add(entry.installDate)
            d.add(entry.guid); d.add(entry.architecture); d.add(entry.source)
        }
        return InventoryFingerprint(value: digest.value)
    }
}

/// FNV-1a, 64 bits.
struct FNV64 {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    mutating func word(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { byte(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    /// Absent and empty differ; the length prefix keeps "ab"+"c" apart from "a"+"bc".
    mutating func add(_ text: String?) {
        guard var text else { return byte(0) }
        byte(1)
        word(UInt64(text.utf8.count))
        text.withUTF8 { buffer in
            for item in buffer { byte(item) }
        }
    }

    mutating func add(_ number: Int?) {
        guard let number else { return byte(0) }
        byte(1)
        word(UInt64(bitPattern: Int64(number)))
    }

    mutating func add(_ flag: Bool?) {
        byte(flag == nil ? 0 : flag! ? 2 : 1)
    }

    /// Elements digested one by one, mixed, and summed: the same multiset in any order
    /// gives the same result.
    mutating func addSet<Element>(_ elements: [Element], _ digestElement: (inout FNV64, Element) -> Void) {
        var sum: UInt64 = 0
        for element in elements {
            var inner = FNV64()
            digestElement(&inner, element)
            sum &+= Self.mix(inner.value)
        }
        word(UInt64(elements.count))
        word(sum)
    }

    /// The SplitMix64 finaliser, so that sums of FNV values do not cancel out.
    private static func mix(_ input: UInt64) -> UInt64 {
        var z = input &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
