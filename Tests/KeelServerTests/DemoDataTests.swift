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
}
