import Foundation

extension Inventory {
    /// A partial inventory (the GLPI agent's `partial: true`: only the sections that changed)
    /// laid over the previous full one. Sections the agent sent replace the previous values;
    /// absent sections mean "unchanged", never "empty".
    public func merged(over previous: Inventory, sections: Set<InventorySection>) -> Inventory {
        var result = previous
        if let deviceID = ids.deviceID { result.ids.deviceID = deviceID }
        if sections.contains(.bios) {
            result.hardware.serial = hardware.serial
            result.hardware.manufacturer = hardware.manufacturer
            result.hardware.model = hardware.model
            result.ids.biosSerial = ids.biosSerial
        }
        if sections.contains(.hardware) {
            result.hardware.hostname = hardware.hostname
            result.hardware.chassisType = hardware.chassisType
            result.hardware.vmSystem = hardware.vmSystem
            result.hardware.workgroup = hardware.workgroup
            result.ids.hardwareUUID = ids.hardwareUUID
            if let user = lastLoggedUser { result.lastLoggedUser = user }
        }
        if sections.contains(.operatingSystem) { result.os = os }
        if sections.contains(.hardware) || sections.contains(.operatingSystem) { result.hardware.kind = hardware.kind }
        if sections.contains(.cpus) { result.cpus = cpus }
        if sections.contains(.memories) || (sections.contains(.hardware) && memoryModules.isEmpty && previous.memoryModules.isEmpty) {
            result.memoryModules = memoryModules
            result.memoryMB = memoryMB
        }
        if sections.contains(.drives) { result.volumes = volumes }
        if sections.contains(.storages) { result.storages = storages }
        if sections.contains(.networks) {
            result.networks = networks
            result.ids.macs = ids.macs
        }
        if sections.contains(.antivirus) { result.antivirus = antivirus }
        if sections.contains(.softwares) { result.software = software }
        if sections.contains(.users), let user = lastLoggedUser { result.lastLoggedUser = user }
        if let tag { result.tag = tag }
        if let agentVersion { result.agentVersion = agentVersion }
        if let inventoryDate { result.inventoryDate = inventoryDate }
        return result
    }
}
