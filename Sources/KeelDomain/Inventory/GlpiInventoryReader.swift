import Foundation

/// Reads the JSON requests of glpi-agent 1.x (the format of glpi-project/inventory_format):
///
///     {"action":"contact","deviceid":"pc-2026-…","name":"GLPI-Agent","version":"1.11",…}
///     {"action":"inventory","deviceid":"pc-2026-…","itemtype":"Computer","partial":false,"tag":"acme",
///      "content":{"hardware":{…},"bios":{…},"softwares":[{…},…],…,"versionclient":"GLPI-Agent_v1.11"}}
///
/// The sections and fields are FusionInventory's in lower case, so they go through the same
/// `InventoryAssembler` as the XML reader and yield the same model with the same
/// normalisation. What the JSON format changed is mapped back: `softwares[].install_date`
/// and `networks[].mac` are the XML's INSTALLDATE and MACADDR, and the root `tag` is the
/// XML's ACCOUNTINFO TAG (it wins over an `accountinfo` section). Values are taken as sent
/// — the agent writes dates in ISO form here (`2026-11-02` where the XML had `02/11/2026`).
///
/// Tolerance: a field may be a string, a number (kept as written) or a boolean (`"1"`/`"0"`,
/// as the XML carries them); boolean fields also accept `"true"`/`"false"`. Nulls, nested
/// objects and arrays inside a record, unknown sections and unknown fields are skipped (as
/// the XML reader skips nested elements). A section is an object or an array of objects;
/// anything else in a known section refuses the request with `.invalidContent`, because
/// dropping it would read as "all software removed". Duplicate keys: the last one wins for
/// the request and its sections (as GLPI's PHP decoder does), the first non-empty one for a
/// field (as in the XML reader). Either the whole request is read or an error is thrown.
public enum GlpiInventoryReader {
    /// The longest `deviceid` accepted (the agent's are ~40 bytes).
    public static let maxDeviceIDBytes = 255

    public static func read(_ bytes: [UInt8], limits: InventoryReadLimits = .standard)
        throws(InventoryReadError) -> GlpiInventoryMessage {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge }
        guard case .object(let members) = try GlpiJSONParser.parse(bytes, limits: limits) else { throw .notARequest }
        var root: [String: GlpiJSONValue] = [:]
        for member in members { root[member.key] = member.value }

        let action = try self.action(root)
        guard action == "contact" || action == "inventory" else {
            throw .unsupportedQuery(String(decoding: action.utf8.prefix(64), as: UTF8.self))
        }
        guard case .string(let rawDeviceID)? = root["deviceid"] else { throw .missingDeviceID }
        let deviceID = rawDeviceID.trimmingASCIIWhitespace()
        guard !deviceID.isEmpty else { throw .missingDeviceID }
        guard deviceID.utf8.count <= maxDeviceIDBytes else { throw .tooLarge }
        let tag = text(root["tag"])

