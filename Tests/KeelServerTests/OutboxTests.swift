import Fluent
import Foundation
import KeelDomain
import XCTest
import XCTVapor
@testable import KeelServer

/// Notification mail as composed (the relay and a real SMTP server are in
/// e2e/test_mail_outbound.py): language, threading headers, loop protection, preferences,
/// the acknowledgement rate limit, and the digest.
final class OutboxTests: KeelTestCase {
    private func mails(_ ticketID: String? = nil) async throws -> [OutboundMessage] {
        let query = OutboundMessage.query(on: app.db).sort(\.$createdAt)
        if let ticketID, let id = UUID(uuidString: ticketID) { query.filter(\.$ticketID == id) }
        return try await query.all()
    }

    func testAcknowledgementAndRepliesAreMailedInTheRecipientsLanguageAndThreaded() async throws {
        let wang = try await token("wang.fang@huaxin-design.example")
        let (_, created) = try await call(.POST, "/api/v1/tickets", token: wang, json: #"{"title":"网络很慢","impact":"department","urgency":"high"}"#)
        let ticket = object(created)
        let id = ticket["id"] as! String
        try await Outbox(app: app).composePending()
        let first = try await mails(id)
        XCTAssertEqual(first.map(\.kind), ["created"])
        let ack = MailParser.parse([UInt8](first[0].raw))
        XCTAssertEqual(MailThreading.ticketNumber(inSubject: ack.subject, prefix: "Keel"), ticket["number"] as? Int)
        XCTAssertTrue(ack.textBody.contains("我们已收到您的请求"), ack.textBody)
        XCTAssertTrue(ack.textBody.contains("前答复"), "the SLA targets in plain words")
        XCTAssertNotNil(ack.htmlBody)
        XCTAssertEqual(ack.headers["Auto-Submitted"], "auto-generated")
        XCTAssertEqual(ack.headers["X-Auto-Response-Suppress"], "All")
        XCTAssertEqual(MailClassifier.classify(ack, loopHeader: MailClassifier.defaultLoopHeader), .ownLoop,
                       "Keel's own mail coming back is recognised as a loop")
        let thread = try await MailMessageID.query(on: app.db).filter(\.$messageID == first[0].messageID).first()
        XCTAssertEqual(thread?.direction, "out")

        let tech = try await token("tech3@keel.test")
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech, json: #"{"body":"内部备注：交换机端口","internal":true}"#)
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech, json: #"{"body":"请重启一下路由器。"}"#)
        try await Outbox(app: app).composePending()
        let all = try await mails(id)
        XCTAssertEqual(all.map(\.kind), ["created", "reply"], "an internal note never becomes mail to the client")
        let reply = MailParser.parse([UInt8](all[1].raw))
        XCTAssertTrue(reply.textBody.contains("请重启一下路由器"), reply.textBody)
        XCTAssertFalse(reply.textBody.contains("交换机"))
        XCTAssertEqual(reply.inReplyTo.first, first[0].messageID, "replies thread under the first mail")
    }

    func testPreferencesSilenceMailAndAcknowledgementsAreRateLimited() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let (status, body) = try await call(.PATCH, "/api/v1/me/mail-preferences", token: patel, json: #"{"muted":["created"]}"#)
        XCTAssertEqual(status, .ok, body)
        _ = try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"Muted ack"}"#)
        try await Outbox(app: app).composePending()
        var count = try await OutboundMessage.query(on: app.db).count()
        XCTAssertEqual(count, 0, "a muted kind is not mailed")
        let bad = try await call(.PATCH, "/api/v1/me/mail-preferences", token: patel, json: #"{"muted":["everything"]}"#).0
        XCTAssertEqual(bad, .unprocessableEntity)

        // The organisation turns mail off for its people.
        let admin = try await token("admin@keel.test")
        let off = try await call(.PATCH, "/api/v1/organizations/\(bloom.uuidString)/mail-preferences", token: admin, json: #"{"email":false}"#).0
        XCTAssertEqual(off, .ok)
        let shop = try await token("shop@bloom.example")
        _ = try await call(.POST, "/api/v1/tickets", token: shop, json: #"{"title":"No mail please"}"#)
        try await Outbox(app: app).composePending()
        count = try await OutboundMessage.query(on: app.db).count()
        XCTAssertEqual(count, 0)

        // Acknowledgements to one address: five an hour, the rest kept as suppressed.
        let office = try await token("office@greenlaw.example")
        for index in 0..<7 {
            _ = try await call(.POST, "/api/v1/tickets", token: office, json: #"{"title":"Loop \#(index)"}"#)
        }
        try await Outbox(app: app).composePending()
        let sent = try await OutboundMessage.query(on: app.db).filter(\.$recipient == "office@greenlaw.example").all()
        XCTAssertEqual(sent.filter { $0.status == "queued" }.count, 5)
        XCTAssertEqual(sent.filter { $0.status == "suppressed" }.count, 2)
        // A later pass counts what the last hour already holds (no more than it needs to).
        for index in 0..<2 {
            _ = try await call(.POST, "/api/v1/tickets", token: office, json: #"{"title":"Loop again \#(index)"}"#)
        }
        try await Outbox(app: app).composePending()
        let later = try await OutboundMessage.query(on: app.db).filter(\.$recipient == "office@greenlaw.example").all()
        XCTAssertEqual(later.filter { $0.status == "queued" }.count, 5)
        XCTAssertEqual(later.filter { $0.status == "suppressed" }.count, 4)
        let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "mail_preferences.update").count()
        XCTAssertEqual(audited, 2)
    }

    func testStaffGetADailyDigestOnceAfterEightTheirTime() async throws {
        let tech = try await token("tech1@keel.test")
        let (status, _) = try await call(.PATCH, "/api/v1/me/mail-preferences", token: tech, json: #"{"digest":true}"#)
        XCTAssertEqual(status, .ok)
        let patel = try await token("j.patel@greenlaw.example")
        let (_, body) = try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"Digest me"}"#)
        _ = try await call(.POST, "/api/v1/tickets/\(object(body)["id"] as! String)/take", token: tech)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let early = calendar.date(from: DateComponents(year: 2026, month: 11, day: 24, hour: 6))!
        try await Digests(app: app).composeDue(now: early)
        var digests = try await OutboundMessage.query(on: app.db).filter(\.$kind == "digest").count()
        XCTAssertEqual(digests, 0, "not before 08:00")
        let morning = calendar.date(from: DateComponents(year: 2026, month: 11, day: 24, hour: 9))!
        try await Digests(app: app).composeDue(now: morning)
        try await Digests(app: app).composeDue(now: morning.addingTimeInterval(3600))
        digests = try await OutboundMessage.query(on: app.db).filter(\.$kind == "digest").count()
        XCTAssertEqual(digests, 1, "once a day")
    }

    /// A backlog of pending mail is read oldest first from the (state, created) index, not
    /// by sorting every pending row for each batch, and threads are found by ticket; both
    /// migrations revert and reapply.
    func testPendingMailAndMailThreadsAreReadFromTheirIndexes() async throws {
        let sql = app.db.sql
        // One connection for both: SQLite parses DDL against its connection's copy of the schema.
        try await app.db.withConnection { db in
            try await PendingMailIndex().revert(on: db)
            try await PendingMailIndex().prepare(on: db)
            try await MailThreadIndex().revert(on: db)
            try await MailThreadIndex().prepare(on: db)
        }
        guard sql.dialect.name == "sqlite" else { return }
        let plan = try await sql.raw("""
            EXPLAIN QUERY PLAN SELECT id FROM notifications WHERE mail_state = \(bind: "pending") ORDER BY created_at LIMIT 25
            """).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
        XCTAssertTrue(plan.contains("notifications_mail_state_created"), plan)
        XCTAssertFalse(plan.contains("TEMP B-TREE"), plan)
        // The first message of the tickets a batch threads under: by ticket, not a scan.
        let threads = try await sql.raw("""
            EXPLAIN QUERY PLAN SELECT message_id FROM mail_message_ids WHERE ticket_id IN (\(bind: UUID()), \(bind: UUID())) ORDER BY created_at
            """).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
        XCTAssertTrue(threads.contains("mail_message_ids_ticket"), threads)
    }
}
