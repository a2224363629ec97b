import Foundation
import KeelDomain
import XCTest

final class MailComposerTests: XCTestCase {
    private let date = Date(timeIntervalSince1970: 1_772_413_200)

    private func outgoing(subject: String = "[Keel #1042] 打印机坏了 — status update",
                          text: String = "您好，\n\n打印机已修好。\nRegards,\nKeel",
                          html: String? = "<p>您好，</p><p>打印机已修好。</p>") -> MailOutgoing {
        MailOutgoing(
            from: MailAddress(address: "support@keel.example", name: "Keel 服务台"),
            to: [MailAddress(address: "zhang@example.cn", name: "张三"), MailAddress(address: "j@x.com", name: "Doe, John")],
            cc: [MailAddress(address: "boss@example.cn")],
            subject: subject, textBody: text, htmlBody: html,
            messageID: "<keel.1042.n7@keel.example>", inReplyTo: "gbk001@example.cn",
            references: ["<orig001@example.cn>", "gbk001@example.cn"], date: date, timeZoneOffsetMinutes: 480,
            loopValue: "keel-prod", extraHeaders: [MailHeaderField(name: "X-Keel-Ticket", value: "1042"),
                                                   MailHeaderField(name: "Content-Type", value: "evil/override")])
    }

    private func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
    }

    func testComposedMessageHasRequiredHeadersAndCRLFOnly() {
        let bytes = MailComposer.compose(outgoing())
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "bare LF")
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\r"), "bare CR")
        XCTAssertTrue(bytes.allSatisfy { $0 < 0x80 }, "7-bit clean")
        XCTAssertTrue(text.hasPrefix("Date: Mon, 02 Mar 2026 09:00:00 +0800\r\n"))
        for header in ["MIME-Version: 1.0", "Auto-Submitted: auto-generated", "X-Auto-Response-Suppress: All",
                       "X-Keel-Loop: keel-prod", "Message-ID: <keel.1042.n7@keel.example>",
                       "In-Reply-To: <gbk001@example.cn>", "References: <orig001@example.cn> <gbk001@example.cn>",
                       "X-Keel-Ticket: 1042", "Content-Type: multipart/alternative; boundary="] {
            XCTAssertTrue(text.contains("\r\n" + header), header)
        }
        XCTAssertFalse(text.contains("evil/override"))
        XCTAssertTrue(text.hasSuffix("--\r\n"))
    }

    func testLinesStayShortAndEncodedWordsStayWithinSeventyFive() {
        let long = String(repeating: "很长的主题 ", count: 40)
        let bytes = MailComposer.compose(outgoing(subject: long, text: String(repeating: "x", count: 3000)))
        for line in lines(bytes) { XCTAssertLessThanOrEqual(line.utf8.count, 998) }
        let headerLines = lines(bytes).prefix { !$0.isEmpty }
        for line in headerLines { XCTAssertLessThanOrEqual(line.utf8.count, 78, line) }
        for word in String(decoding: bytes, as: UTF8.self).split(separator: " ") where word.hasPrefix("=?") {
            XCTAssertLessThanOrEqual(word.count, 75)
        }
    }

    func testRoundTripThroughTheParser() {
        let out = outgoing()
        let parsed = MailParser.parse(MailComposer.compose(out))
        XCTAssertEqual(parsed.subject, out.subject)
        XCTAssertEqual(parsed.textBody, out.textBody)
        XCTAssertEqual(parsed.htmlBody, out.htmlBody)
        XCTAssertEqual(parsed.from, out.from)
        XCTAssertEqual(parsed.to, out.to)
        XCTAssertEqual(parsed.cc, out.cc)
        XCTAssertEqual(parsed.messageID, "<keel.1042.n7@keel.example>")
        XCTAssertEqual(parsed.inReplyTo, ["<gbk001@example.cn>"])
        XCTAssertEqual(parsed.references, ["<orig001@example.cn>", "<gbk001@example.cn>"])
        XCTAssertEqual(parsed.date, date)
        XCTAssertEqual(parsed.headers["x-keel-loop"], "keel-prod")
        XCTAssertEqual(parsed.headers["X-Keel-Ticket"], "1042")
        XCTAssertEqual(parsed.warnings, [])
        XCTAssertEqual(MailClassifier.classify(parsed, loopValue: "keel-prod"), .ownLoop)
        XCTAssertEqual(MailThreading.ticketNumber(inSubject: parsed.subject, prefix: "Keel"), 1042)
    }

    func testRoundTripOfPlainOnlyMailInEachEncoding() {
        let text = "Line one\nLine two with trailing space \n.leading dot\nFrom the start\n" + String(repeating: "长", count: 100)
        for encoding in [MailOutgoing.BodyEncoding.quotedPrintable, .base64, .automatic] {
            var out = outgoing(subject: "Plain ASCII subject", text: text, html: nil)
            out.bodyEncoding = encoding
            out.autoSubmitted = .autoReplied
            let bytes = MailComposer.compose(out)
            let parsed = MailParser.parse(bytes)
            XCTAssertEqual(parsed.textBody, text, "\(encoding)")
            XCTAssertEqual(parsed.subject, "Plain ASCII subject")
            XCTAssertNil(parsed.htmlBody)
            XCTAssertEqual(parsed.headers["Auto-Submitted"], "auto-replied")
            XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("\r\nSubject: Plain ASCII subject\r\n"))
        }
    }

    func testHeaderInjectionIsNeutralised() {
        var out = outgoing(subject: "hi\r\nBcc: victim@x.org", html: nil)
        out.extraHeaders = [MailHeaderField(name: "X-Note", value: "a\nBcc: b@x.org"), MailHeaderField(name: "Bad Name", value: "v")]
        let text = String(decoding: MailComposer.compose(out), as: UTF8.self)
        XCTAssertFalse(text.contains("\r\nBcc:"))
        XCTAssertFalse(text.contains("Bad Name"))
        XCTAssertEqual(MailParser.parse(MailComposer.compose(out)).subject, "hi Bcc: victim@x.org")
    }

    func testMessageIDGenerator() {
        var rng = MailSeededGenerator(seed: 7)
        let id = MailComposer.messageID(domain: "Keel.Example", using: &rng)
        XCTAssertTrue(id.hasPrefix("<") && id.hasSuffix("@keel.example>"))
        XCTAssertEqual(id.count, 1 + 32 + 1 + 12 + 1)
        var again = MailSeededGenerator(seed: 7)
        XCTAssertEqual(MailComposer.messageID(domain: "keel.example", using: &again), id)
        XCTAssertNotEqual(MailComposer.messageID(domain: "keel.example"), MailComposer.messageID(domain: "keel.example"))
        XCTAssertTrue(MailComposer.messageID(domain: "").hasSuffix("@localhost>"))
    }

    func testReplyReferencesAppendTheParentID() {
        let parent = MailParser.parse(MailCorpus.iPhoneReply)
        XCTAssertEqual(MailComposer.replyReferences(to: parent), [
            "<orig001@example.cn>", "<keel.1042.abc@keel.example>", "<A1B2C3D4-E5F6-7890-ABCD-EF0123456789@example.cn>",
        ])
        var out = outgoing()
        out.references = (0..<40).map { "<r\($0)@x>" }
        let parsed = MailParser.parse(MailComposer.compose(out))
        XCTAssertEqual(parsed.references.count, 21)
        XCTAssertEqual(parsed.references.first, "<r0@x>")
        XCTAssertEqual(parsed.references.last, "<r39@x>")
    }
}

/// Deterministic generator for tests (SplitMix64).
struct MailSeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