        if action == "contact" {
            return .contact(GlpiAgentContact(
                deviceID: deviceID, agentName: text(root["name"]), agentVersion: text(root["version"]),
                installedTasks: strings(root["installed-tasks"]), enabledTasks: strings(root["enabled-tasks"]),
                tag: tag, httpdPort: text(root["httpd-port"]).flatMap { Int($0) }))
        }
        guard case .object(let content)? = root["content"] else { throw .invalidContent("content") }
        var assembler = InventoryAssembler()
        let sections = try assemble(content, into: &assembler)
        if let tag {
            assembler.beginRecord(.accountInfo)
            assembler.set(.keyName, "TAG")
            assembler.set(.keyValue, tag)
            assembler.endRecord()
        }
        let details = GlpiInventoryDetails(itemType: text(root["itemtype"]) ?? "Computer",
                                           isPartial: flag(root["partial"]) ?? false, sections: sections)
        return .inventory(assembler.finish(deviceID: deviceID), deviceID: deviceID, details: details)
    }

    public static func read(_ data: Data, limits: InventoryReadLimits = .standard)
        throws(InventoryReadError) -> GlpiInventoryMessage {
        guard data.count <= limits.maxBytes else { throw .tooLarge }
        return try read([UInt8](data), limits: limits)
    }

    // MARK: - Request

    /// `action`, lower-cased; GLPI falls back on the older `query`, then on "inventory".
    private static func action(_ root: [String: GlpiJSONValue]) throws(InventoryReadError) -> String {
        for key in ["action", "query"] {
            guard let value = root[key] else { continue }
            guard case .string(let name) = value else { throw .invalidContent(key) }
            return name.trimmingASCIIWhitespace().lowercased()
        }
        return "inventory"
    }

    /// Feeds every known section to the assembler, in document order; the last of duplicate
    /// section keys wins. Returns the sections seen.
    private static func assemble(_ content: [GlpiJSONMember], into assembler: inout InventoryAssembler)
        throws(InventoryReadError) -> Set<InventorySection> {
        var last: [InventorySection: Int] = [:]
        for (position, member) in content.enumerated() {
            if let section = InventorySection(tagName: asciiUppercased(member.key)) { last[section] = position }
        }
        for (position, member) in content.enumerated() {
            guard let section = InventorySection(tagName: asciiUppercased(member.key)),
                  last[section] == position else { continue }
            let place = "content." + member.key
            if section == .versionClient {
                switch member.value {
                case .string(let version): assembler.setSectionText(.versionClient, version.trimmingASCIIWhitespace())
                case .null: break
                default: throw invalid(place)
                }
                continue
            }
            switch member.value {
            case .object(let fields):
                record(section, fields, into: &assembler)
            case .array(let items):
                for item in items {
                    switch item {
                    case .object(let fields): record(section, fields, into: &assembler)
                    case .null: continue
                    default: throw invalid(place + "[]")
                    }
                }
            case .null:
                break
            default:
                throw invalid(place)
            }
        }
        return Set(last.keys)
    }

    private static func record(_ section: InventorySection, _ fields: [GlpiJSONMember],
                               into assembler: inout InventoryAssembler) {
        assembler.beginRecord(section)
        for member in fields {
            guard let field = field(asciiUppercased(member.key), in: section),
                  let value = scalar(member.value, boolean: booleanFields.contains(field)) else { continue }
            assembler.set(field, value)
        }
        assembler.endRecord()
    }

    /// The field for an upper-cased key; the JSON format renamed two of the XML's.
    private static func field(_ name: String, in section: InventorySection) -> InventoryField? {
        switch (section, name) {
        case (.softwares, "INSTALL_DATE"): return .installDate
        case (.networks, "MAC"): return .macAddr
        default: return InventoryField(tagName: name)
        }
    }

    /// Fields the assembler reads as booleans (`"1"`/`"0"` in the XML).
    private static let booleanFields: Set<InventoryField> = [.enabled, .upToDate, .virtualDev]

    // MARK: - Values

    /// A field's value as the XML would carry it; nil for null, objects and arrays.
    private static func scalar(_ value: GlpiJSONValue, boolean: Bool) -> String? {
        switch value {
        case .string(let text):
            let trimmed = text.trimmingASCIIWhitespace()
            guard boolean, let flag = flag(value) else { return trimmed }
            return flag ? "1" : "0"
        case .number(let text):
            guard boolean, let flag = flag(value) else { return text }
            return flag ? "1" : "0"
        case .bool(let flag): return flag ? "1" : "0"
        case .null, .array, .object: return nil
        }
    }

    /// true/false, 1/0 and their string spellings.
    private static func flag(_ value: GlpiJSONValue?) -> Bool? {
        switch value {
        case .bool(let flag)?: return flag
        case .number(let text)?, .string(let text)?:
            switch text.trimmingASCIIWhitespace().lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// A string or number as trimmed text; nil when absent, empty or of another type.
    private static func text(_ value: GlpiJSONValue?) -> String? {
        switch value {
        case .string(let text)?:
            let trimmed = text.trimmingASCIIWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        case .number(let text)?: return text
        default: return nil
        }
    }

    private static func strings(_ value: GlpiJSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            guard case .string(let name) = item else { return nil }
            let trimmed = name.trimmingASCIIWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    private static func invalid(_ place: String) -> InventoryReadError {
        .invalidContent(String(decoding: place.utf8.prefix(64), as: UTF8.self))
    }

    /// ASCII-only upper case, so that no other character can turn into a tag name.
    private static func asciiUppercased(_ key: String) -> String {
        var bytes = Array(key.utf8)
        for index in bytes.indices where bytes[index] >= UInt8(ascii: "a") && bytes[index] <= UInt8(ascii: "z") {
            bytes[index] -= 32
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
