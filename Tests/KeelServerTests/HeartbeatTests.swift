import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// Push heartbeats over HTTP with the ticker's clock injected (curl against a running Keel is
/// in e2e/test_heartbeats.py).
final class HeartbeatTests: KeelTestCase {
    private func ping(_ url: String, body: String? = nil) async throws -> HTTPStatus {
        let path = String(url[url.range(of: "/ping/")!.lowerBound...])
        var status: HTTPStatus = .internalServerError
        try await app.test(body == nil ? .GET : .POST, path, beforeRequest: { req in
            if let body { req.body = ByteBuffer(string: body) }
        }, afterResponse: { res async in status = res.status })
        return status
    }

    func testASilentBackupOpensAnIncidentAndItsReturnResolvesIt() async throws {
        let admin = try await token("admin@keel.test")
        let (status, body) = try await call(.POST, "/api/v1/checks", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Nightly backup NAS","type":"push","periodSeconds":86400,"graceSeconds":3600}
            """)
        XCTAssertEqual(status, .created, body)
        let check = object(body)
        let url = try XCTUnwrap(check["pingUrl"] as? String)
        XCTAssertEqual((check["curlCommands"] as? [String])?.count, 3)
        let first = try await ping(url)
        XCTAssertEqual(first, .ok)
        let id = UUID(uuidString: check["id"] as! String)!
        var stored = try await MonitorCheck.find(id, on: app.db)
        XCTAssertEqual(stored?.status, "up")
        // A day and two hours of silence: down, one incident ticket.
        _ = try await Heartbeats.tick(app, now: Date().addingTimeInterval(26 * 3600))
        stored = try await MonitorCheck.find(id, on: app.db)
        XCTAssertEqual(stored?.status, "down")
        let ticketID = try XCTUnwrap(stored?.incidentTicketID)
        var ticket = try await Ticket.find(ticketID, on: app.db)
        XCTAssertEqual(ticket?.channel, "monitoring")
        XCTAssertEqual(ticket?.$organization.id, green)
        _ = try await Heartbeats.tick(app, now: Date().addingTimeInterval(27 * 3600))
        let incidents = try await Ticket.query(on: app.db).filter(\.$channel == "monitoring").count()
        XCTAssertEqual(incidents, 1, "one ticket per outage")
        // The job runs again: the ticket is resolved.
        let back = try await ping(url, body: "backup finished: 42 GB")
        XCTAssertEqual(back, .ok)
        ticket = try await Ticket.find(ticketID, on: app.db)
        XCTAssertEqual(ticket?.status, "resolved")
        let runs = try await HeartbeatRun.query(on: app.db).filter(\.$checkID == id).all()
        XCTAssertEqual(runs.count, 2)
        XCTAssertTrue(runs.contains { $0.body == "backup finished: 42 GB" })
        // A failed run (exit status 2) is a problem at once.
        let failed = try await ping(url + "/2", body: "disk full")
        XCTAssertEqual(failed, .ok)
        stored = try await MonitorCheck.find(id, on: app.db)
        XCTAssertEqual(stored?.status, "failed")
        XCTAssertNotEqual(stored?.incidentTicketID, ticketID, "a new incident for a new problem")
        // Unknown keys and suffixes are 404; bad schedules and other types are refused.
        let unknown = try await ping("http://x/ping/not-a-key")
        XCTAssertEqual(unknown, .notFound)
        let bad = try await call(.POST, "/api/v1/checks", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"x","periodSeconds":5}
            """)
        XCTAssertEqual(bad.0, .unprocessableEntity)
        XCTAssertEqual(errorCode(bad.1), "check_schedule_invalid")
        let http = try await call(.POST, "/api/v1/checks", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"web","type":"smtp","target":"example.com"}
            """)
        XCTAssertEqual(errorCode(http.1), "check_type_unsupported")
        // Client users do not see checks; their admins do, with the ping URL.
        let patel = try await token("j.patel@greenlaw.example")
        let (_, none) = try await call(.GET, "/api/v1/checks", token: patel)
        XCTAssertEqual((object(none)["items"] as? [Any])?.count, 0)
        let office = try await token("office@greenlaw.example")
        let (_, mine) = try await call(.GET, "/api/v1/checks", token: office)
        XCTAssertNotNil(((object(mine)["items"] as? [[String: Any]])?.first)?["pingUrl"] as? String)
    }
}
