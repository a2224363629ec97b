import Foundation
import KeelDomain
import XCTest

final class MailMIMETests: XCTestCase {
    func testChineseGBKMailDecodesHeadersAndBody() {
        let mail = MailParser.parse(MailCorpus.chineseGBK)
        XCTAssertEqual(mail.from, MailAddress(address: "zhang.san@example.cn", name: "张三"))
        XCTAssertEqual(mail.from?.domain, "example.cn")
        XCTAssertEqual(mail.subject, "打印机坏了")
        XCTAssertEqual(mail.textBody, "您好，三楼的打印机无法打印，请尽快处理。\n鍾先生，您好")
        XCTAssertEqual(mail.htmlBody, "<html><body><div>您好</div></body></html>")
        XCTAssertFalse(mail.textIsFromHTML)
        XCTAssertEqual(mail.messageID, "<gbk001@example.cn>")
        XCTAssertEqual(mail.date, Date(timeIntervalSince1970: 1_772_414_100))
        XCTAssertEqual(mail.contentType.mimeType, "multipart/alternative")
        XCTAssertEqual(mail.warnings, [])
        XCTAssertEqual(mail.headers["x-mailer"], "Foxmail 7.2.25.228[cn]")
    }

    func testRawEightBitGBKInHeadersAndBodyIsReadWithTheDeclaredCharset() {
        let mail = MailParser.parse(MailCorpus.rawGBK)
        XCTAssertEqual(mail.subject, "打印机坏了")
        XCTAssertEqual(mail.textBody, "您好，三楼的打印机无法打印，请尽快处理。")
        XCTAssertTrue(mail.warnings.contains(.unencodedHeaderBytes))
    }

    func testOutlookHTMLOnlyMailBecomesReadableText() {
        let mail = MailParser.parse(Data(MailCorpus.outlookHTMLOnly))
        XCTAssertEqual(mail.from?.name, "Doe, John")
        XCTAssertEqual(mail.from?.address, "John.Doe@contoso.com")
        XCTAssertTrue(mail.textIsFromHTML)
        XCTAssertEqual(mail.textBody, """
        Hi team,

        My laptop won’t boot since this morning. Steps I tried:

        - Power cycle
        - Removed the dock & charger

        Error details: KB article (https://support.contoso.com/kb/123)

        Kind regards,
        John
        """)
        XCTAssertNotNil(mail.htmlBody)
        XCTAssertTrue(mail.attachments.isEmpty)
    }

    func testIPhoneReplyCarriesThreadingHeaders() {
        let mail = MailParser.parse(MailCorpus.iPhoneReply)
        XCTAssertEqual(mail.messageID, "<A1B2C3D4-E5F6-7890-ABCD-EF0123456789@example.cn>")
        XCTAssertEqual(mail.inReplyTo, ["<keel.1042.abc@keel.example>"])
        XCTAssertEqual(mail.references, ["<orig001@example.cn>", "<keel.1042.abc@keel.example>"])
        XCTAssertNil(MailThreading.ticketNumber(inSubject: mail.subject, prefix: "Keel"))
        XCTAssertEqual(MailThreading.normalizedSubject(mail.subject), "Printer on 3F")
        XCTAssertEqual(MailReplyTrimmer.trim(mail), "It works again, thanks!")
        XCTAssertEqual(mail.to.first?.name, "Keel Support")
    }

    func testUnknownSenderWithMinimalHeadersStillParses() {
        let mail = MailParser.parse(MailCorpus.unknownSender)
        XCTAssertEqual(mail.from?.address, "random.person@gmail.com")
        XCTAssertNil(mail.from?.name)
        XCTAssertEqual(mail.from?.domain, "gmail.com")
        XCTAssertEqual(mail.textBody, "Is this the helpdesk?")
        XCTAssertNil(mail.date)
        XCTAssertNil(mail.messageID)
        XCTAssertEqual(mail.warnings, [.missingDate, .missingMessageID])
        XCTAssertEqual(MailClassifier.classify(mail), .normal)
    }

