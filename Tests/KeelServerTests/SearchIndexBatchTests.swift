import Foundation
import NIOConcurrencyHelpers
import SQLKit
import XCTVapor
import XCTest
@testable import KeelServer

/// SQLite's search documents are written in batches (`TicketSearchIndex`), not inside each
/// write: a write only notes what changed, the background loop or the next search indexes it.
final class SearchIndexBatchTests: KeelTestCase {
    private func sql() throws -> any SQLDatabase {
        guard app.hotSQLite != nil else { throw XCTSkip("SQLite only: PostgreSQL indexes its tables itself") }
        return app.db.sql
    }

    private func int(_ query: SQLQueryString) async throws -> Int {
        try await sql().raw(query).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    private func matches(_ text: String, column: String = "ticket_search") async throws -> Int {
        let phrase = (column == "ticket_search" ? "" : column + " : ") + "\"\(text)\""
        return try await int("SELECT count(*) AS n FROM ticket_search WHERE ticket_search MATCH \(bind: phrase)")
    }

    private func found(_ q: String, _ token: String) async throws -> [String] {
        let (status, body) = try await call(.GET, "/api/v1/tickets?q=\(q)&limit=100", token: token)
        XCTAssertEqual(status, .ok, body)
        return (object(body)["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
    }

    /// A ticket the provider admin raises for Bloom; its id.
    private func raise(_ title: String, token admin: String) async throws -> String {
        let (status, body) = try await call(.POST, "/api/v1/tickets", token: admin, json: """
            {"organizationId":"\(bloom.uuidString)","title":"\(title)"}
            """)
        XCTAssertEqual(status, .created, body)
        return object(body)["id"] as? String ?? ""
    }

    /// Copies of ticket `template` (numbers after the highest, titles "`title` i"), in one write.
    private func copies(of template: String, count: Int, title: String) async throws {
        let columns = try await sql().raw("PRAGMA table_info(tickets)").all().map { try $0.decode(column: "name", as: String.self) }
        try await app.hotWrite { sql in
            for index in 0..<count {
                var query: SQLQueryString = "INSERT INTO tickets (\(unsafeRaw: columns.map { "\"\($0)\"" }.joined(separator: ", "))) SELECT "
                for (offset, column) in columns.enumerated() {
                    if offset > 0 { query = query + ", " }
                    switch column {
                    case "id": query = query + "\(bind: UUID().uuidString)"
                    case "number": query = query + "(SELECT max(number) FROM tickets) + 1"
                    case "title": query = query + "\(bind: "\(title) \(index)")"
                    default: query = query + "\(ident: column)"
                    }
                }
                try await sql.raw(query + " FROM tickets WHERE id = \(bind: template)").run()
            }
        }
    }

    func testANewTicketWaitsForTheBatchAndASearchIndexesItFirst() async throws {
        _ = try sql()
        let admin = try await token("admin@keel.test")
        try await TicketSearchIndex.catchUp(app)
        let (status, body) = try await call(.POST, "/api/v1/tickets", token: admin, json: """
            {"organizationId":"\(bloom.uuidString)","title":"Quokka projector flickers","body":"在会议室"}
            """)
        XCTAssertEqual(status, .created, body)
        // Written without touching the index: no document, the ticket waits.
        let waiting = try await TicketSearchIndex.pending(app)
        XCTAssertTrue(waiting)
        let before = try await matches("quokka")
        XCTAssertEqual(before, 0)
        // A search right after finds it: it indexes what waits first.
        let titles = try await found("quokka", admin)
        XCTAssertEqual(titles, ["Quokka projector flickers"])
        let after = try await (TicketSearchIndex.pending(app), matches("quokka"), int("SELECT count(*) AS n FROM ticket_search"),
                               int("SELECT count(*) AS n FROM tickets"))
        XCTAssertFalse(after.0)
        XCTAssertEqual(after.1, 1)
        XCTAssertEqual(after.2, after.3, "every ticket has its document")
    }

