import Foundation
import KeelDomain
import XCTest

final class MailHeaderTests: XCTestCase {
    func testHeadersAreUnfoldedAndLookedUpCaseInsensitively() {
        let h = MailHeaders.parse(Array("Subject: a long\r\n\tsubject line\r\nX-Test: 1\r\nx-test: 2\r\n\r\nbody".utf8))
        XCTAssertEqual(h["subject"], "a long subject line")
        XCTAssertEqual(h["SUBJECT"], "a long subject line")
        XCTAssertEqual(h.values("X-TEST"), ["1", "2"])
        XCTAssertTrue(h.contains("x-Test"))
        XCTAssertNil(h["Missing"])
        XCTAssertEqual(h.fields.map(\.name), ["Subject", "X-Test", "x-test"])
    }

    func testEncodedWordsAreDecodedOnRequest() {
        let h = MailHeaders([MailHeaderField(name: "Subject", value: "=?UTF-8?B?5byg5LiJ?=  =?UTF-8?Q?_hi?=")])
        XCTAssertEqual(h.decoded("subject"), "张三 hi")
        XCTAssertEqual(h["Subject"], "=?UTF-8?B?5byg5LiJ?=  =?UTF-8?Q?_hi?=")
    }

    func testBareLineFeedsStrayLinesAndMissingBlankLineAreTolerated() {
        let mail = MailParser.parse(Array("From: a@x.org\nbogus line without colon\nSubject: still a header\n\nbody\n".utf8))
        XCTAssertEqual(mail.subject, "still a header")
        XCTAssertEqual(mail.textBody, "body")
        XCTAssertTrue(mail.warnings.contains(.bareLineFeeds))
        XCTAssertTrue(mail.warnings.contains(.malformedHeaderLine))
        let noHeaders = MailParser.parse(Array("just a body line\nand another\n".utf8))
        XCTAssertEqual(noHeaders.textBody, "just a body line\nand another")
        XCTAssertNil(noHeaders.from)
        XCTAssertTrue(noHeaders.warnings.contains(.missingFrom))
        let headersOnly = MailParser.parse(Array("Subject: only headers".utf8))
        XCTAssertEqual(headersOnly.subject, "only headers")
        XCTAssertEqual(headersOnly.textBody, "")
        XCTAssertEqual(MailParser.parse([]).warnings.first, .emptyMessage)
    }

    func testMboxFromLineIsSkipped() {
        let mail = MailParser.parse(MailCorpus.wire("From sender@x.org Mon Mar  2 10:00:00 2026\nFrom: s@x.org\nSubject: mbox\n\nhi"))
        XCTAssertEqual(mail.from?.address, "s@x.org")
        XCTAssertEqual(mail.subject, "mbox")
    }

    // MARK: structured values

    func testContentTypeParametersAreParsedWithQuotesAndCase() {
        let ct = MailContentType("Multipart/Mixed; BOUNDARY=\"----=_Part_1; x\"; charset=UTF-8 ; foo")
        XCTAssertEqual(ct.mimeType, "multipart/mixed")
        XCTAssertEqual(ct.boundary, "----=_Part_1; x")
        XCTAssertEqual(ct.charset, "UTF-8")
        XCTAssertTrue(ct.isMultipart)
        XCTAssertEqual(MailContentType("garbage").mimeType, "text/plain")
        XCTAssertEqual(MailContentType("text/html charset=gbk").charset, "gbk")
        XCTAssertEqual(MailContentType("text/plain; name=\"a \\\"b\\\".txt\"").parameters["name"], "a \"b\".txt")
    }

    func testRFC2231ParametersAreDecoded() {
        let single = MailContentDisposition("attachment; filename*=UTF-8''%E9%94%99%E8%AF%AF%E6%88%AA%E5%9B%BE.png")
        XCTAssertEqual(single.filename, "错误截图.png")
        XCTAssertTrue(single.isAttachment)
        let continued = MailContentDisposition(
            "attachment; filename*0*=UTF-8''%E6%8A%A5%E5%91%8A; filename*1*=%E4%B9%A6; filename*2=\".pdf\"")
        XCTAssertEqual(continued.filename, "报告书.pdf")
        let gbk = MailContentDisposition("inline; filename*=gb18030'zh'%B4%ED%CE%F3.txt; filename=\"fallback.txt\"")
        XCTAssertEqual(gbk.filename, "错误.txt")
        XCTAssertTrue(gbk.isInline)
        let outOfOrder = MailContentType("text/plain; name*1=\"two\"; name*0=\"one-\"")
        XCTAssertEqual(outOfOrder.parameters["name"], "one-two")
        let encodedWord = MailContentType("application/pdf; name=\"=?UTF-8?B?5oql5ZGK?=.pdf\"")
        XCTAssertEqual(encodedWord.parameters["name"], "报告.pdf")
    }

