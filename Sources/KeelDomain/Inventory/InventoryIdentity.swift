/// Which identifiers can tell devices apart. Firmware is full of placeholders ("To be filled
/// by O.E.M.", all-zero UUIDs) and every Windows machine has the same WAN-miniport MACs;
/// matching on those would merge unrelated devices, so they normalise to nil.
public enum InventoryIdentity {
    /// The serial in upper case and trimmed, or nil when it is a placeholder.
    public static func serial(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let value = raw.trimmingASCIIWhitespace().uppercased()
        guard value.utf8.count >= 3 else { return nil }
        if junkSerials.contains(value) { return nil }
        // All one character once separators are gone: "0000000", "XXXXXXXX", "----".
        let significant = value.unicodeScalars.filter { $0 != "-" && $0 != " " && $0 != "." && $0 != "_" }
        guard let first = significant.first else { return nil }
        if significant.allSatisfy({ $0 == first }) { return nil }
        return value
    }

    /// The UUID as 36 upper-case characters, or nil when not 32 hex digits or a known placeholder.
    public static func uuid(_ raw: String?) -> String? {
        guard let raw else { return nil }
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"): hex.append(byte)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): hex.append(byte - 32)
            case UInt8(ascii: "-"), UInt8(ascii: "{"), UInt8(ascii: "}"), 0x20: continue
            default: return nil
            }
        }
        guard hex.count == 32 else { return nil }
        if hex.allSatisfy({ $0 == hex[0] }) { return nil }
        for position in [20, 16, 12, 8] { hex.insert(UInt8(ascii: "-"), at: position) }
        let value = String(decoding: hex, as: UTF8.self)
        return junkUUIDs.contains(value) ? nil : value
    }

    /// The MAC as `aa:bb:cc:dd:ee:ff`, or nil when it is not a usable hardware address:
    /// malformed, all-zero, broadcast, multicast, locally administered (randomised Wi-Fi,
    /// Docker, Hyper-V and VPN adapters) or one of the adapters every machine shares.
    public static func mac(_ raw: String?) -> String? {
        guard let normalised = normalisedMAC(raw) else { return nil }
        guard let first = UInt8(normalised.prefix(2), radix: 16) else { return nil }
        if first & 0x03 != 0 { return nil }
        if normalised == "00:00:00:00:00:00" || sharedMACs.contains(normalised) { return nil }
        if normalised.hasPrefix("00:50:56:c0:00:") { return nil } // VMware Workstation host adapters
        return normalised
    }

    /// The MAC as `aa:bb:cc:dd:ee:ff` (any separator or none), without judging it.
    public static func normalisedMAC(_ raw: String?) -> String? {
        guard let raw else { return nil }
        var digits: [UInt8] = []
        digits.reserveCapacity(12)
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): digits.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digits.append(byte + 32)
            case UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "."), 0x20: continue
            default: return nil
            }
        }
        guard digits.count == 12 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(17)
        for (index, digit) in digits.enumerated() {
            if index > 0, index % 2 == 0 { out.append(UInt8(ascii: ":")) }
            out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Placeholders seen in SMBIOS serial fields (compared in upper case).
    static let junkSerials: Set<String> = [
        "TO BE FILLED BY O.E.M.", "TO BE FILLED BY OEM", "DEFAULT STRING", "SYSTEM SERIAL NUMBER",
        "CHASSIS SERIAL NUMBER", "BASE BOARD SERIAL NUMBER", "SERIAL NUMBER", "SERIALNUMBER",
        "NOT SPECIFIED", "NOT APPLICABLE", "NOT AVAILABLE", "NONE", "N/A", "NULL", "UNKNOWN", "INVALID",
        "OEM", "O.E.M.", "EMPTY", "DEFAULT", "123456789", "1234567890", "0123456789", "12345678",
        "SYS-1234567890", "NO ASSET TAG", "TBD", "TBD BY OEM", "PLEASE CHANGE ME",
    ]

    /// UUIDs that many unrelated boards ship with.
    static let junkUUIDs: Set<String> = [
        "03000200-0400-0500-0006-000700080009",
        "00020003-0004-0005-0006-000700080009",
        "12345678-1234-5678-90AB-CDDEEFAABBCC",
    ]

    /// MACs that Windows gives every machine (WAN miniports, RAS).
    static let sharedMACs: Set<String> = [
        "20:41:53:59:4e:ff", "50:50:54:50:30:30", "33:50:6f:45:30:30", "00:53:45:00:00:00",
    ]

    /// The kind of computer from the chassis type, the virtualisation the agent detected and,
    /// failing both, a server operating system.
    public static func computerKind(chassisType: String?, vmSystem: String?, osName: String?) -> InventoryComputerKind {
        if let vmSystem, !vmSystem.isEmpty, vmSystem.lowercased() != "physical" { return .virtual }
        let chassis = chassisType?.trimmingASCIIWhitespace().lowercased() ?? ""
        if laptopChassis.contains(chassis) { return .laptop }
        if serverChassis.contains(chassis) { return .server }
        if desktopChassis.contains(chassis) { return .desktop }
        if let osName, osName.lowercased().contains("server") { return .server }
        return .unknown
    }

    static let laptopChassis: Set<String> = [
        "portable", "laptop", "notebook", "hand held", "sub notebook", "tablet", "convertible", "detachable",
    ]
    static let serverChassis: Set<String> = [
        "main server chassis", "rack mount chassis", "multi-system chassis", "blade", "blade enclosure",
        "main system chassis", "expansion chassis", "storage chassis",
    ]
    static let desktopChassis: Set<String> = [
        "desktop", "low profile desktop", "pizza box", "mini tower", "tower", "all in one", "space-saving",
        "lunch box", "sealed-case pc", "mini pc", "stick pc",
    ]
}

extension String {
    /// Without leading and trailing spaces, tabs and line ends (cheaper than Foundation's
    /// character-set trimming, and enough for agent values).
    func trimmingASCIIWhitespace() -> String {
        var copy = self
        let bounds = copy.withUTF8 { buffer -> (Int, Int) in
            var start = 0
            var end = buffer.count
            while start < end, InventoryXMLSyntax.isSpace(buffer[start]) { start += 1 }
            while end > start, InventoryXMLSyntax.isSpace(buffer[end - 1]) { end -= 1 }
            return (start, end)
        }
        let total = utf8.count
        if bounds == (0, total) { return self }
        let lower = utf8.index(utf8.startIndex, offsetBy: bounds.0)
        let upper = utf8.index(utf8.startIndex, offsetBy: bounds.1)
        return String(self[lower..<upper])
    }
}
