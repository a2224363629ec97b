/// Builds an `Inventory` from section records, whatever the wire format: a reader calls
/// `beginRecord`, `set` for each field it found and `endRecord`, once per section instance,
/// then `finish`. The FusionInventory XML reader drives it today; a GLPI agent JSON reader
/// maps its lower-case keys to the same sections and fields and drives it the same way.
public struct InventoryAssembler: Sendable {
    private var inventory = Inventory()
    private var section: InventorySection?
    private var values: [String?] = Array(repeating: nil, count: InventoryField.allCases.count)
    private var touched: [UInt8] = []
    private var reportedMemoryMB: Int?
    private var processorSummary: String?
    private var osNameFromHardware: String?
    private var rawUUID: String?
    private var firstUserLogin: String?
    private var providerVersion: String?
    private var networkIndex: [String: Int] = [:]

    public init() {
        inventory.software.reserveCapacity(1024)
    }

    public mutating func beginRecord(_ section: InventorySection) {
        for code in touched { values[Int(code)] = nil }
        touched.removeAll(keepingCapacity: true)
        self.section = section
    }

    /// Records a field of the current record; the first non-empty value of a field wins.
    public mutating func set(_ field: InventoryField, _ value: String) {
        guard section != nil, !value.isEmpty, values[Int(field.rawValue)] == nil else { return }
        values[Int(field.rawValue)] = value
        touched.append(field.rawValue)
    }

    /// A section that is a bare value rather than a record (`<VERSIONCLIENT>`).
    public mutating func setSectionText(_ section: InventorySection, _ text: String) {
        if section == .versionClient, !text.isEmpty { inventory.agentVersion = text }
    }

    public mutating func endRecord() {
        guard let section else { return }
        self.section = nil
        switch section {
        case .accessLog: inventory.inventoryDate = self[.logDate]
        case .accountInfo:
            if self[.keyName]?.uppercased() == "TAG", let value = self[.keyValue] { inventory.tag = value }
        case .antivirus: addAntivirus()
        case .bios: readBIOS()
        case .cpus:
            inventory.cpus.append(InventoryCPU(name: self[.name], manufacturer: self[.manufacturer],
                                               cores: integer(.core), threads: integer(.thread), speedMHz: integer(.speed)))
        case .drives: addVolume()
        case .hardware: readHardware()
        case .memories:
            guard let capacity = integer(.capacity), capacity > 0 else { return }
            inventory.memoryModules.append(InventoryMemoryModule(capacityMB: capacity, type: self[.type], speed: self[.speed],
                                                                 serial: self[.serialNumber], slot: self[.caption]))
        case .networks: addNetwork()
        case .operatingSystem:
            inventory.os = InventoryOS(name: self[.name], version: self[.version], fullName: self[.fullName],
                                       architecture: self[.arch], kernelVersion: self[.kernelVersion],
                                       servicePack: self[.servicePack], installDate: self[.installDateOS])
        case .softwares: addSoftware()
        case .storages:
            inventory.storages.append(InventoryStorage(name: self[.name], model: self[.model], manufacturer: self[.manufacturer],
                                                       serial: self[.serialNumber] ?? self[.serial], sizeMB: integer(.diskSize),
                                                       type: self[.type], interface: self[.interface]))
        case .users:
            if firstUserLogin == nil { firstUserLogin = self[.login] }
        case .versionClient: break
        case .versionProvider:
            if let name = self[.name], let version = self[.version] { providerVersion = "\(name) \(version)" }
        }
    }

    /// The inventory with cross-section fallbacks applied and identifiers normalised.
    public func finish(deviceID: String?) -> Inventory {
        var result = inventory
        if result.os.fullName == nil { result.os.fullName = osNameFromHardware }
        if result.os.name == nil { result.os.name = osNameFromHardware }
        let moduleTotal = result.memoryModules.reduce(0) { $0 + ($1.capacityMB ?? 0) }
        result.memoryMB = moduleTotal > 0 ? moduleTotal : reportedMemoryMB
        if result.cpus.isEmpty, let processorSummary { result.cpus = [InventoryCPU(name: processorSummary)] }
        if result.lastLoggedUser == nil { result.lastLoggedUser = firstUserLogin }
        if result.agentVersion == nil { result.agentVersion = providerVersion }
        result.hardware.kind = InventoryIdentity.computerKind(chassisType: result.hardware.chassisType,
                                                              vmSystem: result.hardware.vmSystem,
                                                              osName: result.os.fullName ?? result.os.name)
        var macs = Set<String>()
        for interface in result.networks where !interface.isVirtual && interface.type != "loopback" {
            if let mac = InventoryIdentity.mac(interface.mac) { macs.insert(mac) }
        }
        result.ids = InventoryDeviceIDs(deviceID: deviceID?.trimmingASCIIWhitespace(),
                                        biosSerial: InventoryIdentity.serial(result.hardware.serial),
                                        hardwareUUID: InventoryIdentity.uuid(rawUUID), macs: macs.sorted())
        return result
    }

