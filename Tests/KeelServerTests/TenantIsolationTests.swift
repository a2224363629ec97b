import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// Walks every documented /api/v1 route as a client user of organisation A (Green & Co)
/// with the ids of organisation B (Huaxin). Routes with an object answer 404; routes
/// without one answer 403 or only A's data. B's ids never appear in any answer.
final class TenantIsolationTests: KeelTestCase {
    func testClientOfOneOrganisationNeverReachesAnother() async throws {
        try await walk(as: "j.patel@greenlaw.example")
    }

    func testClientAdminOfOneOrganisationNeverReachesAnother() async throws {
        try await walk(as: "office@greenlaw.example")
    }

    func testIntegrationTokenOfOneOrganisationNeverReachesAnother() async throws {
        let admin = try await token("admin@keel.test")
        let (_, body) = try await call(.POST, "/api/v1/tokens", token: admin, json: "{\"name\":\"green rmm\",\"organizationId\":\"\(green.uuidString)\"}")
        try await walk(token: object(body)["token"] as! String)
    }

    func testRestrictedTechnicianNeverReachesUnassignedOrganisation() async throws {
        // tech3 is limited to Huaxin: here Huaxin plays A and Green plays B.
        try await walk(token: try await token("tech3@keel.test"), foreign: green, foreignUser: user("office@greenlaw.example"),
                       foreignSite: DemoData.id("site:green:London office"))
    }

    private func walk(as email: String) async throws {
        try await walk(token: try await token(email))
    }

    private func walk(token: String, foreign: UUID? = nil, foreignUser: UUID? = nil, foreignSite: UUID? = nil) async throws {
        let foreignOrganization = foreign ?? huaxin
        let foreignPerson = foreignUser ?? user("admin@huaxin-design.example")
        let site = foreignSite ?? DemoData.id("site:huaxin:上海总部")
        // A token that belongs to someone in B.
        let foreignToken = try await self.token(foreignOrganization == huaxin ? "wang.fang@huaxin-design.example" : "j.patel@greenlaw.example")
        _ = foreignToken
        let foreignTokenID = try await ApiToken.query(on: app.db).filter(\.$kind == "session").sort(\.$createdAt, .descending).first()!.requireID()
        let foreignTicket = try await foreignTicketID(in: foreignOrganization)
        let foreignIDs = [foreignOrganization.uuidString, foreignPerson.uuidString, site.uuidString, foreignTokenID.uuidString,
                          foreignTicket.uuidString]
        let values = ["organizationID": foreignOrganization.uuidString, "userID": foreignPerson.uuidString,
                      "siteID": site.uuidString, "tokenID": foreignTokenID.uuidString, "ticketID": foreignTicket.uuidString,
                      "notificationID": try await InAppNotification.query(on: app.db).filter(\.$ticket.$id == foreignTicket).first()!.requireID().uuidString,
                      "attachmentID": try await TicketAttachment.query(on: app.db).filter(\.$ticket.$id == foreignTicket).first()!.requireID().uuidString,
                      "viewID": try await foreignViewID(),
                      "assetID": try await foreignAssetID(in: foreignOrganization),
                      "messageID": try await quarantinedMessageID(),
                      "checkID": try await foreignCheckID(in: foreignOrganization),
                      "licenceID": try await foreignLicenceID(in: foreignOrganization),
                      "fieldID": UUID().uuidString,
                      "windowID": try await foreignWindowID(in: foreignOrganization),
                      "calendarID": DemoData.id(foreignOrganization == huaxin ? "calendar:huaxin" : "calendar:green").uuidString]
        let body = """
            {"name":"Probe","organizationId":"\(foreignOrganization.uuidString)","email":"probe@probe.example","role":"client_user",
             "password":"a-long-probe-passphrase","defaultLanguage":"en","timezone":"UTC","active":false,
             "currentPassword":"x","newPassword":"y","title":"Probe","body":"probe","targetId":"\(foreignTicket.uuidString)",
             "otherId":"\(foreignTicket.uuidString)","minutes":5,"status":"resolved","query":"sla=ok","assigneeId":"\(foreignPerson.uuidString)"}
            """
        let operations = app.apiDocument.operations.filter { $0.authenticated }
        XCTAssertGreaterThanOrEqual(operations.count, 17, "every authenticated route is walked")
        let auditBefore = try await AuditEvent.query(on: app.db).filter(\.$organizationID == foreignOrganization).count()
        for operation in operations where !(operation.path.hasSuffix("/session") || operation.path.hasSuffix("/me/password")) {
            var path = operation.path
            for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
            XCTAssertFalse(path.contains("{"), "no foreign id for \(operation.path): add one to this test")
            let hasObject = operation.path.contains("{")
            let json = [.POST, .PATCH, .PUT].contains(operation.method) ? body : nil
            let (status, answer) = try await call(operation.method, path, token: token, json: json)
            let label = "\(operation.method.rawValue) \(operation.path) → \(status.code) \(answer.prefix(200))"
            if hasObject {
                XCTAssertEqual(status, .notFound, label)
            } else {
                XCTAssertTrue([200, 201, 204, 400, 403, 404, 422].contains(status.code), label)
            }
            for id in foreignIDs { XCTAssertFalse(answer.contains(id), "leaked \(id): \(label)") }
        }
        let auditAfter = try await AuditEvent.query(on: app.db).filter(\.$organizationID == foreignOrganization).count()
        XCTAssertEqual(auditBefore, auditAfter, "nothing in B changed")
        let name = try await Organization.find(foreignOrganization, on: app.db)?.name
        XCTAssertNotEqual(name, "Probe")
    }

