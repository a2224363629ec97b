import Fluent
import Foundation
import XCTest
@testable import KeelServer

final class DemoDataTests: KeelTestCase {
    override var loadsDemoTickets: Bool { true }

    func testTheDemoHasAYearOfTicketsThatRespectTenancy() async throws {
        let tickets = try await Ticket.query(on: app.db).all()
        XCTAssertEqual(tickets.count, 620)
        XCTAssertEqual(Set(tickets.map(\.number)).count, tickets.count, "numbers are unique")
        let oldest = tickets.compactMap(\.createdAt).min()!
        XCTAssertGreaterThan(Date().timeIntervalSince(oldest), 300 * 86_400, "spread over about a year")
        let people = try await User.query(on: app.db).all()
        let organizationOf = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.$organization.id) })
        for ticket in tickets {
            XCTAssertEqual(organizationOf[ticket.$requester.id] ?? nil, ticket.$organization.id, "requester of #\(ticket.number) is in its organisation")
            if ticket.$organization.id == huaxin, let assignee = ticket.$assignee.id {
                XCTAssertEqual(assignee, user("tech3@keel.test"))
            }
            XCTAssertNotNil(ticket.resolutionDueAt)
        }
        let breaches = try await SLAFact.query(on: app.db).filter(\.$kind == "breach").count()
        XCTAssertGreaterThan(breaches, 0, "some breaches, as in real life")
        let open = tickets.filter { !["resolved", "closed"].contains($0.status) }
        XCTAssertFalse(open.isEmpty)
        // The lists and search work on it, for a client and for staff.
        let wang = try await token("wang.fang@huaxin-design.example")
        let (status, body) = try await call(.GET, "/api/v1/tickets?q=%E5%85%B1%E4%BA%AB%E7%9B%98&limit=5", token: wang)
        XCTAssertEqual(status, .ok)
        XCTAssertEqual((object(body)["items"] as? [Any])?.isEmpty, false)
        // Demo ids are derived from names, so screenshots and tests can name a ticket.
        let first = try await Ticket.find(DemoData.id("ticket:green:0"), on: app.db)
        XCTAssertEqual(first?.$organization.id, green)
    }

    func testTheDemoLedgerHasPurchaseAdviceAndATenantScopedView() async throws {
        let admin = try await token("admin@keel.test")
        var (status, body) = try await call(.GET, "/api/v1/purchase-advice", token: admin)
        XCTAssertEqual(status, .ok, body)
        let names = (object(body)["items"] as? [[String: Any]] ?? []).compactMap { ($0["asset"] as? [String: Any])?["name"] as? String }
        XCTAssertTrue(names.contains("GL-LT-01") && names.contains("HX-NB-设计-01"), "\(names)")
        XCTAssertFalse(names.contains("HX-NB-旧-02"), "retired devices are not advised")
        let office = try await token("office@greenlaw.example")
        (status, body) = try await call(.GET, "/api/v1/purchase-advice", token: office)
        let own = (object(body)["items"] as? [[String: Any]] ?? []).compactMap { ($0["asset"] as? [String: Any])?["organizationId"] as? String }
        XCTAssertFalse(own.isEmpty)
        XCTAssertTrue(own.allSatisfy { $0.lowercased() == green.uuidString.lowercased() })
        let moves = try await AssetLifecycleEvent.query(on: app.db).count()
        XCTAssertGreaterThan(moves, 14)
    }
}