    // MARK: - Sections

    private mutating func readBIOS() {
        inventory.hardware.serial = self[.ssn]
        inventory.hardware.manufacturer = self[.smanufacturer] ?? self[.mmanufacturer] ?? self[.bmanufacturer]
        inventory.hardware.model = self[.smodel] ?? self[.mmodel]
    }

    private mutating func readHardware() {
        inventory.hardware.hostname = self[.name]
        inventory.hardware.chassisType = self[.chassisType]
        inventory.hardware.vmSystem = self[.vmSystem]
        inventory.hardware.workgroup = self[.workgroup]
        inventory.lastLoggedUser = self[.lastLoggedUser]
        rawUUID = self[.uuid]
        reportedMemoryMB = integer(.memory)
        processorSummary = self[.processorT]
        osNameFromHardware = self[.osName]
    }

    private mutating func addAntivirus() {
        guard let name = self[.name] else { return }
        inventory.antivirus.append(InventoryAntivirus(
            name: name, company: self[.company], version: self[.version], enabled: boolean(.enabled),
            upToDate: boolean(.upToDate), signatureVersion: self[.baseVersion], expiration: self[.expiration]))
    }

    /// Windows names the drive in LETTER and puts the kind in TYPE; elsewhere TYPE is the
    /// mount point and VOLUMN the device.
    private mutating func addVolume() {
        let (letter, type, volumn, label) = (self[.letter], self[.type], self[.volumn], self[.label])
        let (filesystem, total, free) = (self[.filesystem], integer(.total), integer(.free))
        if let letter {
            inventory.volumes.append(InventoryVolume(mount: letter, label: label ?? volumn, filesystem: filesystem,
                                                     totalMB: total, freeMB: free))
        } else if let mount = type ?? volumn {
            inventory.volumes.append(InventoryVolume(mount: mount, device: volumn, label: label, filesystem: filesystem,
                                                     totalMB: total, freeMB: free))
        }
    }

    /// The agent sends one record per address; they merge into one interface per name and MAC.
    private mutating func addNetwork() {
        let name = self[.description] ?? ""
        let mac = InventoryIdentity.normalisedMAC(self[.macAddr])
        let key = name + "|" + (mac ?? "")
        let index: Int
        if let existing = networkIndex[key] {
            index = existing
        } else {
            index = inventory.networks.count
            networkIndex[key] = index
            inventory.networks.append(InventoryNetworkInterface(name: name, mac: mac, isVirtual: self[.virtualDev] == "1",
                                                                type: self[.type]))
        }
        if let address = self[.ipAddress], !inventory.networks[index].ipv4.contains(address) {
            inventory.networks[index].ipv4.append(address)
        }
        if let address = self[.ipAddress6], !inventory.networks[index].ipv6.contains(address) {
            inventory.networks[index].ipv6.append(address)
        }
    }

    private mutating func addSoftware() {
        guard let name = self[.name] else { return }
        inventory.software.append(InventorySoftware(
            name: name, version: self[.version], publisher: self[.publisher], installDate: self[.installDate],
            guid: self[.guid], architecture: self[.arch], source: self[.from]))
    }

    // MARK: - Values

    /// A field's value, moved out of the record (each field is read once per record).
    private subscript(field: InventoryField) -> String? {
        mutating get {
            let index = Int(field.rawValue)
            defer { values[index] = nil }
            return values[index]
        }
    }

    private mutating func integer(_ field: InventoryField) -> Int? {
        guard let text = self[field] else { return nil }
        if let value = Int(text) { return value }
        guard let value = Double(text), value.isFinite, abs(value) < 1e15 else { return nil }
        return Int(value)
    }

    private mutating func boolean(_ field: InventoryField) -> Bool? {
        switch self[field]?.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: return nil
        }
    }
}
