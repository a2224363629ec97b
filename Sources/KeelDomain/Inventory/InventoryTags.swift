#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The agent sections Keel reads. The tag names are FusionInventory's; the GLPI agent's
/// JSON uses the same names in lower case, so a JSON reader maps keys to these cases too.
public enum InventorySection: UInt8, Sendable, CaseIterable {
    case accessLog, accountInfo, antivirus, bios, cpus, drives, hardware, memories, networks
    case operatingSystem, softwares, storages, users, versionClient, versionProvider

    public var tagName: String {
        switch self {
        case .accessLog: return "ACCESSLOG"
        case .accountInfo: return "ACCOUNTINFO"
        case .antivirus: return "ANTIVIRUS"
        case .bios: return "BIOS"
        case .cpus: return "CPUS"
        case .drives: return "DRIVES"
        case .hardware: return "HARDWARE"
        case .memories: return "MEMORIES"
        case .networks: return "NETWORKS"
        case .operatingSystem: return "OPERATINGSYSTEM"
        case .softwares: return "SOFTWARES"
        case .storages: return "STORAGES"
        case .users: return "USERS"
        case .versionClient: return "VERSIONCLIENT"
        case .versionProvider: return "VERSIONPROVIDER"
        }
    }

    /// The section for an upper-case tag name.
    public init?(tagName: String) {
        guard let code = Self.table.lookup(tagName) else { return nil }
        self.init(rawValue: code)
    }

    static let table = InventoryNameTable(allCases.map { ($0.tagName, $0.rawValue) })
}

/// The fields Keel reads inside those sections (one flat list: a name means the same in
/// every section that has it, and the assembler picks what each section needs).
public enum InventoryField: UInt8, Sendable, CaseIterable {
    case arch, assetTag, baseVersion, bdate, bmanufacturer, bversion, capacity, caption, chassisType
    case company, core, description, diskSize, domain, enabled, expiration, filesystem, free, from
    case fullName, guid, installDate, installDateOS, interface, ipAddress, ipAddress6, kernelName
    case kernelVersion, keyName, keyValue, label, lastLoggedUser, letter, login, logDate, macAddr
    case manufacturer, memory, mmanufacturer, mmodel, model, msn, name, numSlots, osName, osVersion
    case processorT, publisher, serial, serialNumber, servicePack, smanufacturer, smodel, speed, ssn
    case status, thread, total, type, upToDate, uuid, version, virtualDev, vmSystem, volumn, workgroup

    public var tagName: String {
        switch self {
        case .arch: return "ARCH"
        case .assetTag: return "ASSETTAG"
        case .baseVersion: return "BASE_VERSION"
        case .bdate: return "BDATE"
        case .bmanufacturer: return "BMANUFACTURER"
        case .bversion: return "BVERSION"
        case .capacity: return "CAPACITY"
        case .caption: return "CAPTION"
        case .chassisType: return "CHASSIS_TYPE"
        case .company: return "COMPANY"
        case .core: return "CORE"
        case .description: return "DESCRIPTION"
        case .diskSize: return "DISKSIZE"
        case .domain: return "DOMAIN"
        case .enabled: return "ENABLED"
        case .expiration: return "EXPIRATION"
        case .filesystem: return "FILESYSTEM"
        case .free: return "FREE"
        case .from: return "FROM"
        case .fullName: return "FULL_NAME"
        case .guid: return "GUID"
        case .installDate: return "INSTALLDATE"
        case .installDateOS: return "INSTALL_DATE"
        case .interface: return "INTERFACE"
        case .ipAddress: return "IPADDRESS"
        case .ipAddress6: return "IPADDRESS6"
        case .kernelName: return "KERNEL_NAME"
        case .kernelVersion: return "KERNEL_VERSION"
        case .keyName: return "KEYNAME"
        case .keyValue: return "KEYVALUE"
        case .label: return "LABEL"
        case .lastLoggedUser: return "LASTLOGGEDUSER"
        case .letter: return "LETTER"
        case .login: return "LOGIN"
        case .logDate: return "LOGDATE"
        case .macAddr: return "MACADDR"
        case .manufacturer: return "MANUFACTURER"
        case .memory: return "MEMORY"
        case .mmanufacturer: return "MMANUFACTURER"
        case .mmodel: return "MMODEL"
        case .model: return "MODEL"
        case .msn: return "MSN"
        case .name: return "NAME"
        case .numSlots: return "NUMSLOTS"
        case .osName: return "OSNAME"
        case .osVersion: return "OSVERSION"
        case .processorT: return "PROCESSORT"
        case .publisher: return "PUBLISHER"
        case .serial: return "SERIAL"
        case .serialNumber: return "SERIALNUMBER"
        case .servicePack: return "SERVICE_PACK"
        case .smanufacturer: return "SMANUFACTURER"
        case .smodel: return "SMODEL"
        case .speed: return "SPEED"
        case .ssn: return "SSN"
        case .status: return "STATUS"
        case .thread: return "THREAD"
        case .total: return "TOTAL"
        case .type: return "TYPE"
        case .upToDate: return "UPTODATE"
        case .uuid: return "UUID"
        case .version: return "VERSION"
        case .virtualDev: return "VIRTUALDEV"
        case .vmSystem: return "VMSYSTEM"
        case .volumn: return "VOLUMN"
        case .workgroup: return "WORKGROUP"
        }
    }

