import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// Inbound mail from storage to ticket (the SMTP listener and `keel mail-in` are exercised
/// over real sockets in e2e/test_mail_inbound.py): threading, senders, noise, bounces,
/// malformed mail and the quarantine API with its isolation.
final class MailIntakeTests: KeelTestCase {
    private func deliver(_ text: String) async throws -> InboundMessage {
        let raw = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let id = try await MailIntake.accept(raw, source: "test", envelopeFrom: nil, recipients: ["help@keel.test"], on: app)
        try await MailProcessor(app: app).process(id)
        let message = try await InboundMessage.find(id, on: app.db)
        return try XCTUnwrap(message)
    }

    func testAMailBecomesATicketAndRepliesThreadByTagAndByReferences() async throws {
        let first = try await deliver("""
            From: =?UTF-8?B?546L6Iqz?= <wang.fang@huaxin-design.example>
            To: help@keel.test
            Subject: =?UTF-8?B?5omT5Y2w5py65peg5rOV6L+e5o6l?=
            Message-ID: <first-1@huaxin-design.example>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=UTF-8

            财务部的打印机无法连接。
            --b1
            Content-Type: image/png
            Content-Disposition: attachment; filename*=UTF-8''%E9%94%99%E8%AF%AF%E6%88%AA%E5%9B%BE.png
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --b1--
            """)
        XCTAssertEqual(first.status, "processed")
        XCTAssertEqual(first.reason, "ticket")
        let ticketID = try XCTUnwrap(first.ticketID)
        let found = try await Ticket.find(ticketID, on: app.db)
        let ticket = try XCTUnwrap(found)
        XCTAssertEqual(ticket.channel, "email")
        XCTAssertEqual(ticket.title, "打印机无法连接")
        XCTAssertEqual(ticket.$requester.id, user("wang.fang@huaxin-design.example"))
        let files = try await TicketAttachment.query(on: app.db).filter(\.$ticket.$id == ticketID).all()
        XCTAssertEqual(files.map(\.fileName), ["错误截图.png"])

        // Reply with the subject tag (a client that drops References).
        let tagged = try await deliver("""
            From: wang.fang@huaxin-design.example
            Subject: 回复：[Keel #\(ticket.number)] 打印机无法连接
            Message-ID: <second-2@huaxin-design.example>

            还是不行。

            -----原始邮件-----
            我们已收到您的请求
            """)
        XCTAssertEqual(tagged.ticketID, ticketID)
        // Reply threaded only by References.
        let threaded = try await deliver("""
            From: wang.fang@huaxin-design.example
            Subject: Re: printer
            In-Reply-To: <first-1@huaxin-design.example>
            References: <first-1@huaxin-design.example>

            Sent from my iPhone reply text
            """)
        XCTAssertEqual(threaded.ticketID, ticketID)
        let comments = try await TicketComment.query(on: app.db).filter(\.$ticket.$id == ticketID).sort(\.$createdAt).all()
        XCTAssertEqual(comments.count, 2)
        XCTAssertEqual(comments.first?.body, "还是不行。", "quoted history trimmed")
        // Someone of another organisation using the tag does not reach the ticket: a new one of their own.
        let foreign = try await deliver("""
            From: j.patel@greenlaw.example
            Subject: Re: [Keel #\(ticket.number)] printer

            Hijack attempt
            """)
        XCTAssertNotEqual(foreign.ticketID, ticketID)
    }

