import Foundation
import KeelDomain
import XCTest

/// Hostile or broken agent documents are refused with a code, quickly, and without a
/// partial inventory.
final class InventoryHostileInputTests: XCTestCase {
    private func assertRefused(_ bytes: [UInt8], _ expected: InventoryReadError, limits: InventoryReadLimits = .standard,
                               file: StaticString = #filePath, line: UInt = #line) {
        do {
            let message = try FusionInventoryReader.read(bytes, limits: limits)
            XCTFail("accepted: \(message)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    func testBillionLaughsIsRefusedBeforeAnyExpansion() {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            xml += " <!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
        }
        xml += "]>\n<REQUEST><DEVICEID>&lol9;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>"
        assertRefused(Array(xml.utf8), .entitiesRefused)
    }

    func testExternalEntityIsRefused() {
        let xml = "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><REQUEST><DEVICEID>&xxe;</DEVICEID></REQUEST>"
        assertRefused(Array(xml.utf8), .entitiesRefused)
    }

    func testUndeclaredEntityReferenceIsMalformed() {
        assertRefused(Array("<REQUEST><DEVICEID>&lol9;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>".utf8),
                      .malformedXML(line: 1))
    }

    func testTenThousandLevelsDeepStopsAtTheDepthLimit() {
        let xml = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        assertRefused(Array(("<REQUEST>" + xml + "</REQUEST>").utf8), .tooDeep)
        // The sections the agent sends are five deep; the default allows 64.
        let fine = "<REQUEST><CONTENT>" + String(repeating: "<a>", count: 60) + String(repeating: "</a>", count: 60)
            + "</CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"
        XCTAssertNoThrow(try FusionInventoryReader.read(Array(fine.utf8)))
    }

    func testEveryTruncationOfARealInventoryIsRefusedWhole() throws {
        let document = try InventoryFixtures.linux()
        // The closing `</REQUEST>` and the final line end are 12 bytes; any shorter prefix is incomplete.
        var cuts = Array(stride(from: 0, to: document.count - 12, by: 4_999))
        cuts.append(document.count - 12)
        for cut in cuts {
            do {
                _ = try FusionInventoryReader.read(Array(document[..<cut]))
                XCTFail("a document cut at \(cut) bytes was accepted")
            } catch {
                guard case .malformedXML = error else { return XCTFail("cut at \(cut): \(error)") }
            }
        }
    }

    func testHugeAttributeIsRefused() {
        let value = String(repeating: "A", count: 100_000)
        assertRefused(Array("<REQUEST x=\"\(value)\"><DEVICEID>d</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>".utf8), .tooLarge)
        // …also when its quote never closes.
        assertRefused(Array("<REQUEST x=\"\(value)".utf8), .tooLarge)
    }

    func testHugeTextIsRefused() {
        let value = String(repeating: "x", count: 2 << 20)
        assertRefused(Array("<REQUEST><DEVICEID>\(value)</DEVICEID></REQUEST>".utf8), .tooLarge)
    }

    func testBodyOverTheLimitIsRefusedBeforeParsing() {
        let limits = InventoryReadLimits(maxBytes: 1024)
        assertRefused(Array(repeating: UInt8(ascii: " "), count: 1025), .tooLarge, limits: limits)
        XCTAssertThrowsError(try FusionInventoryReader.read(Data(count: 1025), limits: limits)) { error in
            XCTAssertEqual(error as? InventoryReadError, .tooLarge)
        }
    }

    func testElementFloodIsRefused() {
        let xml = "<REQUEST>" + String(repeating: "<a/>", count: 2_000) + "</REQUEST>"
        assertRefused(Array(xml.utf8), .tooLarge, limits: InventoryReadLimits(maxElements: 1_000))
    }

    func testOverlongNameIsRefused() {
        let name = String(repeating: "N", count: 300)
        assertRefused(Array("<REQUEST><\(name)/></REQUEST>".utf8), .tooLarge)
    }

    func testRequestShapeErrors() {
        assertRefused(Array("<REPLY><DEVICEID>d</DEVICEID></REPLY>".utf8), .notARequest)
        assertRefused(Array("<REQUEST><QUERY>PROLOG</QUERY></REQUEST>".utf8), .missingDeviceID)
        assertRefused(Array("<REQUEST><DEVICEID>  </DEVICEID><QUERY>PROLOG</QUERY></REQUEST>".utf8), .missingDeviceID)
        assertRefused(Array("<REQUEST><DEVICEID>d</DEVICEID><QUERY>SNMPQUERY</QUERY></REQUEST>".utf8),
                      .unsupportedQuery("SNMPQUERY"))
        assertRefused(Array("<REQUEST><DEVICEID>d</DEVICEID></REQUEST>".utf8), .unsupportedQuery(""))
        let longID = String(repeating: "d", count: 300)
        assertRefused(Array("<REQUEST><DEVICEID>\(longID)</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>".utf8), .tooLarge)
    }

    func testBinaryGarbageIsMalformed() {
        var seed: UInt64 = 7
        let garbage: [UInt8] = (0..<4096).map { _ in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            return UInt8(truncatingIfNeeded: seed >> 56)
        }
        XCTAssertThrowsError(try FusionInventoryReader.read(garbage))
        XCTAssertThrowsError(try FusionInventoryReader.read([0x78, 0x9C] + garbage), "a compressed body must be inflated first")
    }

    func testInvalidUTF8InAValueIsReplacedNotRefused() throws {
        let body = Array("<REQUEST><CONTENT><SOFTWARES><NAME>caf".utf8) + [0xE9, 0xFF]
            + Array("</NAME></SOFTWARES></CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>".utf8)
        let (inventory, _) = try InventoryFixtures.read(body)
        XCTAssertEqual(inventory.software.map(\.name), ["caf\u{FFFD}\u{FFFD}"])
    }

    func testErrorsHaveStableCodes() {
        XCTAssertEqual(InventoryReadError.malformedXML(line: 3).code, "inventory.malformed_xml")
        XCTAssertEqual(InventoryReadError.entitiesRefused.code, "inventory.entities_refused")
        XCTAssertEqual(InventoryReadError.unsupportedQuery("X").code, "inventory.unsupported_query")
    }

    func testHostileDocumentsAreRefusedQuickly() {
        // Linear work on every path: a 32 MB body of nested tags and of one long comment.
        let nested = Array(String(repeating: "<a>", count: 1 << 20).utf8)
        let comment = Array(("<REQUEST><!--" + String(repeating: "-", count: 8 << 20)).utf8)
        let start = ContinuousClock.now
        XCTAssertThrowsError(try FusionInventoryReader.read(nested))
        XCTAssertThrowsError(try FusionInventoryReader.read(comment))
        print(String(format: "hostile documents refused in %.1f ms", InventoryFixtures.milliseconds(since: start)))
    }
}
