import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// Sends a table of malformed bodies to every write endpoint: each gets a 4xx with the
/// error shape, in the caller's language, and nothing changes.
final class BadInputTests: KeelTestCase {
    static let badBodies: [(String, String)] = [
        ("not json", "this is not json"),
        ("truncated", #"{"name": "#),
        ("array", "[1,2,3]"),
        ("number", "42"),
        ("wrong types", #"{"name": 5, "email": [], "role": {}, "timezone": true, "headcount": "many", "active": "yes", "expiresAt": 7, "title": 5, "status": 7, "minutes": "many", "body": [], "targetId": 3, "otherId": {}, "weekly": "always"}"#),
        ("unknown enums", #"{"name":"X\u0007","email":"x@bloom.example","role":"superuser","defaultLanguage":"fr","timezone":"Mars/Base","language":"klingon","expiresAt":"yesterday","status":"done","impact":"galaxy","urgency":"now","priority":"meh","channel":"fax","weekly":{"funday":[]}}"#),
        ("nulls", #"{"name": null, "email": null, "password": null, "currentPassword": null}"#),
        ("over-long", "{\"name\":\"\(String(repeating: "长", count: 5000))\",\"email\":\"\(String(repeating: "a", count: 300))@x.example\",\"address\":\"\(String(repeating: "x", count: 600))\",\"title\":\"\(String(repeating: "长", count: 300))\",\"reason\":\"\(String(repeating: "r", count: 600))\",\"body\":\"\(String(repeating: "b", count: 100_001))\"}"),
        ("control characters", "{\"name\":\"bad\\u0000name\",\"email\":\"a\\u0007@b.example\",\"title\":\"bell\\u0007\"}"),
        ("deep nesting", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)),
        ("empty object", "{}"),
        ("bad ids", #"{"organizationId":"not-a-uuid","technicianOrganizationIds":["nope"]}"#),
    ]

    func testEveryWriteEndpointRefusesBadBodiesWithoutChangingAnything() async throws {
        let admin = try await token("admin@keel.test")
        // With no language of their own, the browser's Accept-Language decides.
        let person = try await User.find(user("admin@keel.test"), on: app.db)!
        person.language = nil
        try await person.save(on: app.db)
        let site = DemoData.id("site:bloom:Shop")
        let (_, ticketBody) = try await call(.POST, "/api/v1/tickets", token: admin, json: """
            {"title":"Till printer","organizationId":"\(bloom.uuidString)","requesterId":"\(user("shop@bloom.example").uuidString)"}
            """)
        let ticket = object(ticketBody)["id"] as? String ?? ""
        let held = try await MailIntake.accept(Array("From: x@unknown.example\r\nSubject: held\r\n\r\nheld".utf8), source: "test",
                                               envelopeFrom: nil, recipients: [], on: app)
        try await MailProcessor(app: app).process(held)
        let values = ["organizationID": bloom.uuidString, "userID": user("shop@bloom.example").uuidString,
                      "siteID": site.uuidString, "ticketID": ticket, "calendarID": DemoData.id("calendar:green").uuidString,
                      "messageID": held.uuidString, "assetID": try await bloomAssetID(), "licenceID": try await bloomLicenceID(admin),
                      "checkID": try await bloomCheckID(admin)]
        let writes = app.apiDocument.operations.filter { [.POST, .PATCH, .PUT].contains($0.method) && $0.requestSchema != nil }
        XCTAssertGreaterThanOrEqual(writes.count, 9)
        let before = try await snapshot()
        for operation in writes {
            var path = operation.path
            for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
            XCTAssertFalse(path.contains("{"), "no id for \(operation.path): add one to this test")
            let caller = operation.path.hasSuffix("/session") ? nil : admin
            for (label, body) in Self.badBodies {
                for language in ["en", "zh-CN"] {
                    let (status, answer) = try await call(operation.method, path, token: caller, json: body,
                                                          headers: [("Accept-Language", language)])
                    let where_ = "\(operation.method.rawValue) \(operation.path) [\(label), \(language)] → \(status.code) \(answer.prefix(160))"
                    if operation.method == .PATCH && status == .ok && ["empty object", "nulls", "bad ids"].contains(label) {
                        continue   // nothing to change is not an error; the snapshot proves nothing changed
                    }
                    XCTAssertTrue((400..<500).contains(Int(status.code)), where_)
                    let error = object(answer)["error"] as? [String: Any]
                    XCTAssertNotNil(error?["code"] as? String, where_)
                    let message = error?["message"] as? String ?? ""
                    XCTAssertFalse(message.isEmpty, where_)
                    if language == "zh-CN" {
                        XCTAssertTrue(message.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "not Chinese: \(where_)")
                    }
                }
            }
        }
        let after = try await snapshot()
        XCTAssertEqual(before, after, "bad input changed data")
    }

    private func bloomAssetID() async throws -> String {
        try await makeAsset(bloom, name: "Till printer", kind: "printer").requireID().uuidString
    }

    private func bloomCheckID(_ admin: String) async throws -> String {
        let (_, body) = try await call(.POST, "/api/v1/checks", token: admin, json: """
            {"organizationId":"\(bloom.uuidString)","name":"Shop router","type":"ping","target":"192.168.1.1"}
            """)
        return object(body)["id"] as? String ?? ""
    }

    private func bloomLicenceID(_ admin: String) async throws -> String {
        let (_, body) = try await call(.POST, "/api/v1/licences", token: admin, json: """
            {"organizationId":"\(bloom.uuidString)","name":"Shop Office","software":"WPS Office","seats":2}
            """)
        return object(body)["id"] as? String ?? ""
    }

    func testBodiesOverTheLimitAre413() async throws {
        let admin = try await token("admin@keel.test")
        let huge = "{\"name\":\"\(String(repeating: "x", count: 1_100_000))\"}"
        let before = try await count(Organization.self)
        // The limit applies while the body streams in, so this goes over a real socket.
        let port = 20_000 + Int.random(in: 0..<20_000)
        try await app.testable(method: .running(hostname: "127.0.0.1", port: port)).test(.POST, "/api/v1/organizations", beforeRequest: { req in
            req.headers.bearerAuthorization = BearerAuthorization(token: admin)
            req.headers.contentType = .json
            req.body = ByteBuffer(string: huge)
        }, afterResponse: { res async in
            XCTAssertEqual(res.status, .payloadTooLarge)
            XCTAssertEqual(self.errorCode(res.body.string), "body_too_large")
        })
        let after = try await count(Organization.self)
        XCTAssertEqual(before, after)
    }

    /// A NUL in a search (which the full-text parsers and PostgreSQL do not take) is a 400 in
    /// the caller's language on every list that searches, never a 500.
    func testSearchTextWithANulIsRefused() async throws {
        let admin = try await token("admin@keel.test")
        let chen = try await token("tech3@keel.test")  // works in Chinese
        for path in ["/api/v1/tickets", "/api/v1/assets", "/api/v1/software"] {
            for q in ["%00abc", "ab%00", "%00"] {
                let (status, body) = try await call(.GET, "\(path)?q=\(q)", token: chen)
                XCTAssertEqual(status, .badRequest, "\(path) q=\(q): \(body)")
                XCTAssertEqual(errorCode(body), "query_invalid")
                XCTAssertTrue(body.contains("搜索内容"), body)
            }
        }
        let (status, _) = try await call(.GET, "/api/v1/tickets?q=%20%20", token: admin)
        XCTAssertEqual(status, .ok, "blank is no search")
    }

    func testUnknownRoutesAndMethodsAreCleanErrors() async throws {
        let admin = try await token("admin@keel.test")
        let (status, body) = try await call(.GET, "/api/v1/no-such-thing", token: admin)
        XCTAssertEqual(status, .notFound)
        XCTAssertEqual(errorCode(body), "not_found")
        let value1 = try await call(.GET, "/api/v1/organizations/not-a-uuid", token: admin).0
        XCTAssertEqual(value1, .notFound)
        let value2 = try await call(.GET, "/api/v1/users?limit=abc", token: admin).0
        XCTAssertEqual(value2, .badRequest)
    }

    private func snapshot() async throws -> [Int] {
        [try await count(Organization.self), try await count(User.self), try await count(Site.self),
         try await count(ApiToken.self), try await count(AuditEvent.self), try await count(TechnicianAssignment.self),
         try await count(Ticket.self), try await count(TicketComment.self), try await count(TicketEvent.self),
         try await count(TimeEntry.self), try await count(TicketLink.self), try await count(BusinessCalendarRecord.self),
         try await count(Asset.self), try await count(AssetLifecycleEvent.self), try await count(TicketAsset.self),
         try await count(Licence.self), try await count(AssetFieldRecord.self), try await count(MonitorCheck.self),
         try await count(MaintenanceWindowRecord.self)]
    }
}
