import Foundation
import KeelDomain

/// Inventory changes as stored history rows: a kind (a catalog key suffix), what it is
/// about, and the before and after values. Sizes are in MB as text.
enum AssetHistory {
    static func row(_ change: InventoryChange) -> (kind: String, subject: String, from: String?, to: String?) {
        func mb(_ value: Int?) -> String? { value.map(String.init) }
        func state(_ value: InventoryAntivirusState) -> String {
            "enabled=\(value.enabled.map(String.init) ?? "?"),uptodate=\(value.upToDate.map(String.init) ?? "?")"
        }
        switch change {
        case .serialChanged(let from, let to): return ("serial_changed", "", from, to)
        case .memoryChanged(let from, let to): return ("memory_changed", "", String(from), String(to))
        case .cpuChanged(let from, let to): return ("cpu_changed", "", from, to)
        case .osUpgraded(let from, let to): return ("os_upgraded", "", from, to)
        case .kernelChanged(let from, let to): return ("kernel_changed", "", from, to)
        case .volumeAdded(let mount, let size): return ("volume_added", mount, nil, mb(size))
        case .volumeRemoved(let mount, let size): return ("volume_removed", mount, mb(size), nil)
        case .volumeResized(let mount, let from, let to): return ("volume_resized", mount, mb(from), mb(to))
        case .storageAdded(let name, _, let size): return ("storage_added", name, nil, mb(size))
        case .storageRemoved(let name, _, let size): return ("storage_removed", name, mb(size), nil)
        case .antivirusAdded(let name, let version): return ("antivirus_added", name, nil, version)
        case .antivirusRemoved(let name, let version): return ("antivirus_removed", name, version, nil)
        case .antivirusUpdated(let name, let from, let to): return ("antivirus_updated", name, from, to)
        case .antivirusStateChanged(let name, let from, let to): return ("antivirus_state", name, state(from), state(to))
        case .softwareInstalled(let name, let version): return ("software_installed", name, nil, version)
        case .softwareRemoved(let name, let version): return ("software_removed", name, version, nil)
        case .softwareUpgraded(let name, let from, let to): return ("software_upgraded", name, from, to)
        case .softwareDowngraded(let name, let from, let to): return ("software_downgraded", name, from, to)
        }
    }
}