    func testRFC2231AndEncodedWordFilenames() {
        let mail = MailParser.parse(MailCorpus.rfc2231Attachment)
        XCTAssertEqual(mail.from?.name, "张三")
        XCTAssertEqual(mail.subject, "错误 screenshot")
        XCTAssertEqual(mail.textBody, "请看附件。")
        XCTAssertEqual(mail.attachments.map(\.filename), ["错误截图.png", "报告书.pdf", "错误截图.txt"])
        XCTAssertEqual(mail.attachments.map(\.contentType), ["image/png", "application/pdf", "text/plain"])
        XCTAssertEqual(mail.attachments[0].bytes, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertEqual(mail.attachments[1].bytes, Array("%PDF-".utf8))
        XCTAssertEqual(mail.attachments[2].bytes, Array("log line".utf8))
        XCTAssertFalse(mail.attachments[0].isInline)
    }

    func testNestedMultipartPicksBodiesAndCollectsAttachments() {
        let mail = MailParser.parse(MailCorpus.nested)
        XCTAssertEqual(mail.textBody, "plain version")
        XCTAssertEqual(mail.htmlBody, "<p>html <img src=\"cid:logo@x\"> version</p>")
        XCTAssertEqual(mail.attachments.count, 3)
        let image = mail.attachments[0]
        XCTAssertEqual(image.contentType, "image/gif")
        XCTAssertEqual(image.contentID, "logo@x")
        XCTAssertTrue(image.isInline)
        XCTAssertNil(image.filename)
        XCTAssertEqual(mail.attachments[1].filename, "report.pdf")
        XCTAssertEqual(mail.attachments[2].contentType, "message/rfc822")
        let inner = MailParser.parse(mail.attachments[2].bytes)
        XCTAssertEqual(inner.subject, "inner")
        XCTAssertEqual(inner.textBody, "inner body")
        XCTAssertEqual(mail.warnings, [.missingDate, .missingMessageID])
    }

    func testBrokenBoundariesStillYieldTheReadableParts() {
        let broken = MailParser.parse(MailCorpus.brokenMIME)
        XCTAssertEqual(broken.textBody, "first part")
        XCTAssertEqual(broken.attachments.first?.filename, "data.bin")
        XCTAssertEqual(broken.attachments.first?.bytes, [0, 1, 2, 3, 4])
        XCTAssertTrue(broken.warnings.contains(.missingCloseDelimiter))

        let guessed = MailParser.parse(MailCorpus.missingBoundary)
        XCTAssertEqual(guessed.textBody, "found me")
        XCTAssertTrue(guessed.warnings.contains(.missingBoundary))
        XCTAssertTrue(guessed.warnings.contains(.boundaryGuessed))

        let noDelimiter = MailParser.parse(MailCorpus.wire(
            "Content-Type: multipart/mixed; boundary=nothere\n\njust text, no parts at all"))
        XCTAssertEqual(noDelimiter.textBody, "just text, no parts at all")
        XCTAssertTrue(noDelimiter.warnings.contains(.boundaryNotFound))
    }

    func testBase64WithGarbageDecodesWhatCanBeRead() {
        let mail = MailParser.parse(MailCorpus.base64Garbage)
        XCTAssertEqual(mail.textBody, "Hello worldHi there!")
        XCTAssertTrue(mail.warnings.contains(.invalidBase64))
    }

    func testBareLineFeedMessageParsesLikeCRLF() {
        let mail = MailParser.parse(MailCorpus.bareLF)
        XCTAssertEqual(mail.subject, "bare folded line")
        XCTAssertEqual(mail.textBody, "café ok")
        XCTAssertEqual(mail.htmlBody, "<p>caf&eacute; ok</p>")
        XCTAssertTrue(mail.warnings.contains(.bareLineFeeds))
        XCTAssertFalse(mail.warnings.contains(.missingCloseDelimiter))
    }

    func testHTMLAlternativeIsUsedWhenThePlainPartIsEmpty() {
        let raw = MailCorpus.wire("""
        Content-Type: multipart/alternative; boundary=b

        --b
        Content-Type: text/plain

        \u{20}
        --b
        Content-Type: text/html

        <div>Only <b>here</b></div>
        --b--
        """)
        let mail = MailParser.parse(raw)
        XCTAssertEqual(mail.textBody, "Only here")
        XCTAssertTrue(mail.textIsFromHTML)
    }

    func testHTMLWithoutCharsetParameterUsesMetaCharset() {
        let raw = MailCorpus.wire("Content-Type: text/html\n\n<html><head><meta charset=\"gbk\"></head><body>")
            + MailCorpus.hex("c4fabac3") + MailCorpus.wire("</body></html>")
        XCTAssertEqual(MailParser.parse(raw).textBody, "您好")
    }

    func testUnknownEncodingsAndCharsetsAreReportedNotFatal() {
        let raw = MailCorpus.wire("""
        Content-Type: text/plain; charset=x-klingon
        Content-Transfer-Encoding: x-uuencode

        plain enough
        """)
        let mail = MailParser.parse(raw)
        XCTAssertEqual(mail.textBody, "plain enough")
        XCTAssertTrue(mail.warnings.contains(.unknownTransferEncoding))
        let latin = MailParser.parse(MailCorpus.wire("Content-Type: text/plain; charset=x-klingon\n\n") + [0x63, 0x61, 0x66, 0xE9])
        XCTAssertEqual(latin.textBody, "café")
        XCTAssertTrue(latin.warnings.contains(.unknownCharset))
    }

    func testDeepNestingStopsWithoutCrashing() {
        var text = "Content-Type: multipart/mixed; boundary=b0\n\n"
        for depth in 1...40 {
            text += "--b\(depth - 1)\nContent-Type: multipart/mixed; boundary=b\(depth)\n\n"
        }
        text += "--b40\nContent-Type: text/plain\n\ndeep\n"
        let mail = MailParser.parse(MailCorpus.wire(text))
        XCTAssertTrue(mail.warnings.contains(.nestingTooDeep))
    }

    func testTruncatedAndRandomInputNeverCrashes() {
        let corpus = [MailCorpus.chineseGBK, MailCorpus.outlookHTMLOnly, MailCorpus.dsnBounce, MailCorpus.nested,
                      MailCorpus.rfc2231Attachment, MailCorpus.bareLF, MailCorpus.rawGBK]
        var parsed = 0
        for message in corpus {
            for end in stride(from: 0, to: message.count, by: 13) {
                let mail = MailParser.parse(Array(message[..<end]))
                _ = MailReplyTrimmer.trim(mail)
                _ = MailClassifier.classify(mail)
                parsed += 1
            }
        }
        var rng = MailSeededGenerator(seed: 42)
        for _ in 0..<200 {
            let noise = (0..<Int(rng.next() % 600)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let mail = MailParser.parse(MailCorpus.wire("Content-Type: multipart/mixed; boundary=x\n\n--x\n") + noise)
            _ = MailReplyTrimmer.trim(mail)
            parsed += 1
        }
        XCTAssertGreaterThan(parsed, 500)
        XCTAssertNil(MailDate.parse("Mon, 2 Mar 99999999999999 01:00:00 +0000"))
    }

    func testAttachmentFilenamesAreReducedToTheLastPathComponent() {
        let raw = MailCorpus.wire("""
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename="..\\\\..\\\\windows\\\\evil.exe"

        x
        --b
        Content-Type: application/octet-stream; name="../../etc/passwd"

        y
        --b--
        """)
        XCTAssertEqual(MailParser.parse(raw).attachments.map(\.filename), ["evil.exe", "passwd"])
    }
}
