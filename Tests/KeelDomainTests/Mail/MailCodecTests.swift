import KeelDomain
import XCTest

final class MailCodecTests: XCTestCase {
    private func b64(_ s: String) -> (String, Bool) {
        let r = MailTransferEncoding.decodeBase64(Array(s.utf8))
        return (String(decoding: r.bytes, as: UTF8.self), r.clean)
    }

    func testBase64DecodesCleanInputAndIgnoresLineBreaks() {
        XCTAssertEqual(b64("SGVsbG8g\r\nd29ybGQ=").0, "Hello world")
        XCTAssertTrue(b64("SGVsbG8g\r\nd29ybGQ=").1)
    }

    func testBase64SkipsGarbageAndDecodesWhatItCanRead() {
        let (text, clean) = b64("SGVs!!bG8*g d29y bGQ=SGk")
        XCTAssertEqual(text, "Hello worldHi")
        XCTAssertFalse(clean)
        // A lone trailing character cannot form a byte.
        XCTAssertEqual(b64("SGk=Q").0, "Hi")
        XCTAssertFalse(b64("SGk=Q").1)
    }

    func testBase64EncodeWrapsAt76AndRoundTrips() {
        let bytes = (0..<200).map { UInt8($0) }
        let encoded = MailTransferEncoding.encodeBase64(bytes, lineLength: 76)
        let lines = String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n")
        XCTAssertTrue(lines.allSatisfy { $0.count <= 76 })
        XCTAssertEqual(lines.first?.count, 76)
        XCTAssertEqual(MailTransferEncoding.decodeBase64(encoded).bytes, bytes)
    }

    func testQuotedPrintableDecodesSoftBreaksAndKeepsBadEscapes() {
        let r = MailTransferEncoding.decodeQuotedPrintable(Array("caf=C3=A9 =\r\nbar=\nbaz =ZZ end=".utf8))
        XCTAssertEqual(String(decoding: r.bytes, as: UTF8.self), "café barbaz =ZZ end")
        XCTAssertFalse(r.clean)
        let soft = MailTransferEncoding.decodeQuotedPrintable(Array("a= \r\nb=3d".utf8))
        XCTAssertEqual(String(decoding: soft.bytes, as: UTF8.self), "ab=")
        XCTAssertTrue(soft.clean)
    }

