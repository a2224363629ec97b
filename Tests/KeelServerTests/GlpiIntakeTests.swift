import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// The GLPI agent's JSON protocol at the same URL: contact, full and partial inventories,
/// JSON refusals. (Debian 12 has no glpi-agent package; these are recorded-shape documents.)
extension InventoryIntakeTests {
    func testTheGLPIAgentsJSONBecomesTheSameLedgerEntry() async throws {
        let key = try await issueKey(huaxin)
        let agent = "3a5c6ed0-3c5e-4c1f-9d35-0d6f3b4a1f00"
        // A new agent starts with an XML PROLOG: the JSON answer moves it to JSON.
        var (status, reply) = try await post(key, try fixture("prolog-request.xml"), contentType: "application/xml", agentID: agent)
        XCTAssertEqual(status, .ok)
        XCTAssertTrue(reply.contains("\"status\":\"ok\""), reply)
        let contact = #"{"action":"contact","deviceid":"HX-LT-01-2026-01-05-09-00-00","name":"GLPI-Agent","version":"1.11","installed-tasks":["inventory","netdiscovery"],"enabled-tasks":["inventory","netdiscovery"]}"#
        (status, reply) = try await post(key, Array(contact.utf8), contentType: "application/json", agentID: agent)
        XCTAssertEqual(status, .ok)
        let answer = object(reply)
        XCTAssertEqual(answer["status"] as? String, "ok")
        XCTAssertNotNil((answer["tasks"] as? [String: Any])?["inventory"], reply)
        // The full inventory, zlib-compressed as the agent sends it.
        let document = try fixture("glpi-agent-windows.json")
        (status, reply) = try await post(key, zlib(document), contentType: "application/x-compress-zlib", agentID: agent)
        XCTAssertEqual(status, .ok, reply)
        XCTAssertEqual(object(reply)["status"] as? String, "ok")
        var list = try await assets(huaxin)
        XCTAssertEqual(list.count, 1)
        let id = try XCTUnwrap(list.first?["id"] as? String)
        let admin = try await token("admin@keel.test")
        let software = object(try await call(.GET, "/api/v1/assets/\(id)/software", token: admin).1)["items"] as? [[String: Any]] ?? []
        XCTAssertTrue(software.contains { ($0["name"] as? String)?.contains("微信") ?? false }, "Chinese package names kept")
        let before = software.count
        // A partial inventory with only the software section: the rest of the device stays.
        var parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(document)) as? [String: Any])
        var content = try XCTUnwrap(parsed["content"] as? [String: Any])
        let packages = try XCTUnwrap(content["softwares"] as? [[String: Any]])
        content = ["softwares": Array(packages.dropFirst())]
        parsed["content"] = content
        parsed["partial"] = true
        let partial = try JSONSerialization.data(withJSONObject: parsed)
        (status, reply) = try await post(key, Array(partial), contentType: "application/json", agentID: agent)
        XCTAssertEqual(status, .ok, reply)
        list = try await assets(huaxin)
        XCTAssertEqual(list.count, 1, "the same device, not a new one")
        let detail = object(try await call(.GET, "/api/v1/assets/\(id)", token: admin).1)
        XCTAssertEqual(detail["softwareCount"] as? Int, before - 1)
        XCTAssertNotNil(detail["serial"] as? String, "the serial was not in the partial inventory and is kept")
        XCTAssertFalse((detail["disks"] as? [Any] ?? []).isEmpty, "disks kept")
        let changes = object(try await call(.GET, "/api/v1/assets/\(id)/changes", token: admin).1)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(changes.filter { $0["kind"] as? String == "software_removed" }.count, 1, "one package removed, nothing else")
    }

    func testGLPIRefusalsAreJSONInTheCallersLanguage() async throws {
        let key = try await issueKey(huaxin)
        var (status, reply) = try await post(key, Array(#"{"action":"inventory","deviceid":"x","content":{"softwares":"oops"}}"#.utf8),
                                             contentType: "application/json", language: "zh-CN", agentID: "a")
        XCTAssertEqual(status, .badRequest)
        XCTAssertEqual(object(reply)["status"] as? String, "error")
        XCTAssertTrue((object(reply)["message"] as? String ?? "").contains("格式"), reply)
        (status, reply) = try await post(key, Array(("{\"a\":" + String(repeating: "[", count: 100_000)).utf8), contentType: "application/json", agentID: "a")
        XCTAssertEqual(status, .badRequest)
        (status, reply) = try await post("wrong-key", Array("{}".utf8), contentType: "application/json", agentID: "a")
        XCTAssertEqual(status, .forbidden)
        XCTAssertEqual(object(reply)["status"] as? String, "error")
        let count = try await count(Asset.self)
        XCTAssertEqual(count, 0)
    }
}
