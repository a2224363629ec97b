import Foundation
import KeelDomain
import XCTest

final class GlpiInventoryReplyTests: XCTestCase {
    private func object(_ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8))
        return try XCTUnwrap(value as? [String: Any], file: file, line: line)
    }

    func testContactReplyServesInventoryAndDisablesTheRest() throws {
        let contact = GlpiAgentContact(deviceID: "d", enabledTasks: ["Collect", "deploy", "inventory", "deploy"])
        let reply = GlpiInventoryReply.contact(contact)
        XCTAssertEqual(reply, """
            {"status":"ok","expiration":24,"tasks":{"inventory":{"server":"glpi","version":"10.0.18"}},\
            "disabled":["collect","deploy"],"message":"collect task not supported;deploy task not supported"}
            """)
        let parsed = try object(reply)
        XCTAssertEqual(parsed["status"] as? String, "ok")
        XCTAssertEqual((parsed["expiration"] as? NSNumber)?.intValue, 24)
        let tasks = try XCTUnwrap(parsed["tasks"] as? [String: [String: String]])
        XCTAssertEqual(tasks, ["inventory": ["server": "glpi", "version": "10.0.18"]])
        XCTAssertEqual(parsed["disabled"] as? [String], ["collect", "deploy"])
    }

    func testContactReplyToAPrologOrAnAgentWithNothingToRun() {
        XCTAssertEqual(GlpiInventoryReply.contact(enabledTasks: []), "{\"status\":\"ok\",\"expiration\":24}")
        XCTAssertEqual(GlpiInventoryReply.contact(enabledTasks: ["inventory"], expirationHours: 0, serverVersion: "11.0.1"),
                       "{\"status\":\"ok\",\"expiration\":1,\"tasks\":{\"inventory\":{\"server\":\"glpi\",\"version\":\"11.0.1\"}}}")
        XCTAssertEqual(GlpiInventoryReply.contact(enabledTasks: [], expirationHours: 100_000),
                       "{\"status\":\"ok\",\"expiration\":8760}")
        XCTAssertEqual(GlpiInventoryReply.contact(enabledTasks: ["esx", "inventory"], supportedTasks: ["inventory", "esx"]),
                       "{\"status\":\"ok\",\"expiration\":24,\"tasks\":{\"esx\":{\"server\":\"glpi\",\"version\":\"10.0.18\"},"
                       + "\"inventory\":{\"server\":\"glpi\",\"version\":\"10.0.18\"}}}")
    }

    func testTaskNamesFromTheAgentAreEscaped() throws {
        let reply = GlpiInventoryReply.contact(enabledTasks: ["a\"b", "c\\d\n"])
        let parsed = try object(reply)
        XCTAssertEqual(parsed["disabled"] as? [String], ["a\"b", "c\\d\n"])
    }

    func testInventoryAcceptedAndErrors() throws {
        XCTAssertEqual(GlpiInventoryReply.inventoryAccepted, "{\"status\":\"ok\",\"expiration\":24}")
        XCTAssertEqual(GlpiInventoryReply.contentType, "application/json")
        XCTAssertEqual(GlpiInventoryReply.error("Device refused"),
                       "{\"status\":\"error\",\"message\":\"Device refused\",\"expiration\":24}")
        XCTAssertEqual(GlpiInventoryReply.error(.malformedJSON(line: 3)),
                       "{\"status\":\"error\",\"message\":\"inventory.malformed_json\",\"expiration\":24}")
        let hostile = "a \"quoted\" \\ path\nnew line\u{0}\u{1F}\u{7F} 中文 😀 \u{2028}"
        let parsed = try object(GlpiInventoryReply.error(hostile))
        XCTAssertEqual(parsed["status"] as? String, "error")
        XCTAssertEqual(parsed["message"] as? String, hostile)
        XCTAssertFalse(GlpiInventoryReply.error(hostile).unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" })
    }

    func testEveryReplyIsAnObjectWithAStatusAsTheAgentRequires() throws {
        for reply in [GlpiInventoryReply.contact(enabledTasks: ["inventory"]), GlpiInventoryReply.inventoryAccepted,
                      GlpiInventoryReply.error("x")] {
            let parsed = try object(reply)
            XCTAssertFalse((parsed["status"] as? String ?? "").isEmpty, reply)
            XCTAssertGreaterThan((parsed["expiration"] as? NSNumber)?.intValue ?? 0, 0, reply)
        }
    }
}
