import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import XCTVapor
import XCTest
@testable import KeelServer

/// SQLite's hot connections (token look-ups, ticket creation): writes that share a transaction
/// fail alone, what they commit is what Fluent's connections read, values decode as through
/// Fluent, and tickets raised together keep one number sequence and one audit chain (the
/// last test runs on both databases; on PostgreSQL creation goes through Fluent).
final class HotSQLiteTests: KeelTestCase {
    private func hot() throws -> HotSQLite {
        guard let hot = app.hotSQLite else { throw XCTSkip("SQLite only: PostgreSQL has no hot connections") }
        return hot
    }

    func testAWriteThatFailsIsUndoneAloneAndTheOthersInItsTransactionCommit() async throws {
        let hot = try hot()
        try await hot.write { sql in try await sql.raw("CREATE TABLE hot_probe (name TEXT PRIMARY KEY)").run() }
        let outcomes = try await withThrowingTaskGroup(of: (String, (any Error)?).self) { group in
            for name in ["a", "b", "c", "d"] {
                group.addTask {
                    do {
                        try await hot.write { sql in
                            try await sql.raw("INSERT INTO hot_probe (name) VALUES (\(bind: name))").run()
                            // "b" writes its row, then breaks the key: its whole work must go.
                            if name == "b" { try await sql.raw("INSERT INTO hot_probe (name) VALUES ('a2'), ('a2')").run() }
                        }
                        return (name, nil)
                    } catch {
                        return (name, error)
                    }
                }
            }
            var all: [String: (any Error)?] = [:]
            for try await (name, error) in group { all[name] = error }
            return all
        }
        XCTAssertNil(outcomes["a"] ?? nil)
        XCTAssertNil(outcomes["c"] ?? nil)
        let failure = try XCTUnwrap((outcomes["b"] ?? nil) as? HotSQLiteError)
        XCTAssertTrue(failure.isConstraintFailure, "\(failure)")
        // Read back through Fluent's own connection: committed, and nothing of "b".
        let names = try await app.db.sql.raw("SELECT name FROM hot_probe ORDER BY name").all().map { try $0.decode(column: "name", as: String.self) }
        XCTAssertEqual(names, ["a", "c", "d"])
    }

    func testAWriteAloneThatFailsLeavesNothingAndTheWriterUsable() async throws {
        let hot = try hot()
        try await hot.write { sql in try await sql.raw("CREATE TABLE hot_single (name TEXT PRIMARY KEY)").run() }
        do {
            try await hot.write { sql in
                try await sql.raw("INSERT INTO hot_single (name) VALUES ('first')").run()
                try await sql.raw("INSERT INTO hot_single (name) VALUES ('first')").run()
            }
            XCTFail("a duplicate key must fail the write")
        } catch let error as HotSQLiteError {
            XCTAssertTrue(error.isConstraintFailure, "\(error)")
        }
        try await hot.write { sql in try await sql.raw("INSERT INTO hot_single (name) VALUES ('second')").run() }
        let names = try await app.db.sql.raw("SELECT name FROM hot_single").all().map { try $0.decode(column: "name", as: String.self) }
        XCTAssertEqual(names, ["second"], "the failed write's first row went with it")
    }

    func testReadsDecodeAsFluentDoesAndBadStatementsLeaveTheConnectionUsable() async throws {
        let hot = try hot()
        let fetched = try await User.query(on: app.db).filter(\.$email == "wang.fang@huaxin-design.example").first()
        let person = try XCTUnwrap(fetched)
        let row = try await hot.read { sql in
            try await sql.raw("SELECT id, email, name, active, organization_id, created_at, NULL AS absent, 2.5 AS half FROM users WHERE email = \(bind: person.email)").first()
        }
        let found = try XCTUnwrap(row)
        XCTAssertEqual(try found.decode(column: "id", as: UUID.self), person.id)
        XCTAssertEqual(try found.decode(column: "name", as: String.self), person.name)
        XCTAssertEqual(try found.decode(column: "active", as: Bool.self), true)
        XCTAssertEqual(try found.decode(column: "organization_id", as: UUID?.self), person.$organization.id)
        let created = try XCTUnwrap(person.createdAt)
        XCTAssertEqual(try found.decode(column: "created_at", as: Date.self).timeIntervalSince1970, created.timeIntervalSince1970, accuracy: 0.001)
        XCTAssertTrue(try found.decodeNil(column: "absent"))
        XCTAssertEqual(try found.decode(column: "half", as: Double.self), 2.5)
        XCTAssertThrowsError(try found.decode(column: "missing", as: String.self))

        do {
            _ = try await hot.read { sql in try await sql.raw("SELEC 1").all() }
            XCTFail("a statement SQLite cannot parse must throw")
        } catch let error as HotSQLiteError {
            XCTAssertTrue(error.isSyntaxError, "\(error)")
        }
        let count = try await hot.read { sql in try await sql.raw("SELECT count(*) AS n FROM users").first()?.decode(column: "n", as: Int.self) }
        let people = try await User.query(on: app.db).count()
        XCTAssertEqual(count, people)
    }

