import KeelDomain
import XCTest

final class MailThreadingTests: XCTestCase {
    func testTicketNumberFromSubjectTagAnywhere() {
        let subjects = [
            "[Keel #1042] Printer", "Re: [Keel #1042] Printer", "RE: Fwd: Printer [Keel #1042]", "回复：[Keel #1042] 打印机",
            "答复: [keel #1042]", "转发: 打印机 [KEEL#1042]", "Fwd: [ Keel #1042 ] x", "【Keel #1042】打印机", "Re:[Keel ＃1042]",
        ]
        for s in subjects { XCTAssertEqual(MailThreading.ticketNumber(inSubject: s, prefix: "Keel"), 1042, s) }
    }

    func testTagMustMatchThePrefixAndShape() {
        XCTAssertNil(MailThreading.ticketNumber(inSubject: "[Other #1042] x", prefix: "Keel"))
        XCTAssertNil(MailThreading.ticketNumber(inSubject: "Keel #1042 without brackets", prefix: "Keel"))
        XCTAssertNil(MailThreading.ticketNumber(inSubject: "[Keel #] x", prefix: "Keel"))
        XCTAssertNil(MailThreading.ticketNumber(inSubject: "[Keel #12a] x", prefix: "Keel"))
        XCTAssertNil(MailThreading.ticketNumber(inSubject: "[Keel #99999999999999999999] x", prefix: "Keel"))
        XCTAssertEqual(MailThreading.ticketNumber(inSubject: "[Keel] [Keel #7] [Keel #8]", prefix: "Keel"), 7)
        XCTAssertEqual(MailThreading.ticketNumber(inSubject: "Re: [#55] x", prefix: ""), 55)
        XCTAssertEqual(MailThreading.ticketNumber(inSubject: "[IT Desk #3] x", prefix: "IT Desk"), 3)
    }

    func testTaggingASubject() {
        XCTAssertEqual(MailThreading.subjectTag(prefix: "Keel", number: 1042), "[Keel #1042]")
        XCTAssertEqual(MailThreading.taggedSubject("打印机坏了", prefix: "Keel", number: 1042), "打印机坏了 [Keel #1042]")
        XCTAssertEqual(MailThreading.taggedSubject("Re: [Keel #1042] x", prefix: "Keel", number: 1042), "Re: [Keel #1042] x")
        XCTAssertEqual(MailThreading.taggedSubject("  ", prefix: "Keel", number: 1), "[Keel #1]")
    }

    func testNormalizedSubjectStripsReplyAndForwardPrefixes() {
        XCTAssertEqual(MailThreading.normalizedSubject("Re: RE: Fwd: FW: Printer"), "Printer")
        XCTAssertEqual(MailThreading.normalizedSubject("回复：答复: 转发：打印机坏了"), "打印机坏了")
        XCTAssertEqual(MailThreading.normalizedSubject("Re[2]: AW: WG: Re (3): x"), "Re (3): x")
        XCTAssertEqual(MailThreading.normalizedSubject("Re(3):  spaced   out "), "spaced out")
        XCTAssertEqual(MailThreading.normalizedSubject("Reboot: server"), "Reboot: server")
        XCTAssertEqual(MailThreading.normalizedSubject("Re: [Keel #1042] Printer", removingTagWithPrefix: "Keel"), "Printer")
        XCTAssertEqual(MailThreading.normalizedSubject("Re: x [Keel #1042]", removingTagWithPrefix: "Keel"), "x")
    }

    func testMessageIDListsFromInReplyToAndReferences() {
        XCTAssertEqual(MailThreading.messageIDs(in: "<a@x>  <b@y>\r\n <c@z>"), ["<a@x>", "<b@y>", "<c@z>"])
        XCTAssertEqual(MailThreading.messageIDs(in: "<a@x> (John's message of Monday) <a@x>"), ["<a@x>"])
        XCTAssertEqual(MailThreading.messageIDs(in: "bare@id.example"), ["<bare@id.example>"])
        XCTAssertEqual(MailThreading.messageIDs(in: "\"John\" <j1@x>"), ["<j1@x>"])
        XCTAssertEqual(MailThreading.messageIDs(in: ""), [])
        XCTAssertEqual(MailThreading.messageIDs(in: "<>"), [])
        XCTAssertEqual(MailThreading.bracketed("a@x"), "<a@x>")
        XCTAssertEqual(MailThreading.bracketed("<a@x>"), "<a@x>")
    }
}
