import KeelDomain
import XCTest

final class MailClassifierTests: XCTestCase {
    private func mail(_ headers: String, body: String = "hi") -> ParsedMail {
        MailParser.parse(MailCorpus.wire(headers + "\n\n" + body))
    }

    func testOutOfOfficeIsAnAutoReply() {
        let oof = MailParser.parse(MailCorpus.outOfOffice)
        XCTAssertEqual(oof.subject, "自动回复: [Keel #1042] 打印机")
        XCTAssertEqual(oof.from?.name, "王芳")
        XCTAssertEqual(MailClassifier.classify(oof), .autoReply)
        XCTAssertFalse(MailClassifier.mayAutoRespond(to: oof))
        // Subject alone is enough, in English and Chinese.
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nSubject: Out of Office: back Monday")), .autoReply)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nSubject: Automatic reply: [Keel #5] x")), .autoReply)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nSubject: 自动答复: 打印机")), .autoReply)
    }

    func testAutoReplyHeaders() {
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nAuto-Submitted: auto-generated")), .autoReply)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nAuto-Submitted: No")), .normal)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nX-Autoreply: yes")), .autoReply)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nX-Autorespond: 1")), .autoReply)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nPrecedence: auto_reply")), .autoReply)
        XCTAssertEqual(MailClassifier.classify(mail(
            "From: a@x.org\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b",
            body: "--b\nContent-Type: text/plain\n\nread\n--b--")), .autoReply)
    }

    func testBulkMail() {
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nPrecedence: bulk")), .bulk)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nPrecedence: list")), .bulk)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nPrecedence: junk")), .bulk)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nList-Id: <news.x.org>")), .bulk)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nList-Unsubscribe: <mailto:u@x.org>")), .bulk)
    }

    func testBouncesByReportSenderOrNullReturnPath() {
        let dsn = MailParser.parse(MailCorpus.dsnBounce)
        XCTAssertEqual(MailClassifier.classify(dsn), .bounce)
        XCTAssertEqual(MailClassifier.classify(mail("From: Mail Delivery Subsystem <MAILER-DAEMON@mx.x.org>")), .bounce)
        XCTAssertEqual(MailClassifier.classify(mail("From: postmaster@x.org")), .bounce)
        XCTAssertEqual(MailClassifier.classify(mail("Return-Path: <>\nFrom: a@x.org")), .bounce)
        // Auto-replies with a null Return-Path (RFC 3834) stay auto-replies.
        XCTAssertEqual(MailClassifier.classify(mail("Return-Path: <>\nFrom: a@x.org\nAuto-Submitted: auto-replied")), .autoReply)
    }

    func testOwnLoopHeaderWinsAndIsConfigurable() {
        let looped = mail("From: a@x.org\nX-Keel-Loop: keel-prod\nPrecedence: bulk")
        XCTAssertEqual(MailClassifier.classify(looped), .ownLoop)
        XCTAssertEqual(MailClassifier.classify(looped, loopValue: "keel-prod"), .ownLoop)
        XCTAssertEqual(MailClassifier.classify(looped, loopValue: "other-install"), .bulk)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nX-Desk-Loop: 1"), loopHeader: "X-Desk-Loop"), .ownLoop)
        XCTAssertEqual(MailClassifier.classify(mail("From: a@x.org\nX-Desk-Loop: 1")), .normal)
    }

    func testMayAutoRespondOnlyToNormalMailThatDoesNotRefuse() {
        XCTAssertTrue(MailClassifier.mayAutoRespond(to: mail("From: a@x.org")))
        XCTAssertFalse(MailClassifier.mayAutoRespond(to: mail("From: a@x.org\nX-Auto-Response-Suppress: DR, OOF")))
        XCTAssertTrue(MailClassifier.mayAutoRespond(to: mail("From: a@x.org\nX-Auto-Response-Suppress: DR")))
        XCTAssertFalse(MailClassifier.mayAutoRespond(to: mail("From: no-reply@x.org")))
        XCTAssertFalse(MailClassifier.mayAutoRespond(to: mail("Subject: no sender")))
        XCTAssertFalse(MailClassifier.mayAutoRespond(to: mail("From: a@x.org\nList-Id: l")))
    }

    func testDSNGivesOriginalMessageIDAndFailedRecipient() throws {
        let bounce = try XCTUnwrap(MailBounce(MailParser.parse(MailCorpus.dsnBounce)))
        XCTAssertEqual(bounce.originalMessageID, "<keel.1042.n5@keel.example>")
        XCTAssertEqual(bounce.reportingMTA, "mx.keel.example")
        let failed = try XCTUnwrap(bounce.failedRecipient)
        XCTAssertEqual(failed.address, "nobody@example.org")
        XCTAssertEqual(failed.action, "failed")
        XCTAssertEqual(failed.status, "5.1.1")
        XCTAssertEqual(failed.diagnostic, "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown")
        XCTAssertEqual(failed.remoteMTA, "mx.example.org")
        XCTAssertTrue(failed.isPermanentFailure)
        let report = try XCTUnwrap(MailParser.parse(MailCorpus.dsnBounce).report)
        XCTAssertEqual(report.reportType, "delivery-status")
        XCTAssertEqual(report.originalHeaders?["X-Keel-Loop"], "keel-prod")
    }

    func testDSNWithTheWholeReturnedMessage() throws {
        let parsed = MailParser.parse(MailCorpus.dsnWithMessage)
        XCTAssertEqual(MailClassifier.classify(parsed), .bounce)
        XCTAssertEqual(parsed.textBody, "Delivery has failed to these recipients or groups.")
        let bounce = try XCTUnwrap(MailBounce(parsed))
        XCTAssertEqual(bounce.originalMessageID, "<keel.77.x@keel.example>")
        XCTAssertEqual(bounce.failedRecipient?.address, "left@contoso.com")
        XCTAssertEqual(bounce.failedRecipient?.status, "5.1.10")
        XCTAssertEqual(parsed.report?.originalText, "Your ticket was updated.")
        XCTAssertTrue(parsed.attachments.isEmpty)
    }

    func testPlainTextBounceFallsBackToQuotedHeaders() throws {
        let parsed = mail("From: MAILER-DAEMON@old.example\nSubject: failure notice", body: """
        Hi. This is the qmail-send program at old.example.

        <gone@old.example>:
        Sorry, no mailbox here by that name.

        --- Below this line is a copy of the message.

        Message-ID: <keel.9.z@keel.example>
        Subject: [Keel #9] hello
        """)
        let bounce = try XCTUnwrap(MailBounce(parsed))
        XCTAssertEqual(bounce.originalMessageID, "<keel.9.z@keel.example>")
        XCTAssertEqual(bounce.failedRecipient?.address, "gone@old.example")
        XCTAssertNil(MailBounce(mail("From: a@x.org", body: "nothing here")))
    }
}