    func testQuotedPrintableEncodeKeepsLinesShortAndRoundTrips() {
        let text = String(repeating: "Grüße aus 北京 = ok. ", count: 12) + "\nFrom here\n.dot line \nend"
        let encoded = MailTransferEncoding.encodeQuotedPrintable(text)
        let s = String(decoding: encoded, as: UTF8.self)
        XCTAssertTrue(s.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        XCTAssertTrue(s.contains("=46rom here"), "From at line start is escaped for mbox")
        XCTAssertTrue(s.contains("=2Edot line=20\r\n"), "leading dot and trailing space are escaped")
        let decoded = MailTransferEncoding.decodeQuotedPrintable(encoded).bytes
        XCTAssertEqual(String(decoding: decoded, as: UTF8.self), text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    func testTransferEncodingNamesAreReadLeniently() {
        XCTAssertEqual(MailTransferEncoding(headerValue: " Base64 "), .base64)
        XCTAssertEqual(MailTransferEncoding(headerValue: "Quoted-Printable"), .quotedPrintable)
        XCTAssertEqual(MailTransferEncoding(headerValue: "8BIT"), .eightBit)
        XCTAssertNil(MailTransferEncoding(headerValue: "x-uuencode"))
    }

    // MARK: encoded words

    func testEncodedWordsBAndQAreDecoded() {
        XCTAssertEqual(MailEncodedWord.decode("=?UTF-8?B?5byg5LiJ?="), "张三")
        XCTAssertEqual(MailEncodedWord.decode("=?UTF-8?Q?=E5=9B=9E=E5=A4=8D=3A_=E6=89=93=E5=8D=B0=E6=9C=BA?="), "回复: 打印机")
        XCTAssertEqual(MailEncodedWord.decode("=?iso-8859-1?q?caf=E9?= au lait"), "café au lait")
        XCTAssertEqual(MailEncodedWord.decode("=?GBK?B?tPLTobv6u7XByw==?="), "打印机坏了")
    }

    func testAdjacentEncodedWordsAreJoinedWithoutTheSpaceBetween() {
        XCTAssertEqual(MailEncodedWord.decode("=?UTF-8?Q?a?= =?UTF-8?Q?b?=  =?UTF-8?Q?c?="), "abc")
        XCTAssertEqual(MailEncodedWord.decode("=?UTF-8?Q?a?= b =?UTF-8?Q?c?="), "a b c")
        XCTAssertEqual(MailEncodedWord.decode("Re: =?UTF-8?Q?x?=\r\n =?UTF-8?Q?y?= end"), "Re: xy end")
    }

    func testCharacterSplitAcrossTwoWordsIsReassembled() {
        // "打印机" with the second character's bytes split between the words.
        XCTAssertEqual(MailEncodedWord.decode("=?UTF-8?B?5omT5Q==?= =?UTF-8?B?jbDmnLo=?="), "打印机")
    }

    func testMalformedEncodedWordsAreLeftAlone() {
        XCTAssertEqual(MailEncodedWord.decode("=?UTF-8?X?abc?= and =? not"), "=?UTF-8?X?abc?= and =? not")
        XCTAssertEqual(MailEncodedWord.decode("plain"), "plain")
        XCTAssertEqual(MailEncodedWord.decode("=?UTF-8*en?Q?hi?="), "hi")
    }

    func testEncodingSplitsOnCharacterBoundariesWithinSeventyFiveCharacters() {
        let text = String(repeating: "报修：打印机无法连接网络，请帮忙处理 👩‍💻 ", count: 6)
        let words = MailEncodedWord.encode(text)
        XCTAssertGreaterThan(words.count, 3)
        for word in words {
            XCTAssertLessThanOrEqual(word.count, 75)
            XCTAssertNotEqual(MailEncodedWord.decode(word).unicodeScalars.first, "\u{FFFD}")
            XCTAssertFalse(MailEncodedWord.decode(word).contains("\u{FFFD}"), word)
        }
        XCTAssertEqual(MailEncodedWord.decode(words.joined(separator: "\r\n ")), text)
        XCTAssertTrue(MailEncodedWord.needsEncoding("你好"))
        XCTAssertTrue(MailEncodedWord.needsEncoding("looks =?like?= a word"))
        XCTAssertFalse(MailEncodedWord.needsEncoding("Plain ASCII subject"))
    }

    // MARK: charsets

    func testChineseCharsetLabelsDecodeAsGB18030() {
        let bytes = MailCorpus.hex("e652cfc8c9faa3acc4fabac3")  // "鍾先生，您好": 鍾 is GBK-only
        for label in ["gb2312", "GBK", "GB18030", "x-gbk", "cp936", "euc-cn"] {
            let d = MailCharset.decode(bytes, charset: label)
            XCTAssertEqual(d.text, "鍾先生，您好", label)
            XCTAssertNil(d.issue, label)
        }
        XCTAssertEqual(MailCharset.iconvName(forLabel: "GB2312"), "GB18030")
    }

    func testOtherCharsetsDecodeThroughIconv() {
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("c163c5e9a4a4a4e5b4fab8d5"), charset: "big5").text, "繁體中文測試")
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("5a61bff3b3e62067eab66cb1206a61bcf1"), charset: "ISO-8859-2").text,
                       "Zażółć gęślą jaźń")
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("cff0e8e2e5f220ece8f0"), charset: "windows-1251").text, "Привет мир")
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("c5ebebe7ede9eadc"), charset: "cp1253").text, "Ελληνικά")
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("8020636166e9"), charset: "iso-8859-1").text, "€ café")
        XCTAssertEqual(MailCharset.iconvName(forLabel: "Windows-1250"), "CP1250")
        XCTAssertEqual(MailCharset.iconvName(forLabel: "iso_8859-15"), "ISO-8859-15")
        XCTAssertEqual(MailCharset.iconvName(forLabel: "Big5"), "BIG5")
        XCTAssertNil(MailCharset.iconvName(forLabel: "utf-8"))
    }

    func testStatefulAndWideCharsetsAreNotMistakenForASCII() {
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("1b2442467c4b5c386c1b2842"), charset: "iso-2022-jp").text, "日本語")
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("dc006e00ef006300f6006400e900"), charset: "UTF-16LE").text, "Ünïcödé")
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("c7d1b1b9beee"), charset: "ks_c_5601-1987").text, "한국어")
    }

    func testUnknownCharsetsAndInvalidBytesFallBackWithoutCrashing() {
        let unknown = MailCharset.decode(Array("héllo".utf8), charset: "x-made-up-charset")
        XCTAssertEqual(unknown.text, "héllo")
        XCTAssertEqual(unknown.issue, .unknownCharset)
        let latin = MailCharset.decode([0x63, 0x61, 0x66, 0xE9], charset: "x-made-up-charset")
        XCTAssertEqual(latin.text, "café")
        let broken = MailCharset.decode([0xB4, 0xF2, 0xFF, 0xD3, 0xA1], charset: "gbk")
        XCTAssertEqual(broken.issue, .invalidBytes)
        XCTAssertTrue(broken.text.hasPrefix("打"))
        XCTAssertTrue(broken.text.contains("\u{FFFD}"))
        XCTAssertTrue(broken.text.hasSuffix("印"))
        let badUTF8 = MailCharset.decode([0x61, 0xFF, 0x62, 0x80, 0x63], charset: "utf-8")
        XCTAssertEqual(badUTF8.issue, .invalidBytes)
        XCTAssertTrue(badUTF8.text.hasPrefix("a"))
        XCTAssertEqual(MailCharset.decode([], charset: "gbk").text, "")
        // GBK mislabelled as UTF-8 is recovered; one bad byte in real UTF-8 is not "recovered" as GBK.
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("c4fabac3a3acc8fdc2a5"), charset: "utf-8").text, "您好，三楼")
        let mostlyUTF8 = MailCharset.decode(Array("打印机坏了，请处理".utf8) + [0xFF], charset: "utf-8")
        XCTAssertEqual(mostlyUTF8.text, "打印机坏了，请处理\u{FFFD}")
    }

    func testMissingCharsetGuessesUTF8ThenGB18030ThenWindows1252() {
        XCTAssertEqual(MailCharset.decode(Array("你好".utf8), charset: nil).text, "你好")
        XCTAssertEqual(MailCharset.decode(MailCorpus.hex("c4fabac3"), charset: "us-ascii").text, "您好")
        XCTAssertEqual(MailCharset.decode([0x63, 0x61, 0x66, 0xE9, 0x21], charset: nil).text, "café!")
    }
}
