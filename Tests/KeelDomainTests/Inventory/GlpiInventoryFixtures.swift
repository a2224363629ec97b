import Foundation
import KeelDomain
import XCTest

/// GLPI agent requests for the tests, beside `InventoryFixtures`.
enum GlpiInventoryFixtures {
    /// A hand-made Windows 11 laptop in the shape glpi-agent 1.11 sends it (lower-case keys,
    /// numbers and booleans as JSON types, ISO dates, `mac` and `install_date`, the tag at
    /// the root): Chinese software names, two antivirus products, C: and D:, a Wi-Fi card
    /// reported once per address and a Hyper-V virtual adapter.
    static func windows() throws -> [UInt8] { try InventoryFixtures.bytes("glpi-agent-windows.json") }

    static func read(_ bytes: [UInt8], limits: InventoryReadLimits = .standard) throws
        -> (Inventory, String, GlpiInventoryDetails) {
        guard case .inventory(let inventory, let deviceID, let details) = try GlpiInventoryReader.read(bytes, limits: limits)
        else {
            XCTFail("expected an inventory")
            throw InventoryReadError.unsupportedQuery("contact")
        }
        return (inventory, deviceID, details)
    }

    static func read(_ json: String) throws -> (Inventory, String, GlpiInventoryDetails) {
        try read(Array(json.utf8))
    }

    /// `{"action":"inventory","deviceid":"d","content":{<content>}}`.
    static func inventory(content: String) throws -> Inventory {
        try read("{\"action\":\"inventory\",\"deviceid\":\"d\",\"content\":{\(content)}}").0
    }

    /// The same request as fusioninventory-agent would send it: sections and fields in upper
    /// case, one element per record, the JSON format's renames undone (INSTALLDATE,
    /// MACADDR, ACCOUNTINFO for the tag), booleans as 1/0, nested values left out. Built with
    /// Foundation's JSON parser, so it also cross-checks the reader's own.
    static func fusionXML(fromGlpi json: [UInt8]) throws -> [UInt8] {
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let content = try XCTUnwrap(root["content"] as? [String: Any])
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST>\n  <CONTENT>\n"
        for (key, value) in content.sorted(by: { $0.key < $1.key }) {
            let section = key.uppercased()
            if let text = value as? String {
                xml += "    <\(section)>\(escaped(text))</\(section)>\n"
                continue
            }
            let records = try (value as? [[String: Any]]) ?? [XCTUnwrap(value as? [String: Any])]
            for record in records {
                xml += "    <\(section)>\n"
                for (fieldKey, fieldValue) in record.sorted(by: { $0.key < $1.key }) {
                    var field = fieldKey.uppercased()
                    if section == "SOFTWARES", field == "INSTALL_DATE" { field = "INSTALLDATE" }
                    if section == "NETWORKS", field == "MAC" { field = "MACADDR" }
                    guard let text = scalar(fieldValue) else { continue }
                    xml += "      <\(field)>\(escaped(text))</\(field)>\n"
                }
                xml += "    </\(section)>\n"
            }
        }
        if let tag = root["tag"] as? String {
            xml += "    <ACCOUNTINFO><KEYNAME>TAG</KEYNAME><KEYVALUE>\(escaped(tag))</KEYVALUE></ACCOUNTINFO>\n"
        }
        let deviceID = try XCTUnwrap(root["deviceid"] as? String)
        xml += "  </CONTENT>\n  <DEVICEID>\(escaped(deviceID))</DEVICEID>\n  <QUERY>INVENTORY</QUERY>\n</REQUEST>\n"
        return Array(xml.utf8)
    }

    private static func scalar(_ value: Any) -> String? {
        if let text = value as? String { return text }
        guard let number = value as? NSNumber else { return nil }
        // Foundation parses `true` as a CFBoolean, whose Objective-C type is `c`.
        if String(cString: number.objCType) == "c" { return number.boolValue ? "1" : "0" }
        return number.stringValue
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