    /// A ticket in the foreign organisation, raised by the provider admin for one of its people.
    private func foreignTicketID(in organization: UUID) async throws -> UUID {
        let admin = try await token("admin@keel.test")
        let requester = organization == huaxin ? user("wang.fang@huaxin-design.example") : user("j.patel@greenlaw.example")
        let (status, body) = try await call(.POST, "/api/v1/tickets", token: admin, json: """
            {"title":"打印机卡纸 printer jam","body":"foreign","organizationId":"\(organization.uuidString)","requesterId":"\(requester.uuidString)"}
            """)
        XCTAssertEqual(status, .created, body)
        let id = UUID(uuidString: object(body)["id"] as? String ?? "")!
        _ = try await call(.POST, "/api/v1/tickets/\(id.uuidString)/comments", token: admin, json: #"{"body":"secret internal","internal":true}"#)
        _ = try await call(.POST, "/api/v1/tickets/\(id.uuidString)/comments", token: admin, json: #"{"body":"public answer"}"#)
        let (uploaded, _) = try await upload("/api/v1/tickets/\(id.uuidString)/attachments", token: admin, fileName: "secret.txt",
                                             contentType: "text/plain", data: Data("secret".utf8))
        XCTAssertEqual(uploaded, .created)
        return id
    }

    /// A computer of the foreign organisation, owned by one of its people.
    private func foreignAssetID(in organization: UUID) async throws -> String {
        let asset = try await makeAsset(organization, name: "FOREIGN-LAPTOP", subkind: "laptop",
                                        owner: organization == huaxin ? user("wang.fang@huaxin-design.example") : user("j.patel@greenlaw.example"),
                                        serial: "FOREIGN-SERIAL")
        return try asset.requireID().uuidString
    }

    /// A message from an unknown sender, waiting for staff who see every organisation.
    private func quarantinedMessageID() async throws -> String {
        let id = try await MailIntake.accept(Array("From: x@unknown.example\r\nSubject: held\r\n\r\nheld".utf8), source: "test",
                                             envelopeFrom: nil, recipients: [], on: app)
        try await MailProcessor(app: app).process(id)
        return id.uuidString
    }

    /// A heartbeat check of the foreign organisation, made by the provider admin.
    private func foreignCheckID(in organization: UUID) async throws -> String {
        let admin = try await token("admin@keel.test")
        let (_, body) = try await call(.POST, "/api/v1/checks", token: admin,
                                       json: #"{"organizationId":"\#(organization.uuidString)","name":"Foreign backup"}"#)
        return object(body)["id"] as? String ?? ""
    }

    /// A licence of the foreign organisation, with a key.
    private func foreignLicenceID(in organization: UUID) async throws -> String {
        let admin = try await token("admin@keel.test")
        let (status, body) = try await call(.POST, "/api/v1/licences", token: admin, json: """
            {"organizationId":"\(organization.uuidString)","name":"Foreign Office","software":"Microsoft Office","seats":3,"key":"FOREIGN-KEY"}
            """)
        XCTAssertEqual(status, .created, body)
        return object(body)["id"] as? String ?? ""
    }

    /// A maintenance window of the foreign organisation.
    private func foreignWindowID(in organization: UUID) async throws -> String {
        let admin = try await token("admin@keel.test")
        let (status, body) = try await call(.POST, "/api/v1/maintenance-windows", token: admin, json: """
            {"organizationId":"\(organization.uuidString)","name":"Foreign patching","weekdays":["sun"],"at":"02:00","durationMinutes":60}
            """)
        XCTAssertEqual(status, .created, body)
        return object(body)["id"] as? String ?? ""
    }

    /// A saved view of someone else.
    private func foreignViewID() async throws -> String {
        let other = try await token("admin@keel.test")
        let (_, body) = try await call(.POST, "/api/v1/views", token: other, json: #"{"name":"Admin's view","query":"sla=breached"}"#)
        return object(body)["id"] as? String ?? ""
    }
}