    func testNoiseIsKeptButMakesNoTicketAndBouncesAreNotedOnTheirTicket() async throws {
        let before = try await Ticket.query(on: app.db).count()
        let ooo = try await deliver("""
            From: j.patel@greenlaw.example
            Subject: Automatic reply: holiday
            Auto-Submitted: auto-replied

            Out of office.
            """)
        XCTAssertEqual(ooo.status, "ignored")
        XCTAssertEqual(ooo.reason, "auto_reply")
        let bulk = try await deliver("""
            From: news@greenlaw.example
            Subject: Newsletter
            Precedence: bulk
            List-Id: <news.greenlaw.example>

            Our news.
            """)
        XCTAssertEqual(bulk.reason, "bulk")
        let loop = try await deliver("""
            From: help@keel.test
            Subject: [Keel #1] update
            X-Keel-Loop: keel

            Looping.
            """)
        XCTAssertEqual(loop.reason, "own_loop")
        let after = try await Ticket.query(on: app.db).count()
        XCTAssertEqual(before, after)

        // A bounce of a notification Keel sent for a ticket.
        let patel = try await token("j.patel@greenlaw.example")
        let (_, body) = try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"VPN"}"#)
        let ticketID = UUID(uuidString: object(body)["id"] as! String)!
        let sent = MailMessageID()
        sent.messageID = "<notice-42@keel.test>"
        sent.ticketID = ticketID
        sent.direction = "out"
        sent.createdAt = Date()
        try await sent.create(on: app.db)
        let bounce = try await deliver("""
            From: MAILER-DAEMON@mx.greenlaw.example
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="r"

            --r
            Content-Type: text/plain

            Delivery failed.
            --r
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.greenlaw.example

            Final-Recipient: rfc822; gone@greenlaw.example
            Action: failed
            Status: 5.1.1

            --r
            Content-Type: text/rfc822-headers

            Message-ID: <notice-42@keel.test>
            Subject: [Keel #1001] Your request
            --r--
            """)
        XCTAssertEqual(bounce.reason, "bounce_recorded")
        let events = try await TicketEvent.query(on: app.db).filter(\.$ticket.$id == ticketID).filter(\.$kind == "mail_bounce").all()
        XCTAssertEqual(events.first?.toValue, "gone@greenlaw.example")
        XCTAssertEqual(events.first?.isPublic, false)
    }

    func testUnknownSendersWaitInQuarantineAndDomainsMakeContacts() async throws {
        let contact = try await deliver("""
            From: New Person <new.person@greenlaw.example>
            Subject: Laptop is slow

            My laptop is very slow.
            """)
        XCTAssertEqual(contact.status, "processed", "a new contact of the organisation that owns the domain")
        let person = try await User.query(on: app.db).filter(\.$email == "new.person@greenlaw.example").first()
        XCTAssertEqual(person?.$organization.id, green)
        let stranger = try await deliver("""
            From: someone@unknown-company.example
            Subject: Quote

            Please send a quote.
            """)
        XCTAssertEqual(stranger.status, "quarantined")
        XCTAssertEqual(stranger.reason, "unknown_sender")
        let broken = try await deliver("""
            From: someone@unknown-company.example
            Subject: broken
            Content-Type: multipart/mixed; boundary="never-closed"

            --never-closed
            Content-Type: text/plain; charset=gbk
            Content-Transfer-Encoding: base64

            !!!not base64!!!
            """)
        XCTAssertEqual(broken.status, "quarantined", "malformed mail is kept with what could be read")

        // Only staff who see every organisation review the quarantine.
        let restricted = try await token("tech3@keel.test")
        let hidden = try await call(.GET, "/api/v1/mail/quarantine", token: restricted).0
        XCTAssertEqual(hidden, .notFound)
        let client = try await token("owner@bloom.example")
        let refused = try await call(.POST, "/api/v1/mail/quarantine/\(stranger.id!.uuidString)/accept", token: client,
                                     json: #"{"organizationId":"\#(bloom.uuidString)"}"#).0
        XCTAssertEqual(refused, .notFound)
        let admin = try await token("admin@keel.test")
        let (_, list) = try await call(.GET, "/api/v1/mail/quarantine", token: admin)
        XCTAssertEqual((object(list)["items"] as? [[String: Any]])?.count, 2)
        let (status, accepted) = try await call(.POST, "/api/v1/mail/quarantine/\(stranger.id!.uuidString)/accept", token: admin,
                                                json: #"{"organizationId":"\#(bloom.uuidString)"}"#)
        XCTAssertEqual(status, .ok, accepted)
        XCTAssertEqual(object(accepted)["status"] as? String, "processed")
        let ticketID = try XCTUnwrap(UUID(uuidString: object(accepted)["ticketId"] as? String ?? ""))
        let ticket = try await Ticket.find(ticketID, on: app.db)
        XCTAssertEqual(ticket?.$organization.id, bloom)
        let (discarded, _) = try await call(.POST, "/api/v1/mail/quarantine/\(broken.id!.uuidString)/discard", token: admin)
        XCTAssertEqual(discarded, .ok)
        let kept = try await InboundMessage.find(broken.id, on: app.db)
        XCTAssertEqual(kept?.status, "discarded", "discarded, not deleted")
        let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["mail.accept", "mail.discard"]).count()
        XCTAssertEqual(audited, 2)
    }
}
