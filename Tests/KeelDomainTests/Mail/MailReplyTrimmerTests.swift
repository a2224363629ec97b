import KeelDomain
import XCTest

final class MailReplyTrimmerTests: XCTestCase {
    private func trim(_ s: String) -> String { MailReplyTrimmer.trim(s) }

    func testQuotedLinesAndEnglishAttributionAreRemoved() {
        XCTAssertEqual(trim("Fixed, thanks.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Keel <support@keel.example> wrote:\n> old\n> older"),
                       "Fixed, thanks.")
        // Gmail wraps long attributions over two lines.
        XCTAssertEqual(trim("Yes.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Keel Support Team <\nsupport@keel.example> wrote:\n\n> old"),
                       "Yes.")
        XCTAssertEqual(trim("> question one\nanswer one\n> question two\nanswer two"), "answer one\nanswer two")
    }

    func testChineseClientMarkersCutTheHistory() {
        XCTAssertEqual(trim("收到，谢谢！\n\n-----原始邮件-----\n发件人: Keel <support@keel.example>\n发送时间: 2026年3月1日 10:00\n主题: 打印机"),
                       "收到，谢谢！")
        XCTAssertEqual(trim("好的\n\n------------------ 原始邮件 ------------------\n发件人: \"Keel\"<support@keel.example>;\n旧内容"),
                       "好的")
        XCTAssertEqual(trim("已处理\n\u{00A0}\n------------------\u{00A0}Original\u{00A0}------------------\nFrom: x"), "已处理")
        XCTAssertEqual(trim("明白了\n\n在 2026年3月1日 星期日 10:00，Keel <support@keel.example> 写道：\n> 旧内容"), "明白了")
        XCTAssertEqual(trim("OK\n\n张三 <zhang@example.cn> 于2026年3月1日周日 10:00写道：\n\n> 旧内容"), "OK")
        XCTAssertEqual(trim("谢谢\n\n发自我的iPhone\n\n------------------ 原始邮件 ------------------"), "谢谢")
    }

    func testOutlookSeparatorsAndHeaderBlocksCutTheHistory() {
        XCTAssertEqual(trim("Done.\n\n-----Original Message-----\nFrom: Keel\nSent: Monday\nold"), "Done.")
        XCTAssertEqual(trim("Done.\n\n________________________________\nFrom: Keel Support <support@keel.example>\nSent: Monday, March 2, 2026 10:00 AM\nTo: Li Lei\nSubject: RE: x\n\nold"),
                       "Done.")
        XCTAssertEqual(trim("Done.\n\n*From:* Keel\n*Sent:* Monday\n*To:* me"), "Done.")
        // "From:" alone in the text is not a header block.
        XCTAssertEqual(trim("From: my desk\nthe printer is out of toner"), "From: my desk\nthe printer is out of toner")
    }

    func testSignatureDelimiterCutsTheRest() {
        XCTAssertEqual(trim("Please reset my password.\n-- \nJohn Doe\nACME Ltd"), "Please reset my password.")
        XCTAssertEqual(trim("Body\n--\nsig"), "Body")
        XCTAssertEqual(trim("Body -- with dashes inline"), "Body -- with dashes inline")
    }

    func testNeverReturnsEmptyWhenTheMessageHadContent() {
        XCTAssertEqual(trim("> everything\n> is quoted"), "> everything\n> is quoted")
        XCTAssertEqual(trim("-----Original Message-----\nFrom: a\nSent: b\nforwarded text"),
                       "-----Original Message-----\nFrom: a\nSent: b\nforwarded text")
        XCTAssertEqual(trim("  \n"), "")
        XCTAssertEqual(trim("line\r\nnext\r\n"), "line\nnext")
    }

    func testHTMLRepliesUseQuoteContainersThenTextRules() {
        let gmail = "<div dir=\"ltr\">Works now</div><br><div class=\"gmail_quote\">On Mon wrote:<blockquote>old</blockquote></div>"
        XCTAssertEqual(MailReplyTrimmer.trim(html: gmail), "Works now")
        let outlook = """
        <div class=WordSection1><p class=MsoNormal>Thanks!<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>
        <div style='border:none;border-top:solid #E1E1E1 1.0pt'><p class=MsoNormal><b>From:</b> Keel &lt;support@keel.example&gt;
        <br><b>Sent:</b> Monday, March 2, 2026 10:00<br><b>To:</b> me<br><b>Subject:</b> x</p></div><p>old</p></div>
        """
        XCTAssertEqual(MailReplyTrimmer.trim(html: outlook), "Thanks!")
        XCTAssertEqual(MailReplyTrimmer.trim(html: "<blockquote type=cite>only quote</blockquote>"), "> only quote")
    }

    func testParsedMailUsesHTMLRulesWhenTextCameFromHTML() {
        let raw = MailCorpus.wire("""
        From: a@x.org
        Content-Type: text/html; charset=utf-8

        <div>Reply text</div><div class="gmail_quote">On Mon, X wrote:<br><blockquote>old</blockquote></div>
        """)
        XCTAssertEqual(MailReplyTrimmer.trim(MailParser.parse(raw)), "Reply text")
    }
}
