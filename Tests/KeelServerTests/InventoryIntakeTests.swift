import CZlib
import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// The FusionInventory protocol at `POST /inventory/{key}` with recorded agent documents
/// (the real agent runs against Keel in e2e/test_inventory_agent.py), and the asset API.
final class InventoryIntakeTests: KeelTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/Inventory")

    func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    func zlib(_ bytes: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        _ = compress2(&output, &size, bytes, uLong(bytes.count), 6)
        return Array(output[0..<Int(size)])
    }

    func post(_ key: String, _ body: [UInt8], contentType: String = "application/x-compress-zlib",
              language: String? = nil, agentID: String? = nil) async throws -> (HTTPStatus, String) {
        var status: HTTPStatus = .internalServerError
        var text = ""
        try await app.test(.POST, "/inventory/\(key)", beforeRequest: { req in
            req.headers.replaceOrAdd(name: .contentType, value: contentType)
            if let agentID { req.headers.replaceOrAdd(name: "GLPI-Agent-ID", value: agentID) }
            if let language { req.headers.replaceOrAdd(name: .acceptLanguage, value: language) }
            req.body = ByteBuffer(bytes: body)
        }, afterResponse: { res async in
            status = res.status
            text = res.body.string
        })
        return (status, text)
    }

    func issueKey(_ organization: UUID) async throws -> String {
        let admin = try await token("admin@keel.test")
        let (status, body) = try await call(.POST, "/api/v1/organizations/\(organization.uuidString)/inventory-key", token: admin)
        XCTAssertEqual(status, .created, body)
        return object(body)["inventoryEnrolmentKey"] as? String ?? ""
    }

    func assets(_ organization: UUID) async throws -> [[String: Any]] {
        let admin = try await token("admin@keel.test")
        let (_, body) = try await call(.GET, "/api/v1/assets?organizationId=\(organization.uuidString)", token: admin)
        return object(body)["items"] as? [[String: Any]] ?? []
    }

    func testAgentDocumentsBecomeOneAssetThatLaterRunsUpdate() async throws {
        let key = try await issueKey(green)
        let (prolog, reply) = try await post(key, try fixture("prolog-request.xml"), contentType: "application/xml")
        XCTAssertEqual(prolog, .ok)
        XCTAssertTrue(reply.contains("<RESPONSE>SEND</RESPONSE>"), reply)
        let (first, firstReply) = try await post(key, try fixture("linux-debian12-agent26.zlib"))
        XCTAssertEqual(first, .ok, firstReply)
        XCTAssertTrue(firstReply.contains("<REPLY>"), firstReply)
        var list = try await assets(green)
        XCTAssertEqual(list.count, 1)
        let id = list[0]["id"] as! String
        let admin = try await token("admin@keel.test")
        let detail = object(try await call(.GET, "/api/v1/assets/\(id)", token: admin).1)
        XCTAssertEqual(detail["kind"] as? String, "computer")
        XCTAssertNotNil(detail["osName"] as? String)
        XCTAssertGreaterThan(detail["softwareCount"] as? Int ?? 0, 500, "a Debian server has hundreds of packages")
        XCTAssertFalse((detail["disks"] as? [Any] ?? []).isEmpty)
        let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "asset.inventory_create").count()
        XCTAssertEqual(audits, 1)

        // The same document again: one asset, nothing new in the history or the audit log.
        let again = try await post(key, try fixture("linux-debian12-agent26.xml"), contentType: "application/xml").0
        XCTAssertEqual(again, .ok)
        list = try await assets(green)
        XCTAssertEqual(list.count, 1)
        let auditsAfter = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["asset.inventory_create", "asset.inventory_update"]).count()
        XCTAssertEqual(auditsAfter, 1)

        // The next run finds a package removed: same asset, the removal in its history.
        var text = String(decoding: try fixture("linux-debian12-agent26.xml"), as: UTF8.self)
        let firstSoftware = try XCTUnwrap(text.range(of: "<SOFTWARES>").flatMap { start in
            text.range(of: "</SOFTWARES>", range: start.upperBound..<text.endIndex).map { text[start.lowerBound..<$0.upperBound] }
        })
        text = text.replacingOccurrences(of: String(firstSoftware), with: "")
        let updated = try await post(key, zlib(Array(text.utf8))).0
        XCTAssertEqual(updated, .ok)
        list = try await assets(green)
        XCTAssertEqual(list.count, 1, "matched again, not duplicated")
        let changes = object(try await call(.GET, "/api/v1/assets/\(id)/changes", token: admin).1)["items"] as? [[String: Any]] ?? []
        XCTAssertTrue(changes.contains { $0["kind"] as? String == "software_removed" }, "\(changes.prefix(3))")
    }

    func testUnknownKeysAndHostileBodiesAreRefusedAndChangeNothing() async throws {
        let key = try await issueKey(huaxin)
        let (unknown, message) = try await post("ke_not-a-key", try fixture("prolog-request.xml"), contentType: "application/xml",
                                               language: "zh-CN")
        XCTAssertEqual(unknown, .forbidden)
        XCTAssertTrue(message.contains("注册密钥"), message)
        let doctype = Array(#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><REQUEST><DEVICEID>&lol2;</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"#.utf8)
        let refused = try await post(key, doctype, contentType: "application/xml").0
        XCTAssertEqual(refused, .badRequest)
        let bomb = zlib(Array(repeating: UInt8(ascii: " "), count: 64 << 20))
        let tooBig = try await post(key, bomb).0
        XCTAssertEqual(tooBig, .payloadTooLarge)
        let truncated = Array(try fixture("linux-debian12-agent26.xml").prefix(50_000))
        let half = try await post(key, truncated, contentType: "application/xml").0
        XCTAssertEqual(half, .badRequest)
        let garbage = try await post(key, [0x78, 0x9C, 1, 2, 3, 4]).0
        XCTAssertEqual(garbage, .badRequest)
        let count = try await Asset.query(on: app.db).count()
        XCTAssertEqual(count, 0, "a refused document changes nothing")
    }

    func testADeviceKnownToAnotherOrganisationIsFlaggedNotMoved() async throws {
        let greenKey = try await issueKey(green)
        let huaxinKey = try await issueKey(huaxin)
        let windows = try fixture("windows10-zh.xml")
        let first = try await post(greenKey, windows, contentType: "application/xml").0
        XCTAssertEqual(first, .ok)
        // The agent reinstalled (a new DEVICEID): the BIOS serial finds the same laptop.
        let reinstalled = String(decoding: windows, as: UTF8.self)
            .replacingOccurrences(of: "SH-LT-0457-2022-03-14-11-02-45", with: "SH-LT-0457-2026-06-01-08-00-00")
        let again = try await post(greenKey, zlib(Array(reinstalled.utf8))).0
        XCTAssertEqual(again, .ok)
        let afterReinstall = try await assets(green)
        XCTAssertEqual(afterReinstall.count, 1, "matched by serial, not duplicated")
        XCTAssertEqual(afterReinstall.first?["deviceId"] as? String, "SH-LT-0457-2026-06-01-08-00-00")
        let text = String(decoding: windows, as: UTF8.self).replacingOccurrences(of: "SH-LT-0457-2022-03-14-11-02-45", with: "SH-LT-0457-2026-11-01-09-00-00")
        let second = try await post(huaxinKey, Array(text.utf8), contentType: "application/xml").0
        XCTAssertEqual(second, .ok)
        let greenAssets = try await assets(green)
        let huaxinAssets = try await assets(huaxin)
        XCTAssertEqual(greenAssets.count, 1, "the first organisation keeps its device")
        XCTAssertEqual(huaxinAssets.count, 1)
        XCTAssertEqual(huaxinAssets[0]["conflictOrganizationId"] as? String, green.uuidString)
        XCTAssertEqual(greenAssets[0]["serial"] as? String, "PF3ABCDE")
        // The software list keeps the Chinese names.
        let admin = try await token("admin@keel.test")
        let software = object(try await call(.GET, "/api/v1/assets/\(greenAssets[0]["id"] as! String)/software", token: admin).1)["items"] as? [[String: Any]] ?? []
        XCTAssertTrue(software.contains { ($0["name"] as? String ?? "").contains("微信") }, "\(software.prefix(3))")
        // A client user sees no device that is not assigned to them; a client admin sees the organisation's.
        let patel = try await token("j.patel@greenlaw.example")
        let (_, own) = try await call(.GET, "/api/v1/assets", token: patel)
        XCTAssertEqual((object(own)["items"] as? [Any])?.count, 0)
        let office = try await token("office@greenlaw.example")
        let (_, all) = try await call(.GET, "/api/v1/assets?q=PF3AB", token: office)
        XCTAssertEqual((object(all)["items"] as? [Any])?.count, 1)
        // Only admins issue keys.
        let tech = try await token("tech1@keel.test")
        let refused = try await call(.POST, "/api/v1/organizations/\(green.uuidString)/inventory-key", token: tech).0
        XCTAssertEqual(refused, .forbidden)
    }

    func testLifecycleViewsFindTheDevicesSMEsAskAbout() async throws {
        let key = try await issueKey(green)
        let posted = try await post(key, try fixture("windows10-zh.xml"), contentType: "application/xml").0
        XCTAssertEqual(posted, .ok)
        let admin = try await token("admin@keel.test")
        func view(_ name: String) async throws -> Int {
            let (status, body) = try await call(.GET, "/api/v1/assets?view=\(name)", token: admin)
            XCTAssertEqual(status, .ok, body)
            return (object(body)["items"] as? [Any])?.count ?? -1
        }
        let endOfSupport = try await view("end_of_support")
        XCTAssertEqual(endOfSupport, 1, "Windows 10 is past end of support")
        var warranty = try await view("warranty_ending")
        XCTAssertEqual(warranty, 0)
        let first = try await Asset.query(on: app.db).first()
        let asset = try XCTUnwrap(first)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        asset.warrantyEnd = formatter.string(from: Date().addingTimeInterval(30 * 86_400))
        asset.purchaseDate = "2019-03-01"
        asset.lastInventoryAt = Date().addingTimeInterval(-40 * 86_400)
        try await asset.save(on: app.db)
        warranty = try await view("warranty_ending")
        XCTAssertEqual(warranty, 1)
        let old = try await view("old")
        XCTAssertEqual(old, 1)
        let quiet = try await view("not_seen")
        XCTAssertEqual(quiet, 1)
        let (bad, body) = try await call(.GET, "/api/v1/assets?view=shiny", token: admin)
        XCTAssertEqual(bad, .badRequest)
        XCTAssertEqual(errorCode(body), "asset_view_invalid")
    }
}