    /// A filter on a small integer (`active = ?`) lets SQLite plan by the bound value; a
    /// statement whose bindings were cleared was then compiled again on every run.
    func testAStatementKeptPreparedIsNotCompiledAgainOnEachRun() throws {
        _ = try hot()
        let handle = try SQLiteHandle(path: app.keel.sqlitePath, pragmas: [])
        defer { handle.close() }
        // The shape of every API request's token look-up.
        let query = """
            SELECT t.id, u.email FROM api_tokens t JOIN users u ON u.id = t.user_id
            LEFT JOIN organizations o ON o.id = COALESCE(u.organization_id, t.organization_id)
            WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.active = ?2
            """
        for _ in 0..<5 {
            try handle.run(query, [.text("no such token"), .integer(1)]) { _, _ in }
        }
        XCTAssertLessThanOrEqual(handle.recompilations(of: query), 1, "at its first values at most, not on every run")
    }

    /// The serving checkpoint finishes inside the write gate, so the next write starts the
    /// write-ahead log from its beginning instead of adding to it without end.
    func testARestartingCheckpointLetsTheNextWriteStartTheLogAgain() async throws {
        let hot = try hot()
        try await hot.write { sql in try await sql.raw("CREATE TABLE log_probe (n INTEGER)").run() }
        for n in 0..<40 {
            try await hot.write { sql in try await sql.raw("INSERT INTO log_probe (n) VALUES (\(bind: n))").run() }
        }
        let frames = { () async throws -> Int in
            try await self.app.db.sql.raw("PRAGMA wal_checkpoint(PASSIVE)").first()?.decode(column: "log", as: Int.self) ?? -1
        }
        // A reader on a snapshot inside the log keeps a writer from starting it over, though
        // a checkpoint copied every frame (under steady traffic there is always such a reader).
        let reader = try SQLiteHandle(path: app.keel.sqlitePath, pragmas: [])
        defer { reader.close() }
        try reader.run("BEGIN", []) { _, _ in }
        try reader.run("SELECT count(*) FROM log_probe", []) { _, _ in }
        let grown = try await frames()
        XCTAssertGreaterThanOrEqual(grown, 40, "one commit a write at least")
        try await hot.write { sql in try await sql.raw("INSERT INTO log_probe (n) VALUES (100)").run() }
        let held = try await frames()
        XCTAssertGreaterThan(held, grown, "appended while the reader holds its snapshot")
        try reader.run("COMMIT", []) { _, _ in }
        try await app.restartLog()
        try await hot.write { sql in try await sql.raw("INSERT INTO log_probe (n) VALUES (101)").run() }
        let restarted = try await frames()
        XCTAssertGreaterThan(restarted, 0)
        XCTAssertLessThan(restarted, 10, "the last write alone, at the start of the log")
    }

    /// Ten times a second while serving: with nothing written since the last restart, the
    /// round must not wait for the write gate.
    func testAnIdleLogIsNotRestartedAgainUnderTheGate() async throws {
        let hot = try hot()
        try await hot.write { sql in try await sql.raw("CREATE TABLE idle_probe (n INTEGER)").run() }
        try await app.restartLog()
        // The round runs while the test holds the gate; after a moment, has it finished?
        func finishesWhileTheGateIsHeld() async -> Bool {
            let gate = app.writeGate, app = self.app!
            let done = NIOLockedValueBox(false)
            await gate.acquire()
            let round = Task {
                try? await app.restartLog()
                done.withLockedValue { $0 = true }
            }
            try? await Task.sleep(nanoseconds: 500_000_000)
            let finished = done.withLockedValue { $0 }
            await gate.release()
            await round.value
            return finished
        }
        let idle = await finishesWhileTheGateIsHeld()
        XCTAssertTrue(idle, "an idle round waited for the gate")
        // A write makes the next round restart the log again, through the gate.
        try await hot.write { sql in try await sql.raw("INSERT INTO idle_probe (n) VALUES (1)").run() }
        let afterWrite = await finishesWhileTheGateIsHeld()
        XCTAssertFalse(afterWrite, "after a write the round needs the gate")
    }

