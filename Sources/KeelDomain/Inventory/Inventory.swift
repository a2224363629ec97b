/// One device as an inventory agent described it, independent of the agent's wire format.
/// Readers (FusionInventory XML now, GLPI agent JSON later) fill it through
/// `InventoryAssembler`; matching, diffing, the software catalogue and the ledger read only
/// this model. Dates stay as the agent wrote them (agent-local time, no zone).
public struct Inventory: Sendable, Codable, Equatable, Hashable {
    public var ids: InventoryDeviceIDs
    public var hardware: InventoryHardware
    public var os: InventoryOS
    public var cpus: [InventoryCPU]
    /// Installed memory: the sum of the modules when the agent listed them, else the
    /// memory the operating system reports.
    public var memoryMB: Int?
    public var memoryModules: [InventoryMemoryModule]
    public var volumes: [InventoryVolume]
    public var storages: [InventoryStorage]
    public var networks: [InventoryNetworkInterface]
    public var lastLoggedUser: String?
    public var antivirus: [InventoryAntivirus]
    public var software: [InventorySoftware]
    /// `--tag` of the agent (ACCOUNTINFO KEYNAME=TAG).
    public var tag: String?
    public var agentVersion: String?
    /// When the agent collected it (ACCESSLOG/LOGDATE, `YYYY-MM-DD hh:mm:ss` agent-local).
    public var inventoryDate: String?

    public init(ids: InventoryDeviceIDs = InventoryDeviceIDs(), hardware: InventoryHardware = InventoryHardware(),
                os: InventoryOS = InventoryOS(), cpus: [InventoryCPU] = [], memoryMB: Int? = nil,
                memoryModules: [InventoryMemoryModule] = [], volumes: [InventoryVolume] = [],
                storages: [InventoryStorage] = [], networks: [InventoryNetworkInterface] = [],
                lastLoggedUser: String? = nil, antivirus: [InventoryAntivirus] = [],
                software: [InventorySoftware] = [], tag: String? = nil, agentVersion: String? = nil,
                inventoryDate: String? = nil) {
        self.ids = ids; self.hardware = hardware; self.os = os; self.cpus = cpus; self.memoryMB = memoryMB
        self.memoryModules = memoryModules; self.volumes = volumes; self.storages = storages
        self.networks = networks; self.lastLoggedUser = lastLoggedUser; self.antivirus = antivirus
        self.software = software; self.tag = tag; self.agentVersion = agentVersion; self.inventoryDate = inventoryDate
    }
}

/// The keys a device is recognised by. Raw values are kept as sent; `InventoryIdentity`
/// decides which are usable (junk serials, all-zero UUIDs, virtual MACs are not).
public struct InventoryDeviceIDs: Sendable, Codable, Equatable, Hashable {
    /// The agent's DEVICEID, `hostname-YYYY-MM-DD-hh-mm-ss` of its first run.
    public var deviceID: String?
    public var biosSerial: String?
    public var hardwareUUID: String?
    /// Normalised (`aa:bb:cc:dd:ee:ff`), usable MACs of physical interfaces, sorted.
    public var macs: [String]

    public init(deviceID: String? = nil, biosSerial: String? = nil, hardwareUUID: String? = nil, macs: [String] = []) {
        self.deviceID = deviceID; self.biosSerial = biosSerial; self.hardwareUUID = hardwareUUID; self.macs = macs
    }
}

public enum InventoryComputerKind: String, Sendable, Codable, Equatable, Hashable, CaseIterable {
    case desktop, laptop, server, virtual, unknown
}

public struct InventoryHardware: Sendable, Codable, Equatable, Hashable {
    public var hostname: String?
    public var manufacturer: String?
    public var model: String?
    public var serial: String?
    /// SMBIOS chassis type as the agent names it ("Notebook", "Desktop", "Rack Mount Chassis").
    public var chassisType: String?
    /// "Physical", or the hypervisor/container the agent detected ("VMware", "Docker", …).
    public var vmSystem: String?
    public var kind: InventoryComputerKind
    public var workgroup: String?

    public init(hostname: String? = nil, manufacturer: String? = nil, model: String? = nil, serial: String? = nil,
                chassisType: String? = nil, vmSystem: String? = nil, kind: InventoryComputerKind = .unknown,
                workgroup: String? = nil) {
        self.hostname = hostname; self.manufacturer = manufacturer; self.model = model; self.serial = serial
        self.chassisType = chassisType; self.vmSystem = vmSystem; self.kind = kind; self.workgroup = workgroup
    }
}

public struct InventoryOS: Sendable, Codable, Equatable, Hashable {
    /// "Windows", "Debian GNU/Linux".
    public var name: String?
    /// "22H2", "12.11".
    public var version: String?
    /// "Microsoft Windows 10 Pro", "Debian GNU/Linux 12 (bookworm)".
    public var fullName: String?
    /// "64-bit", "x86_64".
    public var architecture: String?
    public var kernelVersion: String?
    public var servicePack: String?
    public var installDate: String?

