import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// Alertmanager's webhook at the HTTP level (the real Alertmanager is in e2e/test_alertmanager.py).
final class AlertIntakeTests: KeelTestCase {
    private func webhook(_ status: String, endsAt: String = "0001-01-01T00:00:00Z") -> String {
        """
        {"version":"4","groupKey":"{}:{alertname=\\"DiskFull\\"}","truncatedAlerts":0,"status":"\(status)","receiver":"keel",
         "groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull","severity":"critical"},
         "commonAnnotations":{},"externalURL":"http://am.example:9093",
         "alerts":[{"status":"\(status)","labels":{"alertname":"DiskFull","instance":"srv1","severity":"critical"},
                    "annotations":{"summary":"Disk almost full on srv1"},"startsAt":"2026-11-23T10:00:00.123Z",
                    "endsAt":"\(endsAt)","generatorURL":"http://prom.example/graph","fingerprint":"a1b2c3d4e5f60718"}]}
        """
    }

    func testFiringOpensOneTicketRepeatsAreIdempotentAndResolvedResolves() async throws {
        let admin = try await token("admin@keel.test")
        let (_, created) = try await call(.POST, "/api/v1/tokens", token: admin,
                                          json: #"{"name":"alertmanager","organizationId":"\#(green.uuidString)"}"#)
        let integration = object(created)["token"] as! String
        let (status, body) = try await call(.POST, "/api/v1/integrations/alertmanager", token: integration, json: webhook("firing"))
        XCTAssertEqual(status, .ok, body)
        XCTAssertEqual(object(body)["opened"] as? Int, 1)
        let again = try await call(.POST, "/api/v1/integrations/alertmanager", token: integration, json: webhook("firing")).1
        XCTAssertEqual(object(again)["unchanged"] as? Int, 1, "a re-sent notification changes nothing")
        let tickets = try await Ticket.query(on: app.db).filter(\.$channel == "monitoring").filter(\.$organization.$id == green).all()
        XCTAssertEqual(tickets.count, 1)
        XCTAssertEqual(tickets.first?.priority, "critical")
        XCTAssertEqual(tickets.first?.title, "Disk almost full on srv1")
        let resolved = try await call(.POST, "/api/v1/integrations/alertmanager", token: integration,
                                      json: webhook("resolved", endsAt: "2026-11-23T10:30:00Z")).1
        XCTAssertEqual(object(resolved)["resolved"] as? Int, 1)
        let ticket = try await Ticket.find(tickets[0].id, on: app.db)
        XCTAssertEqual(ticket?.status, "resolved")
        let deliveries = try await AlertDelivery.query(on: app.db).count()
        XCTAssertEqual(deliveries, 3, "every delivery is kept")
        // Personal tokens are refused, in the caller's language; bad versions too.
        let (refused, message) = try await call(.POST, "/api/v1/integrations/alertmanager", token: admin, json: webhook("firing"))
        XCTAssertEqual(refused, .forbidden)
        XCTAssertEqual(errorCode(message), "integration_token_required")
        let old = try await call(.POST, "/api/v1/integrations/alertmanager", token: integration,
                                 json: webhook("firing").replacingOccurrences(of: #""version":"4""#, with: #""version":"3""#)).0
        XCTAssertEqual(old, .unprocessableEntity)
    }
}