extension InventoryIntakeTests {
    func testAnOrganisationCanAlsoRequireTheAgentsPassword() async throws {
        let key = try await issueKey(bloom)
        let admin = try await token("admin@keel.test")
        var (status, body) = try await call(.POST, "/api/v1/organizations/\(bloom.uuidString)/inventory-auth", token: admin)
        XCTAssertEqual(status, .created, body)
        let user = try XCTUnwrap(object(body)["user"] as? String)
        let password = try XCTUnwrap(object(body)["password"] as? String)
        // Without credentials: 401 with a Basic challenge, in the caller's language, nothing stored.
        var challenge: String?
        try await app.test(.POST, "/inventory/\(key)", beforeRequest: { req in
            req.headers.contentType = .xml
            req.headers.replaceOrAdd(name: .acceptLanguage, value: "zh-CN")
            req.body = ByteBuffer(bytes: try fixture("linux-debian12-agent26.xml"))
        }, afterResponse: { res async in
            status = res.status
            challenge = res.headers.first(name: .wwwAuthenticate)
            body = res.body.string
        })
        XCTAssertEqual(status, .unauthorized)
        XCTAssertEqual(challenge, "Basic realm=\"Keel inventory\"")
        XCTAssertTrue(body.contains("--user"), body)
        for credentials in [(user, "wrong"), ("someone", password)] {
            try await app.test(.POST, "/inventory/\(key)", beforeRequest: { req in
                req.headers.contentType = .xml
                req.headers.basicAuthorization = BasicAuthorization(username: credentials.0, password: credentials.1)
                req.body = ByteBuffer(bytes: try fixture("linux-debian12-agent26.xml"))
            }, afterResponse: { res async in status = res.status })
            XCTAssertEqual(status, .unauthorized)
        }
        var count = try await assets(bloom).count
        XCTAssertEqual(count, 0)
        try await app.test(.POST, "/inventory/\(key)", beforeRequest: { req in
            req.headers.contentType = .xml
            req.headers.basicAuthorization = BasicAuthorization(username: user, password: password)
            req.body = ByteBuffer(bytes: try fixture("linux-debian12-agent26.xml"))
        }, afterResponse: { res async in status = res.status })
        XCTAssertEqual(status, .ok)
        count = try await assets(bloom).count
        XCTAssertEqual(count, 1)
        // The stored password is a hash and a sealed copy, never the text.
        let record = try await InventoryEnrolment.query(on: app.db).filter(\.$organization.$id == bloom).first()
        XCTAssertNotEqual(record?.basicPasswordHash, password)
        XCTAssertFalse(record?.basicPasswordSealed?.contains(password) ?? true)
        // Turned off again: the key alone is enough; both changes audited.
        (status, _) = try await call(.DELETE, "/api/v1/organizations/\(bloom.uuidString)/inventory-auth", token: admin)
        XCTAssertEqual(status, .noContent)
        let plain = try await post(key, try fixture("linux-debian12-agent26.xml"), contentType: "application/xml").0
        XCTAssertEqual(plain, .ok)
        let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["inventory_auth.enable", "inventory_auth.disable"]).count()
        XCTAssertEqual(audited, 2)
        let employee = try await token("shop@bloom.example")
        (status, _) = try await call(.POST, "/api/v1/organizations/\(bloom.uuidString)/inventory-auth", token: employee)
        XCTAssertEqual(status, .forbidden)
    }
}
