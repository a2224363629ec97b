import KeelDomain
import XCTest

final class MailHTMLTextTests: XCTestCase {
    private func text(_ html: String) -> String { MailHTMLText.convert(html) }

    func testBlocksBreaksAndParagraphsBecomeLines() {
        XCTAssertEqual(text("<div>one</div><div>two</div>"), "one\ntwo")
        XCTAssertEqual(text("<p>one</p><p>two</p>"), "one\n\ntwo")
        XCTAssertEqual(text("a<br>b<br/>c<br><br><br><br>d"), "a\nb\nc\n\nd")
        XCTAssertEqual(text("<h1>Title</h1>body"), "Title\n\nbody")
        XCTAssertEqual(text("<div>Gmail line</div><div><br></div><div>after blank</div>"), "Gmail line\n\nafter blank")
    }

    func testWhitespaceIsCollapsedAndTrimmed() {
        XCTAssertEqual(text("  <p>  lots   of\n\n  space\t here </p>  "), "lots of space here")
        XCTAssertEqual(text("a&nbsp;&nbsp;b\u{00A0}c"), "a b c")
    }

    func testListsBecomeDashItemsAndNest() {
        XCTAssertEqual(text("<p>Steps:</p><ul><li>one</li><li>two<ol><li>two a</li></ol></li></ul><p>done</p>"),
                       "Steps:\n\n- one\n- two\n  - two a\n\ndone")
    }

    func testLinksKeepTheirTargetWhenTheTextDiffers() {
        XCTAssertEqual(text("see <a href=\"https://x.org/a?b=1&amp;c=2\">the page</a>."), "see the page (https://x.org/a?b=1&c=2).")
        XCTAssertEqual(text("<a href=\"https://www.x.org/\">x.org</a>"), "x.org")
        XCTAssertEqual(text("<a href=\"mailto:it@x.org?subject=hi\">it@x.org</a>"), "it@x.org")
        XCTAssertEqual(text("<a href=\"mailto:it@x.org\">IT desk</a>"), "IT desk (it@x.org)")
        XCTAssertEqual(text("<a href=\"#top\">top</a> <a href=\"https://x.org\"><img src=\"logo.png\"></a>"), "top")
    }

    func testScriptStyleHeadAndCommentsAreDropped() {
        let html = """
        <html><head><title>Ignored</title><style>p { color: red; }</style></head>
        <body><!-- hidden --><script>alert("<b>x</b>")</script><p>shown</p><!--[if mso]>no<![endif]--></body></html>
        """
        XCTAssertEqual(text(html), "shown")
        XCTAssertEqual(text("<style>unclosed"), "unclosed")
    }

    func testEntitiesNamedAndNumericAreDecoded() {
        XCTAssertEqual(text("&lt;tag&gt; &amp; &quot;q&quot; &#39;s&#x27; &eacute;&copy;&euro;&hellip;&mdash;&#x1F600;"),
                       "<tag> & \"q\" 's' é©€…—😀")
        XCTAssertEqual(text("&#150; &#8212; &nbsp &amp fish &unknown; &#xZZ; &"), "– — & fish &unknown; &#xZZ; &")
        XCTAssertEqual(text("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2")
    }

    func testTablesPreAndBlockquotes() {
        XCTAssertEqual(text("<table><tr><td>Name</td><td>Value</td></tr><tr><td>CPU</td><td>i7</td></tr></table>"),
                       "Name Value\nCPU i7")
        XCTAssertEqual(text("<pre>  keep\n    indent</pre>after"), "  keep\n    indent\nafter")
        XCTAssertEqual(text("<p>reply</p><blockquote>quoted<br>lines</blockquote>"), "reply\n\n> quoted\n> lines")
    }

    func testOutlookEmptyParagraphsGiveBlankLines() {
        let html = "<p class=MsoNormal>Hello<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>"
            + "<p class=MsoNormal>Line one<o:p></o:p></p><p class=MsoNormal>Line two<o:p></o:p></p>"
        XCTAssertEqual(text(html), "Hello\n\nLine one\nLine two")
    }

    func testDroppingQuotedHistoryRemovesQuoteContainers() {
        let gmail = """
        <div dir="ltr">Thanks, fixed now.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon,
        Mar 2, 2026 at 10:00 AM Keel &lt;support@keel.example&gt; wrote:<br></div><blockquote class="gmail_quote">
        <div>old text</div></blockquote></div>
        """
        XCTAssertEqual(MailHTMLText.convertDroppingQuotedHistory(gmail), "Thanks, fixed now.")
        XCTAssertTrue(MailHTMLText.convert(gmail).contains("old text"))
        let apple = "<div>ok</div><blockquote type=\"cite\"><div>older</div><blockquote type=\"cite\">oldest</blockquote></blockquote><div>tail</div>"
        XCTAssertEqual(MailHTMLText.convertDroppingQuotedHistory(apple), "ok\ntail")
        let owa = "<div>New reply</div><div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> x</div><div>old</div>"
        XCTAssertEqual(MailHTMLText.convertDroppingQuotedHistory(owa), "New reply")
    }
}
