import Foundation
import KeelDomain
import XCTest

/// Hostile or broken GLPI agent requests are refused with a code, quickly, and without a
/// partial inventory.
final class GlpiInventoryHostileInputTests: XCTestCase {
    private func assertRefused(_ body: String, _ expected: InventoryReadError, limits: InventoryReadLimits = .standard,
                               file: StaticString = #filePath, line: UInt = #line) {
        assertRefused(Array(body.utf8), expected, limits: limits, file: file, line: line)
    }

    private func assertRefused(_ bytes: [UInt8], _ expected: InventoryReadError, limits: InventoryReadLimits = .standard,
                               file: StaticString = #filePath, line: UInt = #line) {
        do {
            let message = try GlpiInventoryReader.read(bytes, limits: limits)
            XCTFail("accepted: \(message)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    private func request(content: String) -> String {
        "{\"action\":\"inventory\",\"deviceid\":\"d\",\"content\":{\(content)}}"
    }

    func testHundredThousandLevelsDeepStopsAtTheDepthLimit() {
        assertRefused(String(repeating: "[", count: 100_000), .tooDeep)
        assertRefused(String(repeating: "{\"a\":", count: 100_000), .tooDeep)
        assertRefused(request(content: "\"softwares\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)),
                      .tooDeep)
        assertRefused(String(repeating: "[", count: 65) + String(repeating: "]", count: 65), .tooDeep)
        assertRefused(String(repeating: "[", count: 5) + String(repeating: "]", count: 5), .tooDeep,
                      limits: InventoryReadLimits(maxDepth: 4))
        // The agent's documents are five deep; the default allows 64, empty containers included.
        let fine = request(content: "\"processes\":" + String(repeating: "[", count: 61) + String(repeating: "]", count: 61))
        XCTAssertNoThrow(try GlpiInventoryReader.read(Array(fine.utf8)))
        assertRefused(String(repeating: "[", count: 64) + String(repeating: "]", count: 64), .notARequest)
    }

    func testBodyOverTheLimitIsRefusedBeforeParsing() {
        let limits = InventoryReadLimits(maxBytes: 1024)
        let body = request(content: "\"softwares\":[" + Array(repeating: "{\"name\":\"x\"}", count: 100).joined(separator: ",") + "]")
        assertRefused(body, .tooLarge, limits: limits)
        XCTAssertThrowsError(try GlpiInventoryReader.read(Data(count: 1025), limits: limits)) { error in
            XCTAssertEqual(error as? InventoryReadError, .tooLarge)
        }
        XCTAssertNoThrow(try GlpiInventoryReader.read(Array(body.utf8)))
    }

    func testMalformedJSONIsRefusedWithItsLine() {
        let cases: [(String, Int)] = [
            ("", 1), ("   \n ", 2), ("{", 1), ("{\"deviceid\":\"d\",}", 1), ("{\"deviceid\" \"d\"}", 1),
            ("{'deviceid':'d'}", 1), ("{\"deviceid\":\"d\"} x", 1), ("{\"deviceid\":\"d\"}{}", 1),
            ("{\"a\":[1,2,]}", 1), ("{\"a\":01}", 1), ("{\"a\":1.}", 1), ("{\"a\":.5}", 1), ("{\"a\":1e}", 1),
            ("{\"a\":-}", 1), ("{\"a\":+1}", 1), ("{\"a\":NaN}", 1), ("{\"a\":Infinity}", 1), ("{\"a\":tru}", 1),
            ("{\"a\":nul}", 1), ("{\"a\":True}", 1), ("{\"a\":\"x\\q\"}", 1), ("{\"a\":\"\\u12G4\"}", 1),
            ("{\"a\":\"\\u12\"}", 1), ("{\"a\":\"tab\there\"}", 1), ("{\"a\":\"line\nbreak\"}", 1),
            ("{\"a\":\"unterminated}", 1), ("{\"a\":1 /* comment */}", 1), ("{a:1}", 1), ("{\"a\"}", 1),
            ("[1 2]", 1), ("{\"a\":1,,\"b\":2}", 1), ("{\n  \"deviceid\": \"d\",\n  \"content\": {\n    \"x\": [1,]\n  }\n}", 4),
        ]
        for (body, line) in cases {
            assertRefused(body, .malformedJSON(line: line))
        }
    }

    func testEveryTruncationOfARealInventoryIsRefusedWhole() throws {
        let document = try GlpiInventoryFixtures.windows()
        // The closing brace and the final line end are 2 bytes; any shorter prefix is incomplete.
        var cuts = Array(stride(from: 0, to: document.count - 2, by: 97))
        cuts.append(document.count - 2)
        for cut in cuts {
            do {
                _ = try GlpiInventoryReader.read(Array(document[..<cut]))
                XCTFail("a document cut at \(cut) bytes was accepted")
            } catch {
                guard case .malformedJSON = error else { return XCTFail("cut at \(cut): \(error)") }
            }
        }
        XCTAssertNoThrow(try GlpiInventoryReader.read(Array(document[..<(document.count - 1)])))
    }

    func testRootMustBeAnObject() {
        for body in ["[]", "[{\"deviceid\":\"d\"}]", "\"deviceid\"", "42", "null", "true"] {
            assertRefused(body, .notARequest)
        }
    }

    func testWrongTypesForKnownSectionsRefuseTheRequest() {
        assertRefused(request(content: "\"softwares\":\"x\""), .invalidContent("content.softwares"))
        assertRefused(request(content: "\"softwares\":42"), .invalidContent("content.softwares"))
        assertRefused(request(content: "\"hardware\":true"), .invalidContent("content.hardware"))
        assertRefused(request(content: "\"softwares\":[{\"name\":\"a\"},\"b\"]"), .invalidContent("content.softwares[]"))
        assertRefused(request(content: "\"drives\":[[{\"letter\":\"C:\"}]]"), .invalidContent("content.drives[]"))
        assertRefused(request(content: "\"versionclient\":{\"v\":1}"), .invalidContent("content.versionclient"))
        assertRefused(request(content: "\"SOFTWARES\":\"x\""), .invalidContent("content.SOFTWARES"))
        assertRefused("{\"deviceid\":\"d\"}", .invalidContent("content"))
        assertRefused("{\"deviceid\":\"d\",\"content\":[]}", .invalidContent("content"))
        assertRefused("{\"deviceid\":\"d\",\"content\":null}", .invalidContent("content"))
        assertRefused("{\"action\":1,\"deviceid\":\"d\",\"content\":{}}", .invalidContent("action"))
        // Only the winning duplicate counts; unknown sections are never type-checked.
        XCTAssertNoThrow(try GlpiInventoryReader.read(Array(request(content: "\"softwares\":\"x\",\"softwares\":[]").utf8)))
        XCTAssertNoThrow(try GlpiInventoryReader.read(Array(request(content: "\"processes\":\"x\",\"envs\":7").utf8)))
    }

    func testRequestShapeErrors() {
        assertRefused("{\"action\":\"inventory\",\"content\":{}}", .missingDeviceID)
        assertRefused("{\"action\":\"contact\",\"deviceid\":\"  \"}", .missingDeviceID)
        assertRefused("{\"action\":\"contact\",\"deviceid\":42}", .missingDeviceID)
        assertRefused("{\"action\":\"contact\",\"deviceid\":null}", .missingDeviceID)
        assertRefused("{\"action\":\"netdiscovery\",\"deviceid\":\"d\"}", .unsupportedQuery("netdiscovery"))
        assertRefused("{\"action\":\"get_params\",\"deviceid\":\"d\"}", .unsupportedQuery("get_params"))
        assertRefused("{\"query\":\"SNMP\",\"deviceid\":\"d\"}", .unsupportedQuery("snmp"))
        assertRefused("{\"action\":\"" + String(repeating: "x", count: 100) + "\",\"deviceid\":\"d\"}",
                      .unsupportedQuery(String(repeating: "x", count: 64)))
        assertRefused("{\"action\":\"contact\",\"deviceid\":\"" + String(repeating: "d", count: 300) + "\"}", .tooLarge)
        // The action is checked before the device: a network task without deviceid is unsupported.
        assertRefused("{\"action\":\"netinventory\"}", .unsupportedQuery("netinventory"))
    }

    func testElementFloodAndOversizedTokensAreRefused() {
        let flood = "{\"deviceid\":\"d\",\"content\":{\"processes\":[" + Array(repeating: "0", count: 2_000).joined(separator: ",") + "]}}"
        assertRefused(flood, .tooLarge, limits: InventoryReadLimits(maxElements: 1_000))
        XCTAssertNoThrow(try GlpiInventoryReader.read(Array(flood.utf8)))
        let huge = String(repeating: "x", count: 2 << 20)
        assertRefused("{\"deviceid\":\"\(huge)\"}", .tooLarge)
        assertRefused("{\"deviceid\":\"\(huge)", .tooLarge) // …also when the quote never closes
        assertRefused("{\"\(String(repeating: "k", count: 300))\":1}", .tooLarge)
        assertRefused("{\"a\":1\(String(repeating: "0", count: 300))}", .tooLarge)
    }

    func testEncodingIsLenientLikeTheXMLReader() throws {
        let body = Array("{\"deviceid\":\"d\",\"content\":{\"softwares\":[{\"name\":\"caf".utf8) + [0xE9, 0xFF]
            + Array("\"},{\"name\":\"\\ud800 lone\"},{\"name\":\"\\udc00\\ud83d\"}]}}".utf8)
        let (inventory, _, _) = try GlpiInventoryFixtures.read(body)
        XCTAssertEqual(inventory.software.map(\.name), ["caf\u{FFFD}\u{FFFD}", "\u{FFFD} lone", "\u{FFFD}\u{FFFD}"])
        let bom = [0xEF, 0xBB, 0xBF] + Array("\r\n{\"action\":\"contact\",\"deviceid\":\"d\"}\r\n".utf8)
        XCTAssertEqual(try GlpiInventoryReader.read(bom), .contact(GlpiAgentContact(deviceID: "d")))
    }

    func testStringsDecodeAsFoundationDecodesThem() throws {
        let literals = [
            "\"plain\"", "\"\\\"quoted\\\" \\\\ \\/ slash\"", "\"<\\b\\f\\n\\r\\t>\"", "\"\\u00e9\\u4e2d\\u6587\"",
            "\"\\ud83d\\ude00 emoji\"", "\"中文 ✓ 😀\"", "\"\\u0041\\u0062\"", "\"a\\u0000b\"", "\"\\uFFFF\"",
        ]
        for literal in literals {
            let body = "{\"action\":\"contact\",\"deviceid\":\"d\",\"tag\":\(literal)}"
            guard case .contact(let contact) = try GlpiInventoryReader.read(Array(body.utf8)) else {
                return XCTFail(literal)
            }
            let foundation = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            XCTAssertEqual(contact.tag, foundation?["tag"] as? String, literal)
        }
    }

    func testErrorsHaveStableCodes() {
        XCTAssertEqual(InventoryReadError.malformedJSON(line: 3).code, "inventory.malformed_json")
        XCTAssertEqual(InventoryReadError.invalidContent("content").code, "inventory.invalid_content")
        XCTAssertEqual(InventoryReadError.notARequest.code, "inventory.not_a_request")
    }

    func testHostileDocumentsAreRefusedQuickly() {
        // Linear work on every path: 32 MB of brackets, of one long string and of small numbers.
        let brackets = [UInt8](repeating: UInt8(ascii: "["), count: 32 << 20)
        let string = Array("{\"deviceid\":\"".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 32 << 20 - 20)
        let numbers = Array("[".utf8) + Array(String(repeating: "1,", count: 600_000).utf8)
        let start = ContinuousClock.now
        XCTAssertThrowsError(try GlpiInventoryReader.read(brackets))
        XCTAssertThrowsError(try GlpiInventoryReader.read(string))
        XCTAssertThrowsError(try GlpiInventoryReader.read(numbers))
        let elapsed = InventoryFixtures.milliseconds(since: start)
        print(String(format: "hostile JSON documents refused in %.1f ms", elapsed))
        XCTAssertLessThan(elapsed, 5_000)
    }
}
