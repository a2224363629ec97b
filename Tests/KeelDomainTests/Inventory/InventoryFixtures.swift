import Foundation
import KeelDomain
import XCTest

/// The agent documents under Tests/Fixtures/Inventory. They sit outside the test target's
/// directory so that SwiftPM does not ask for them to be declared as resources.
enum InventoryFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Inventory
        .deletingLastPathComponent()   // KeelDomainTests
        .deletingLastPathComponent()   // Tests
        .appendingPathComponent("Fixtures/Inventory")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// A Debian 12 container's inventory recorded from fusioninventory-agent 2.6-3 over HTTP
    /// (`--no-category=printer,process,environment --tag=KEEL-FIXTURE`).
    static func linux() throws -> [UInt8] { try bytes("linux-debian12-agent26.xml") }

    /// The same request as the agent sent it: zlib-compressed.
    static func linuxCompressed() throws -> [UInt8] { try bytes("linux-debian12-agent26.zlib") }

    /// The agent's PROLOG request, byte for byte.
    static func prolog() throws -> [UInt8] { try bytes("prolog-request.xml") }

    /// A hand-made Windows 10 laptop with Chinese software names.
    static func windows() throws -> [UInt8] { try bytes("windows10-zh.xml") }

    /// The Windows document with `count` more registry-style software entries, the size of a
    /// real office PC's inventory (750 entries ≈ 200 KB).
    static func windows(generatedSoftware count: Int) throws -> [UInt8] {
        let text = String(decoding: try windows(), as: UTF8.self)
        let vendors = ["Microsoft Corporation", "腾讯科技(深圳)有限公司", "Adobe Inc.", "Intel Corporation",
                       "北京金山办公软件股份有限公司", "Google LLC", "NVIDIA Corporation", "Realtek Semiconductor Corp."]
        let products = ["Runtime", "Redistributable", "驱动程序", "Update Helper", "办公助手", "Language Pack", "SDK", "插件"]
        var block = ""
        block.reserveCapacity(count * 300)
        for index in 0..<count {
            let vendor = vendors[index % vendors.count]
            let product = "\(products[index % products.count]) \(index)"
            block += """
                <SOFTWARES>
                  <ARCH>\(index % 3 == 0 ? "i586" : "x86_64")</ARCH>
                  <FROM>registry</FROM>
                  <GUID>\(guid(index))</GUID>
                  \(index % 2 == 0 ? String(format: "<INSTALLDATE>%02d/%02d/2026</INSTALLDATE>", index % 28 + 1, index % 12 + 1) : "")
                  <NAME>\(product) (x64) - \(index % 9).\(index % 17).\(index)</NAME>
                  <PUBLISHER>\(vendor)</PUBLISHER>
                  <VERSION>\(index % 9).\(index % 17).\(index)</VERSION>
                </SOFTWARES>

            """
        }
        let marker = "    <STORAGES>"
        return Array(text.replacingOccurrences(of: marker, with: block + marker).utf8)
    }

    /// An MSI product code for a third of the entries, a registry key name for the rest.
    private static func guid(_ index: Int) -> String {
        guard index % 3 == 0 else { return "App\(index)" }
        return String(format: "{%08X-1F2E-4D3C-8B7A-%012X}", UInt32(truncatingIfNeeded: index &* 2_654_435_761), index)
    }

    static func read(_ bytes: [UInt8]) throws -> (Inventory, String) {
        guard case .inventory(let inventory, let deviceID) = try FusionInventoryReader.read(bytes) else {
            XCTFail("expected an inventory")
            throw InventoryReadError.unsupportedQuery("PROLOG")
        }
        return (inventory, deviceID)
    }

    /// Milliseconds since `start`.
    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
