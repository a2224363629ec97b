/// One difference between two inventories of the same device, for the asset's history.
/// Sizes are in MB. Names are the agent's; the server translates the case into a sentence.
public enum InventoryChange: Sendable, Codable, Equatable, Hashable {
    case serialChanged(from: String?, to: String?)
    case memoryChanged(fromMB: Int, toMB: Int)
    case cpuChanged(from: String, to: String)
    /// Name, version or service pack changed ("Microsoft Windows 10 Pro 21H2" → "… 22H2").
    case osUpgraded(from: String, to: String)
    /// Only the kernel changed (a Linux kernel update).
    case kernelChanged(from: String?, to: String?)
    case volumeAdded(mount: String, totalMB: Int?)
    case volumeRemoved(mount: String, totalMB: Int?)
    case volumeResized(mount: String, fromMB: Int?, toMB: Int?)
    case storageAdded(name: String, serial: String?, sizeMB: Int?)
    case storageRemoved(name: String, serial: String?, sizeMB: Int?)
    case antivirusAdded(name: String, version: String?)
    case antivirusRemoved(name: String, version: String?)
    case antivirusUpdated(name: String, from: String?, to: String?)
    case antivirusStateChanged(name: String, from: InventoryAntivirusState, to: InventoryAntivirusState)
    case softwareInstalled(name: String, version: String?)
    case softwareRemoved(name: String, version: String?)
    case softwareUpgraded(name: String, from: String?, to: String?)
    case softwareDowngraded(name: String, from: String?, to: String?)

    /// Groups changes for the deterministic order of `InventoryDiff`.
    var rank: Int {
        switch self {
        case .serialChanged: return 0
        case .memoryChanged: return 1
        case .cpuChanged: return 2
        case .osUpgraded: return 3
        case .kernelChanged: return 4
        case .volumeAdded, .volumeRemoved, .volumeResized: return 5
        case .storageAdded, .storageRemoved: return 6
        case .antivirusAdded, .antivirusRemoved, .antivirusUpdated, .antivirusStateChanged: return 7
        case .softwareInstalled, .softwareRemoved, .softwareUpgraded, .softwareDowngraded: return 8
        }
    }

    /// The name within a group (mount point, product, antivirus), for ordering.
    var subject: String {
        switch self {
        case .volumeAdded(let mount, _), .volumeRemoved(let mount, _), .volumeResized(let mount, _, _): return mount
        case .storageAdded(let name, _, _), .storageRemoved(let name, _, _): return name
        case .antivirusAdded(let name, _), .antivirusRemoved(let name, _), .antivirusUpdated(let name, _, _),
             .antivirusStateChanged(let name, _, _): return name
        case .softwareInstalled(let name, _), .softwareRemoved(let name, _), .softwareUpgraded(let name, _, _),
             .softwareDowngraded(let name, _, _): return name
        default: return ""
        }
    }
}

/// What an antivirus reports about itself; nil where the agent did not say.
public struct InventoryAntivirusState: Sendable, Codable, Equatable, Hashable {
    public var enabled: Bool?
    public var upToDate: Bool?

    public init(enabled: Bool?, upToDate: Bool?) {
        self.enabled = enabled
        self.upToDate = upToDate
    }
}

/// Orders version strings the way people read them: numeric runs compare as numbers,
/// other runs as text, and a longer version with equal leading parts is newer
/// ("1.10" > "1.9", "2.0.1" > "2.0", "1:2.3-1" > "2.4": a Debian epoch wins).
public enum InventoryVersion {
    public static func isNewer(_ candidate: String, than base: String) -> Bool {
        compare(candidate, base) > 0
    }

    /// -1, 0 or 1.
    public static func compare(_ left: String, _ right: String) -> Int {
        let (leftEpoch, leftRest) = epoch(left)
        let (rightEpoch, rightRest) = epoch(right)
        if leftEpoch != rightEpoch { return leftEpoch < rightEpoch ? -1 : 1 }
        let a = parts(leftRest)
        let b = parts(rightRest)
        for index in 0..<max(a.count, b.count) {
            guard index < a.count else { return -1 }
            guard index < b.count else { return 1 }
            switch (a[index], b[index]) {
            case (.number(let x), .number(let y)) where x != y: return x < y ? -1 : 1
            case (.text(let x), .text(let y)) where x != y: return x < y ? -1 : 1
            case (.number, .text): return 1
            case (.text, .number): return -1
            default: continue
            }
        }
        return 0
    }

    private enum Part: Equatable {
        case number(UInt64)
        case text(String)
    }

    private static func epoch(_ version: String) -> (UInt64, Substring) {
        guard let colon = version.firstIndex(of: ":"), let value = UInt64(version[..<colon]) else {
            return (0, Substring(version))
        }
        return (value, version[version.index(after: colon)...])
    }

    private static func parts(_ version: Substring) -> [Part] {
        var result: [Part] = []
        var number: UInt64?
        var text = ""
        func flush() {
            if let value = number { result.append(.number(value)) }
            if !text.isEmpty { result.append(.text(text.lowercased())) }
            number = nil
            text = ""
        }
        for byte in version.utf8 {
            if byte >= 0x30, byte <= 0x39 {
                if !text.isEmpty { flush() }
                let digit = UInt64(byte - 0x30)
                let (times, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                number = overflow ? UInt64.max : times &+ digit
            } else if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) {
                if number != nil { flush() }
                text.append(Character(Unicode.Scalar(byte)))
            } else {
                flush()
            }
        }
        flush()
        return result
    }
}