    /// The field for an upper-case tag name.
    public init?(tagName: String) {
        guard let code = Self.table.lookup(tagName) else { return nil }
        self.init(rawValue: code)
    }

    static let table = InventoryNameTable(allCases.map { ($0.tagName, $0.rawValue) })
}

/// A small open-addressing table from ASCII names of up to 16 bytes to codes, so a tag is
/// recognised from the parser's bytes without building a String. Names are packed into two
/// words (zero-padded; names never contain NUL), which makes the comparison exact.
struct InventoryNameTable: Sendable {
    private struct Slot: Sendable {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var code: UInt8 = InventoryNameTable.empty
    }

    private static let bits = 8
    private static let mask = (1 << bits) - 1
    fileprivate static let empty: UInt8 = 0xFF
    private var slots: [Slot]

    init(_ entries: [(String, UInt8)]) {
        slots = Array(repeating: Slot(), count: 1 << Self.bits)
        precondition(entries.count < slots.count / 2)
        for (name, code) in entries {
            let utf8 = Array(name.utf8)
            let (low, high) = utf8.withUnsafeBufferPointer { Self.pack($0.baseAddress!, $0.count)! }
            var index = Self.slot(low, high)
            while slots[index].code != Self.empty { index = (index + 1) & Self.mask }
            slots[index] = Slot(low: low, high: high, code: code)
        }
    }

    func lookup(_ bytes: InventoryXMLBytes) -> UInt8? {
        guard let (low, high) = Self.pack(bytes.base, bytes.count) else { return nil }
        return find(low, high)
    }

    func lookup(_ name: String) -> UInt8? {
        var name = name
        return name.withUTF8 { buffer -> UInt8? in
            guard let base = buffer.baseAddress, !buffer.contains(0),
                  let (low, high) = Self.pack(base, buffer.count) else { return nil }
            return find(low, high)
        }
    }

    private func find(_ low: UInt64, _ high: UInt64) -> UInt8? {
        slots.withUnsafeBufferPointer { slots in
            var index = Self.slot(low, high)
            while slots[index].code != Self.empty {
                if slots[index].low == low, slots[index].high == high { return slots[index].code }
                index = (index + 1) & Self.mask
            }
            return nil
        }
    }

    /// Two little-endian words of the zero-padded name. The parser never passes NUL in a
    /// name; the String path refuses it, so padding cannot collide with content.
    @inline(__always)
    private static func pack(_ base: UnsafePointer<UInt8>, _ count: Int) -> (UInt64, UInt64)? {
        guard count > 0, count <= 16 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { _ = memcpy($0.baseAddress!, base, count) }
        return (UInt64(littleEndian: words.0), UInt64(littleEndian: words.1))
    }

    @inline(__always)
    private static func slot(_ low: UInt64, _ high: UInt64) -> Int {
        let mixed = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: mixed >> UInt64(64 - bits))
    }
}
