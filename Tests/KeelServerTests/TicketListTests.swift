import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// List order and keyset paging, the configurable priority matrix, and SLA facts that
/// follow a moved deadline.
final class TicketListTests: KeelTestCase {
    private let combinations = [("organization", "high"), ("user", "low"), ("department", "medium"),
                                ("organization", "medium"), ("user", "high"), ("department", "high"), ("user", "medium")]

    private func raiseAll(_ token: String) async throws -> [String] {
        var ids: [String] = []
        for (index, (impact, urgency)) in combinations.enumerated() {
            let json = #"{"title":"Sort case \#(index)","impact":"\#(impact)","urgency":"\#(urgency)","organizationId":"\#(bloom.uuidString)"}"#
            let (status, body) = try await call(.POST, "/api/v1/tickets", token: token, json: json)
            XCTAssertEqual(status, .created, body)
            ids.append(object(body)["id"] as! String)
        }
        return ids
    }

    /// Walks every page of a list `limit` rows at a time.
    private func walk(_ token: String, sort: String, filter: String = "", limit: Int = 2) async throws -> [[String: Any]] {
        var rows: [[String: Any]] = []
        var cursor: String?
        for _ in 0..<100 {
            var path = "/api/v1/tickets?organizationId=\(bloom.uuidString)&limit=\(limit)&sort=\(sort)" + filter
            if let cursor { path += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor) }
            let (status, body) = try await call(.GET, path, token: token)
            XCTAssertEqual(status, .ok, body)
            let page = object(body)
            rows += page["items"] as? [[String: Any]] ?? []
            cursor = page["nextCursor"] as? String
            if cursor == nil { break }
        }
        return rows
    }

    func testEverySortPagesThroughEachTicketOnceInOrder() async throws {
        let admin = try await token("admin@keel.test")
        let ids = try await raiseAll(admin)
        // The fourth ticket changes last, so "updated" puts it first.
        let patch = try await call(.PATCH, "/api/v1/tickets/\(ids[3])", token: admin, json: #"{"title":"Sort case 3, renamed"}"#).0
        XCTAssertEqual(patch, .ok)
        let rank = ["critical": 0, "high": 1, "medium": 2, "low": 3]
        for sort in ["newest", "oldest", "updated", "due", "priority"] {
            let rows = try await walk(admin, sort: sort)
            XCTAssertEqual(rows.count, ids.count, sort)
            XCTAssertEqual(Set(rows.compactMap { $0["id"] as? String }), Set(ids), "\(sort): every ticket exactly once")
            let numbers = rows.compactMap { $0["number"] as? Int }
            switch sort {
            case "newest": XCTAssertEqual(numbers, numbers.sorted(by: >))
            case "oldest": XCTAssertEqual(numbers, numbers.sorted())
            case "updated": XCTAssertEqual(rows.first?["id"] as? String, ids[3])
            case "due":
                let dues = rows.compactMap { ($0["sla"] as? [String: Any])?["resolutionDueAt"] as? String }
                XCTAssertEqual(dues.count, rows.count)
                let dates = dues.compactMap { ISO8601DateFormatter().date(from: $0) }
                XCTAssertEqual(dates, dates.sorted(), "due soonest first")
            default:
                let ranks = rows.compactMap { rank[$0["priority"] as? String ?? ""] }
                XCTAssertEqual(ranks, ranks.sorted(), "most urgent first")
                XCTAssertEqual(rows.first?["priority"] as? String, "critical")
            }
        }
        let chinese = try await token("tech3@keel.test")
        let (bad, body) = try await call(.GET, "/api/v1/tickets?sort=colour", token: chinese)
        XCTAssertEqual(bad, .badRequest)
        XCTAssertEqual(errorCode(body), "sort_invalid")
        XCTAssertTrue(body.contains("排序"), body)
        let (badCursor, cursorBody) = try await call(.GET, "/api/v1/tickets?sort=priority&cursor=abc", token: admin)
        XCTAssertEqual(badCursor, .badRequest)
        XCTAssertEqual(errorCode(cursorBody), "invalid_cursor")
    }

    /// Several statuses at once ("active" is four; SQLite walks the number index for them)
    /// page newest and oldest first through exactly the organisation's tickets in them.
    func testSeveralStatusesPageThroughExactlyTheirTickets() async throws {
        let admin = try await token("admin@keel.test")
        let ids = try await raiseAll(admin)
        // Seven new tickets: one opened, one waiting for the customer, one resolved.
        for (index, moves) in [(1, ["open"]), (2, ["open", "pending_customer"]), (4, ["open", "resolved"])] {
            for move in moves {
                let (status, body) = try await call(.PATCH, "/api/v1/tickets/\(ids[index])", token: admin, json: #"{"status":"\#(move)"}"#)
                XCTAssertEqual(status, .ok, body)
            }
        }
        for (filter, statuses, count) in [("&status=active", ["new", "open", "pending_customer", "pending_third_party"], 6),
                                          ("&status=new,resolved", ["new", "resolved"], 5)] {
            let expected = try await Ticket.query(on: app.db).filter(\.$organization.$id == bloom).filter(\.$status ~~ statuses)
                .sort(\.$number, .descending).all().map(\.number)
            XCTAssertEqual(expected.count, count, filter)
            for sort in ["newest", "oldest"] {
                let numbers = try await walk(admin, sort: sort, filter: filter, limit: 5).compactMap { $0["number"] as? Int }
                XCTAssertEqual(numbers, sort == "newest" ? expected : expected.reversed(), "\(filter) \(sort)")
            }
        }
    }

    func testProviderAdminsSetThePriorityMatrixAndNewTicketsFollowIt() async throws {
        let owner = try await token("owner@bloom.example")
        let (status, body) = try await call(.GET, "/api/v1/priority-matrix", token: owner)
        XCTAssertEqual(status, .ok)
        XCTAssertEqual(object(body)["source"] as? String, "builtin")
        XCTAssertEqual((object(body)["matrix"] as? [String: [String: String]])?["user"]?["high"], "medium")
        let matrix = userHighMatrix
        let tech = try await token("tech1@keel.test")
        let refused = try await call(.PUT, "/api/v1/priority-matrix", token: tech, json: matrix).0
        XCTAssertEqual(refused, .forbidden)
        let admin = try await token("admin@keel.test")
        let (missing, missingBody) = try await call(.PUT, "/api/v1/priority-matrix", token: admin,
                                                    json: #"{"organization":{"high":"critical"}}"#)
        XCTAssertEqual(missing, .badRequest, missingBody)
        let (wrong, wrongBody) = try await call(.PUT, "/api/v1/priority-matrix", token: admin,
                                                json: matrix.replacingOccurrences(of: "\"high\":\"high\",\"medium\":\"low\"", with: "\"high\":\"urgent\",\"medium\":\"low\""))
        XCTAssertEqual(wrong, .badRequest, wrongBody)
        let unchanged = try await InstallSetting.query(on: app.db).count()
        XCTAssertEqual(unchanged, 0, "bad input changes nothing")
        let (saved, savedBody) = try await call(.PUT, "/api/v1/priority-matrix", token: admin, json: matrix)
        XCTAssertEqual(saved, .ok, savedBody)
        XCTAssertEqual(object(savedBody)["source"] as? String, "install")
        let (_, created) = try await call(.POST, "/api/v1/tickets", token: owner, json: #"{"title":"Scanner down","impact":"user","urgency":"high"}"#)
        XCTAssertEqual(object(created)["priority"] as? String, "high", "the new matrix classifies new tickets")
        let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "priority_matrix.update").count()
        XCTAssertEqual(audited, 1)
    }

    func testAMovedDeadlineWarnsAgainAndTheFactFollowsIt() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let (_, body) = try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"Core switch flapping","impact":"organization","urgency":"high"}"#)
        let id = object(body)["id"] as! String
        let ticketID = UUID(uuidString: id)!
        let tech = try await token("tech1@keel.test")
        let take = try await call(.POST, "/api/v1/tickets/\(id)/take", token: tech).0
        XCTAssertEqual(take, .ok)
        let firstCheck = try await Ticket.find(ticketID, on: app.db)?.slaCheckAt
        let first = try XCTUnwrap(firstCheck)
        _ = try await SLATicker.tick(app, now: first.addingTimeInterval(1))
        let warning = SLAFact.query(on: app.db).filter(\.$ticket.$id == ticketID).filter(\.$kind == "warning").filter(\.$clock == "firstResponse")
        let warned = try await warning.all()
        XCTAssertEqual(warned.count, 1, "the first-response clock warned")
        // Lowered to low priority: a later deadline, and a new warning when that one nears.
        let patch = try await call(.PATCH, "/api/v1/tickets/\(id)", token: tech, json: #"{"priority":"low","reason":"Only the spare port"}"#).0
        XCTAssertEqual(patch, .ok)
        let nextCheck = try await Ticket.find(ticketID, on: app.db)?.slaCheckAt
        let next = try XCTUnwrap(nextCheck)
        XCTAssertGreaterThan(next, first)
        _ = try await SLATicker.tick(app, now: next.addingTimeInterval(1))
        let facts = try await SLAFact.query(on: app.db).filter(\.$ticket.$id == ticketID).filter(\.$kind == "warning")
            .filter(\.$clock == "firstResponse").all()
        XCTAssertEqual(facts.count, 1, "still one fact per clock and kind")
        XCTAssertGreaterThan(facts.first?.dueAt ?? .distantPast, warned[0].dueAt.addingTimeInterval(60), "the fact moved to the new deadline")
        let bells = try await InAppNotification.query(on: app.db).filter(\.$user.$id == user("tech1@keel.test"))
            .filter(\.$kind == "sla_warning").count()
        XCTAssertGreaterThanOrEqual(bells, 2, "the assignee heard of the first and of the moved deadline")
    }

    func testAnAttachmentWhoseFileIsGoneIs410NotA500() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let (_, created) = try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"Screenshot of the error"}"#)
        let id = object(created)["id"] as! String
        let (status, body) = try await upload("/api/v1/tickets/\(id)/attachments", token: patel, fileName: "错误截图.png",
                                              data: Data("not really a png".utf8))
        XCTAssertEqual(status, .created, body)
        let attachment = object(body)
        let path = AttachmentStore(root: app.keel.attachmentsDirectory).path(for: attachment["sha256"] as! String)
        try FileManager.default.removeItem(atPath: path)
        let (gone, goneBody) = try await call(.GET, "/api/v1/attachments/\(attachment["id"] as! String)", token: patel)
        XCTAssertEqual(gone, .gone)
        XCTAssertEqual(errorCode(goneBody), "attachment_file_missing")
    }
}