    // MARK: addresses

    func testAddressesWithDisplayNamesQuotesAndBareForms() {
        let list = MailAddress.parseList(
            "张三 <zhang@Example.CN>, \"Doe, John\" <J.Doe@X.COM>, bare@Host.Org, <angle@only.net>")
        XCTAssertEqual(list.map(\.address), ["zhang@example.cn", "J.Doe@x.com", "bare@host.org", "angle@only.net"])
        XCTAssertEqual(list.map(\.name), ["张三", "Doe, John", nil, nil])
        XCTAssertEqual(list[1].domain, "x.com")
        XCTAssertEqual(list[1].localPart, "J.Doe")
    }

    func testAddressGroupsCommentsAndEncodedNames() {
        let list = MailAddress.parseList(
            "Team: a@x.org, \"B\" <b@x.org>;, undisclosed-recipients:;, c@x.org (Carol C), =?UTF-8?B?5byg5LiJ?= <z@x.cn>")
        XCTAssertEqual(list.map(\.address), ["a@x.org", "b@x.org", "c@x.org", "z@x.cn"])
        XCTAssertEqual(list[2].name, "Carol C")
        XCTAssertEqual(list[3].name, "张三")
        // Encoded word inside quotes, and an encoded comma that must not split the list.
        let quoted = MailAddress.parseList("\"=?UTF-8?Q?Doe=2C_J?=\" <j@x.com>, k@x.com")
        XCTAssertEqual(quoted.map(\.name), ["Doe, J", nil])
        XCTAssertEqual(MailAddress.parse("Mail Delivery System <MAILER-DAEMON@MX.example>")?.localPart, "MAILER-DAEMON")
        XCTAssertEqual(MailAddress.parse("John Doe john@doe.net")?.name, "John Doe")
        XCTAssertNil(MailAddress.parse("just words"))
        XCTAssertNil(MailAddress.parse(""))
    }

    func testAddressFormattingQuotesOrEncodesNames() {
        XCTAssertEqual(MailAddress(address: "j@x.com", name: "Doe, John").formatted, "\"Doe, John\" <j@x.com>")
        XCTAssertEqual(MailAddress(address: "j@x.com", name: "John").formatted, "John <j@x.com>")
        XCTAssertEqual(MailAddress(address: "j@x.com").formatted, "j@x.com")
        let chinese = MailAddress(address: "z@X.CN", name: "张三")
        XCTAssertEqual(chinese.formatted, "=?UTF-8?B?5byg5LiJ?= <z@x.cn>")
        XCTAssertEqual(MailAddress.parse(chinese.formatted), chinese)
    }

    // MARK: dates

    func testDatesInCommonShapes() {
        let expected = Date(timeIntervalSince1970: 1_772_413_200)  // 2026-03-02T01:00:00Z
        XCTAssertEqual(MailDate.parse("Mon, 2 Mar 2026 09:00:00 +0800"), expected)
        XCTAssertEqual(MailDate.parse("2 Mar 2026 01:00 GMT"), expected)
        XCTAssertEqual(MailDate.parse("Mon, 02 Mar 26 01:00:00 +0000 (UTC)"), expected)
        XCTAssertEqual(MailDate.parse("Sun, 1 Mar 2026 20:00:00 EST"), expected)
        XCTAssertEqual(MailDate.parse("2026-03-02 09:00:00 +08:00"), expected)
        XCTAssertEqual(MailDate.parse("Mon,  2 Mar 2026 01:00:00"), expected)
        XCTAssertNil(MailDate.parse("yesterday"))
        XCTAssertNil(MailDate.parse("Mon, 32 Mar 2026 01:00:00 +0000"))
    }

    func testDateFormattingIsRFC5322() {
        let date = Date(timeIntervalSince1970: 1_772_413_200)
        XCTAssertEqual(MailDate.format(date), "Mon, 02 Mar 2026 01:00:00 +0000")
        XCTAssertEqual(MailDate.format(date, offsetMinutes: 480), "Mon, 02 Mar 2026 09:00:00 +0800")
        XCTAssertEqual(MailDate.format(date, offsetMinutes: -330), "Sun, 01 Mar 2026 19:30:00 -0530")
        XCTAssertEqual(MailDate.parse(MailDate.format(date, offsetMinutes: -330)), date)
    }
}