    func testChangesToAnIndexedTicketAreWrittenAgainOnceInTheNextBatch() async throws {
        _ = try sql()
        let admin = try await token("admin@keel.test")
        let id = try await raise("Label printer offline", token: admin)
        try await TicketSearchIndex.catchUp(app)
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: admin, json: #"{"body":"wombat cable swapped"}"#)
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: admin, json: #"{"body":"numbat firmware","internal":true}"#)
        _ = try await call(.PATCH, "/api/v1/tickets/\(id)", token: admin, json: #"{"title":"Label printer offline (Zebra)"}"#)
        // Three changes, one ticket to write again; the document is the old one until then.
        let stale = try await (int("SELECT count(*) AS n FROM ticket_search_stale"), matches("wombat"))
        XCTAssertEqual(stale.0, 1)
        XCTAssertEqual(stale.1, 0)
        try await TicketSearchIndex.catchUp(app)
        let indexed = try await (int("SELECT count(*) AS n FROM ticket_search_stale"), matches("wombat"), matches("zebra"),
                                 matches("numbat", column: "internal_text"), matches("numbat", column: "open_text"), matches("offline"))
        XCTAssertEqual(indexed.0, 0)
        XCTAssertEqual(indexed.1, 1, "the public reply")
        XCTAssertEqual(indexed.2, 1, "the new title")
        XCTAssertEqual(indexed.3, 1, "the internal note, in its own column")
        XCTAssertEqual(indexed.4, 0, "never in what clients may read")
        XCTAssertEqual(indexed.5, 1, "one document, not two")
    }

    func testMoreThanABatchIsIndexedOverSeveralTransactions() async throws {
        _ = try sql()
        let admin = try await token("admin@keel.test")
        let template = try await raise("Template", token: admin)
        try await TicketSearchIndex.catchUp(app)
        try await copies(of: template, count: TicketSearchIndex.batch + 10, title: "Capybara badge reader")
        let mark = try await int("SELECT indexed_through AS n FROM ticket_search_state")
        let more = NIOLockedValueBox<[Bool]>([])
        for _ in 0..<2 {
            try await app.hotWrite { sql in
                let left = try await TicketSearchIndex.indexBatch(sql)
                more.withLockedValue { $0.append(left) }
            }
            if more.withLockedValue({ $0.count }) == 1 {
                let first = try await int("SELECT indexed_through AS n FROM ticket_search_state")
                XCTAssertEqual(first, mark + TicketSearchIndex.batch, "a batch at most")
            }
        }
        XCTAssertEqual(more.withLockedValue { $0 }, [true, false])
        let indexed = try await matches("capybara")
        XCTAssertEqual(indexed, TicketSearchIndex.batch + 10)
    }

    /// SQLite gives the rowid of a deleted newest row again; the index must not keep the old
    /// ticket's words under it, nor miss the new one because its rowid is below the mark.
    func testARowidGivenAgainAfterADeleteIsIndexedAsTheNewTicket() async throws {
        _ = try sql()
        let admin = try await token("admin@keel.test")
        let template = try await raise("Template", token: admin)
        try await copies(of: template, count: 1, title: "Axolotl scanner")
        try await TicketSearchIndex.catchUp(app)
        let rowid = try await int("SELECT max(rowid) AS n FROM tickets")
        try await app.hotWrite { sql in try await sql.raw("DELETE FROM tickets WHERE rowid = \(bind: rowid)").run() }
        let gone = try await matches("axolotl")
        XCTAssertEqual(gone, 0, "a deleted ticket leaves the index at once")
        try await copies(of: template, count: 1, title: "Pangolin router")
        let again = try await int("SELECT max(rowid) AS n FROM tickets")
        XCTAssertEqual(again, rowid)
        let titles = try await (found("pangolin", admin), found("axolotl", admin))
        XCTAssertEqual(titles.0, ["Pangolin router 0"])
        XCTAssertEqual(titles.1, [])
    }

    /// FTS5's merging in whichever commit crosses its threshold is off; the loop merges in
    /// steps, and only where a level has piled up (four segments: one per indexing batch).
    func testTheIndexMergesItsSegmentsInStepsOnlyWhenTheyPileUp() async throws {
        _ = try sql()
        let automerge = try await int("SELECT v AS n FROM ticket_search_config WHERE k = 'automerge'")
        XCTAssertEqual(automerge, 0)
        let admin = try await token("admin@keel.test")
        try await TicketSearchIndex.round(app)
        func step() async throws -> Bool {
            let worked = NIOLockedValueBox(false)
            try await app.hotWrite { sql in
                let merged = try await TicketSearchIndex.merge(sql)
                worked.withLockedValue { $0 = merged }
            }
            return worked.withLockedValue { $0 }
        }
        let idle = try await step()
        XCTAssertFalse(idle, "nothing piled up after a round")
        for index in 0..<4 {
            _ = try await raise("Okapi dock \(index)", token: admin)
            try await TicketSearchIndex.catchUp(app)
        }
        let piled = try await step()
        XCTAssertTrue(piled, "four new segments make a level to merge")
        try await TicketSearchIndex.round(app)
        let done = try await step()
        XCTAssertFalse(done, "a round merges until no level qualifies")
        let titles = try await found("okapi", admin)
        XCTAssertEqual(titles.count, 4)
    }
}