    func testTicketsRaisedTogetherKeepOneNumberSequenceAndOneAuditChain() async throws {
        let client = try await token("j.patel@greenlaw.example")
        let admin = try await token("admin@keel.test")
        let before = try await app.db.sql.raw("SELECT value FROM counters WHERE name = 'ticket'").first()?.decode(column: "value", as: Int.self) ?? 0
        let app = self.app!
        let bloom = self.bloom
        let numbers = try await withThrowingTaskGroup(of: Int?.self) { group in
            for index in 0..<16 {
                group.addTask {
                    var number: Int?
                    try await app.test(.POST, "/api/v1/tickets", beforeRequest: { req in
                        req.headers.bearerAuthorization = BearerAuthorization(token: client)
                        req.headers.contentType = .json
                        req.body = ByteBuffer(string: #"{"title":"打印机 \#(index) 卡纸","body":"together"}"#)
                    }, afterResponse: { res async throws in
                        XCTAssertEqual(res.status, .created, res.body.string)
                        number = try? res.content.get(Int.self, at: "number")
                    })
                    return number
                }
            }
            // Fluent's writers in between, through the same write gate.
            for index in 0..<4 {
                group.addTask {
                    try await app.test(.PATCH, "/api/v1/organizations/\(bloom.uuidString)", beforeRequest: { req in
                        req.headers.bearerAuthorization = BearerAuthorization(token: admin)
                        req.headers.contentType = .json
                        req.body = ByteBuffer(string: "{\"headcount\":\(30 + index)}")
                    }, afterResponse: { res async in XCTAssertEqual(res.status, .ok) })
                    return nil
                }
            }
            var all: [Int] = []
            for try await number in group { if let number { all.append(number) } }
            return all.sorted()
        }
        XCTAssertEqual(numbers, Array(before + 1...before + 16), "one number each, no gaps, no repeats")
        let made = try await Ticket.query(on: app.db).filter(\.$body == "together").all()
        XCTAssertEqual(made.count, 16)
        let ids = made.compactMap(\.id)
        let events = try await TicketEvent.query(on: app.db).filter(\.$ticket.$id ~~ ids).filter(\.$kind == "created").count()
        let notices = try await InAppNotification.query(on: app.db).filter(\.$ticket.$id ~~ ids).count()
        let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "ticket.create")
            .filter(\.$entityID ~~ ids.map { $0.uuidString.lowercased() }).count()
        XCTAssertEqual([events, notices, audited], [16, 16, 16], "a history entry, an acknowledgement and an audit row each")
        guard case .intact = try await AuditLog.verify(on: app.db) else { return XCTFail("audit chain broken") }
    }

    /// New tickets read their organisation's terms from `references`; a change written
    /// through the write gate is in force for the very next ticket (both databases).
    func testAChangedPriorityMatrixClassifiesTheVeryNextTicket() async throws {
        let owner = try await token("owner@bloom.example")
        let raise = { (title: String) async throws -> String? in
            let (_, body) = try await self.call(.POST, "/api/v1/tickets", token: owner, json: #"{"title":"\#(title)","impact":"user","urgency":"high"}"#)
            return self.object(body)["priority"] as? String
        }
        let first = try await raise("Scanner down")
        XCTAssertEqual(first, "medium", "the built-in matrix, now kept for the next tickets")
        let matrix = userHighMatrix
        let admin = try await token("admin@keel.test")
        let saved = try await call(.PUT, "/api/v1/priority-matrix", token: admin, json: matrix).0
        XCTAssertEqual(saved, .ok)
        let second = try await raise("Scanner still down")
        XCTAssertEqual(second, "high", "no stale matrix after the write")
    }

    func testAValueReadWhileAWriteCommitsIsNotKept() async throws {
        let cache = ReferenceCache()
        let first = try await cache.value("k") { 1 }
        let kept = try await cache.value("k") { 2 }
        XCTAssertEqual([first, kept], [1, 1], "kept between writes")
        // A read that a write overtakes may hold the old value: used once, not kept.
        let raced = try await cache.value("other") { () async throws -> Int in
            cache.invalidate()
            return 3
        }
        let after = try await cache.value("other") { 4 }
        XCTAssertEqual([raced, after], [3, 4])
        cache.invalidate()
        let fresh = try await cache.value("k") { 5 }
        XCTAssertEqual(fresh, 5, "a write drops everything")
    }
}