    public init(name: String? = nil, version: String? = nil, fullName: String? = nil, architecture: String? = nil,
                kernelVersion: String? = nil, servicePack: String? = nil, installDate: String? = nil) {
        self.name = name; self.version = version; self.fullName = fullName; self.architecture = architecture
        self.kernelVersion = kernelVersion; self.servicePack = servicePack; self.installDate = installDate
    }
}

public struct InventoryCPU: Sendable, Codable, Equatable, Hashable {
    public var name: String?
    public var manufacturer: String?
    public var cores: Int?
    public var threads: Int?
    public var speedMHz: Int?

    public init(name: String? = nil, manufacturer: String? = nil, cores: Int? = nil, threads: Int? = nil, speedMHz: Int? = nil) {
        self.name = name; self.manufacturer = manufacturer; self.cores = cores; self.threads = threads; self.speedMHz = speedMHz
    }
}

public struct InventoryMemoryModule: Sendable, Codable, Equatable, Hashable {
    public var capacityMB: Int?
    public var type: String?
    public var speed: String?
    public var serial: String?
    public var slot: String?

    public init(capacityMB: Int? = nil, type: String? = nil, speed: String? = nil, serial: String? = nil, slot: String? = nil) {
        self.capacityMB = capacityMB; self.type = type; self.speed = speed; self.serial = serial; self.slot = slot
    }
}

/// A mounted filesystem: `C:` on Windows, a mount point elsewhere.
public struct InventoryVolume: Sendable, Codable, Equatable, Hashable {
    public var mount: String
    /// The block device (`/dev/vda1`) where the agent names one.
    public var device: String?
    public var label: String?
    public var filesystem: String?
    public var totalMB: Int?
    public var freeMB: Int?

    public init(mount: String, device: String? = nil, label: String? = nil, filesystem: String? = nil,
                totalMB: Int? = nil, freeMB: Int? = nil) {
        self.mount = mount; self.device = device; self.label = label; self.filesystem = filesystem
        self.totalMB = totalMB; self.freeMB = freeMB
    }
}

/// A physical (or virtual) disk.
public struct InventoryStorage: Sendable, Codable, Equatable, Hashable {
    public var name: String?
    public var model: String?
    public var manufacturer: String?
    public var serial: String?
    public var sizeMB: Int?
    public var type: String?
    public var interface: String?

    public init(name: String? = nil, model: String? = nil, manufacturer: String? = nil, serial: String? = nil,
                sizeMB: Int? = nil, type: String? = nil, interface: String? = nil) {
        self.name = name; self.model = model; self.manufacturer = manufacturer; self.serial = serial
        self.sizeMB = sizeMB; self.type = type; self.interface = interface
    }
}

/// One interface; the agent's one-entry-per-address records are merged by name and MAC.
public struct InventoryNetworkInterface: Sendable, Codable, Equatable, Hashable {
    public var name: String
    public var mac: String?
    public var ipv4: [String]
    public var ipv6: [String]
    public var isVirtual: Bool
    public var type: String?

    public init(name: String, mac: String? = nil, ipv4: [String] = [], ipv6: [String] = [], isVirtual: Bool = false,
                type: String? = nil) {
        self.name = name; self.mac = mac; self.ipv4 = ipv4; self.ipv6 = ipv6; self.isVirtual = isVirtual; self.type = type
    }
}

public struct InventoryAntivirus: Sendable, Codable, Equatable, Hashable {
    public var name: String
    public var company: String?
    public var version: String?
    public var enabled: Bool?
    public var upToDate: Bool?
    public var signatureVersion: String?
    public var expiration: String?

    public init(name: String, company: String? = nil, version: String? = nil, enabled: Bool? = nil,
                upToDate: Bool? = nil, signatureVersion: String? = nil, expiration: String? = nil) {
        self.name = name; self.company = company; self.version = version; self.enabled = enabled
        self.upToDate = upToDate; self.signatureVersion = signatureVersion; self.expiration = expiration
    }
}

public struct InventorySoftware: Sendable, Codable, Equatable, Hashable {
    public var name: String
    public var version: String?
    public var publisher: String?
    /// As the agent wrote it: `DD/MM/YYYY` on Windows.
    public var installDate: String?
    /// The Windows uninstall key / MSI product code.
    public var guid: String?
    public var architecture: String?
    /// Where the agent found it: "registry", "deb", "rpm", "MSStore", …
    public var source: String?

    public init(name: String, version: String? = nil, publisher: String? = nil, installDate: String? = nil,
                guid: String? = nil, architecture: String? = nil, source: String? = nil) {
        self.name = name; self.version = version; self.publisher = publisher; self.installDate = installDate
        self.guid = guid; self.architecture = architecture; self.source = source
    }
}
