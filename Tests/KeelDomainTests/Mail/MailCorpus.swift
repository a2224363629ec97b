import Foundation

/// Test messages as they arrive from real clients, kept as literals so no bundle resources are needed.
enum MailCorpus {
    /// CRLF line endings, as on the wire.
    static func wire(_ text: String) -> [UInt8] {
        Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    static func hex(_ h: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = h.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }

    /// Foxmail-style GB2312 label, base64 body; "鍾" is outside GB2312 (GBK only).
    static let chineseGBK = wire("""
    From: =?GB2312?B?1cXI/Q==?= <zhang.san@Example.CN>
    To: helpdesk@keel.example
    Subject: =?GBK?B?tPLTobv6u7XByw==?=
    Date: Mon, 2 Mar 2026 09:15:00 +0800
    Message-ID: <gbk001@example.cn>
    X-Mailer: Foxmail 7.2.25.228[cn]
    MIME-Version: 1.0
    Content-Type: multipart/alternative;
    \tboundary="----=_NextPart_69A1B2C3_0D1E2F30_12345678"

    This is a multi-part message in MIME format.

    ------=_NextPart_69A1B2C3_0D1E2F30_12345678
    Content-Type: text/plain;
    \tcharset="gb2312"
    Content-Transfer-Encoding: base64

    xPq6w6OsyP3CpbXEtPLTobv6zt63qLTy06GjrMfrvqG/7LSmwO2how0K5lLPyMn6o6zE+rrD
    ------=_NextPart_69A1B2C3_0D1E2F30_12345678
    Content-Type: text/html;
    \tcharset="gb2312"
    Content-Transfer-Encoding: quoted-printable

    <html><body><div>=C4=FA=BA=C3</div></body></html>
    ------=_NextPart_69A1B2C3_0D1E2F30_12345678--
    """)

    /// Raw 8-bit GBK in both the Subject (unencoded) and the body.
    static let rawGBK: [UInt8] =
        wire("From: lisi@example.cn\nSubject: ") + hex("b4f2d3a1bbfabbb5c1cb")
        + wire("\nContent-Type: text/plain; charset=GBK\nContent-Transfer-Encoding: 8bit\n\n")
        + hex("c4fabac3a3acc8fdc2a5b5c4b4f2d3a1bbfacedeb7a8b4f2d3a1a3acc7ebbea1bfecb4a6c0eda1a3")

    /// Outlook desktop, HTML only, Windows-1252 quoted-printable.
    static let outlookHTMLOnly = wire("""
    From: "Doe, John" <John.Doe@Contoso.COM>
    To: IT Helpdesk <helpdesk@keel.example>
    Subject: Laptop won't boot
    Date: Tue, 3 Mar 2026 14:02:11 +0000
    Message-ID: <DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.outlook.com>
    Content-Language: en-GB
    Content-Type: text/html; charset="windows-1252"
    Content-Transfer-Encoding: quoted-printable
    MIME-Version: 1.0

    <html xmlns:v=3D"urn:schemas-microsoft-com:vml" xmlns:o=3D"urn:schemas-micr=
    osoft-com:office:office">
    <head>
    <meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dwindows-1=
    252">
    <meta name=3D"Generator" content=3D"Microsoft Word 15 (filtered medium)">
    <style><!--
    /* Font Definitions */
    @font-face {font-family:"Cambria Math";}
    p.MsoNormal, li.MsoNormal {margin:0cm; font-size:11.0pt;}
    --></style><!--[if gte mso 9]><xml>
    <o:shapedefaults v:ext=3D"edit" spidmax=3D"1026" />
    </xml><![endif]-->
    </head>
    <body lang=3D"EN-GB" link=3D"#0563C1" vlink=3D"#954F72" style=3D"word-wrap:=
    break-word">
    <div class=3D"WordSection1">
    <p class=3D"MsoNormal">Hi team,<o:p></o:p></p>
    <p class=3D"MsoNormal"><o:p>&nbsp;</o:p></p>
    <p class=3D"MsoNormal">My laptop won=92t boot since this morning. Steps I tr=
    ied:<o:p></o:p></p>
    <ul style=3D"margin-top:0cm" type=3D"disc">
    <li class=3D"MsoListParagraph" style=3D"margin-left:0cm">Power cycle<o:p></=
    o:p></li>
    <li class=3D"MsoListParagraph" style=3D"margin-left:0cm">Removed the dock &=
    amp; charger<o:p></o:p></li>
    </ul>
    <p class=3D"MsoNormal">Error details: <a href=3D"https://support.contoso.co=
    m/kb/123">KB article</a><o:p></o:p></p>
    <p class=3D"MsoNormal"><o:p>&nbsp;</o:p></p>
    <p class=3D"MsoNormal">Kind regards,<o:p></o:p></p>
    <p class=3D"MsoNormal">John<o:p></o:p></p>
    </div>
    </body>
    </html>
    """)

    /// iPhone reply without the subject tag: threads by In-Reply-To / References.
    static let iPhoneReply = wire("""
    From: Li Lei <lilei@example.cn>
    Content-Type: text/plain;
    \tcharset=utf-8
    Content-Transfer-Encoding: quoted-printable
    Mime-Version: 1.0 (1.0)
    Subject: Re: Printer on 3F
    Date: Wed, 4 Mar 2026 08:01:02 +0800
    Message-Id: <A1B2C3D4-E5F6-7890-ABCD-EF0123456789@example.cn>
    References: <orig001@example.cn>
     <keel.1042.abc@keel.example>
    In-Reply-To: <keel.1042.abc@keel.example>
    To: Keel Support <support@keel.example>
    X-Mailer: iPhone Mail (21D61)

    It works again, thanks!

    Sent from my iPhone

    > On Mar 3, 2026, at 17:20, Keel Support <support@keel.example> wrote:
    >=20
    > =EF=BB=BFHello Li Lei, we replaced the toner.
    """)

    /// Exchange out-of-office in Chinese.
    static let outOfOffice = wire("""
    From: =?utf-8?B?546L6Iqz?= <wangfang@example.cn>
    To: support@keel.example
    Subject: =?utf-8?B?6Ieq5Yqo5Zue5aSNOiBbS2VlbCAjMTA0Ml0g5omT5Y2w5py6?=
    Date: Wed, 4 Mar 2026 09:00:00 +0800
    Message-ID: <oof001@example.cn>
    Auto-Submitted: auto-replied
    X-Auto-Response-Suppress: All
    Content-Type: text/plain; charset=utf-8

    我正在休假，3月9日回来。
    """)

    /// Postfix DSN for a notification Keel sent.
    static let dsnBounce = wire("""
    Return-Path: <>
    From: MAILER-DAEMON@mx.keel.example (Mail Delivery System)
    To: support@keel.example
    Subject: Undelivered Mail Returned to Sender
    Date: Thu, 5 Mar 2026 10:15:00 +0000 (UTC)
    Message-Id: <20260305101500.ABC1234@mx.keel.example>
    Auto-Submitted: auto-replied
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=delivery-status;
    \tboundary="ABC1234.1772705700/mx.keel.example"

    This is a MIME-encapsulated message.

    --ABC1234.1772705700/mx.keel.example
    Content-Description: Notification
    Content-Type: text/plain; charset=us-ascii

    This is the mail system at host mx.keel.example.

    I'm sorry to have to inform you that your message could not
    be delivered to one or more recipients.

    <nobody@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1
        <nobody@example.org>: Recipient address rejected: User unknown

    --ABC1234.1772705700/mx.keel.example
    Content-Description: Delivery report
    Content-Type: message/delivery-status

    Reporting-MTA: dns; mx.keel.example
    X-Postfix-Queue-ID: ABC1234
    Arrival-Date: Thu,  5 Mar 2026 10:14:58 +0000 (UTC)

    Final-Recipient: rfc822; nobody@Example.ORG
    Original-Recipient: rfc822;nobody@example.org
    Action: failed
    Status: 5.1.1
    Remote-MTA: dns; mx.example.org
    Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address
        rejected: User unknown

    --ABC1234.1772705700/mx.keel.example
    Content-Description: Undelivered Message Headers
    Content-Type: text/rfc822-headers

    Date: Thu, 5 Mar 2026 10:14:57 +0000
    From: Keel <support@keel.example>
    To: nobody@example.org
    Subject: [Keel #1042] Ticket updated
    Message-ID: <keel.1042.n5@keel.example>
    X-Keel-Loop: keel-prod

    --ABC1234.1772705700/mx.keel.example--
    """)

    /// Exchange-style DSN returning the whole message as message/rfc822.
    static let dsnWithMessage = wire("""
    From: postmaster@contoso.com
    To: support@keel.example
    Subject: Undeliverable: [Keel #77] Password reset
    Content-Type: multipart/report; report-type="delivery-status"; boundary="b1"

    --b1
    Content-Type: text/plain; charset="us-ascii"

    Delivery has failed to these recipients or groups.
    --b1
    Content-Type: message/delivery-status

    Reporting-MTA: dns;EX01.contoso.com

    Final-Recipient: rfc822;left@contoso.com
    Action: failed
    Status: 5.1.10
    Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound
    --b1
    Content-Type: message/rfc822

    From: Keel <support@keel.example>
    To: left@contoso.com
    Subject: [Keel #77] Password reset
    Message-ID: <keel.77.x@keel.example>
    Content-Type: text/plain; charset=utf-8

    Your ticket was updated.
    --b1--
    """)

    /// Declared boundary closes never; the last part runs to the end.
    static let brokenMIME = wire("""
    From: Broken Client <broken@example.net>
    Subject: broken
    Content-Type: multipart/mixed; boundary="XYZ"

    --XYZ
    Content-Type: text/plain

    first part
    --XYZ
    Content-Type: application/octet-stream; name="data.bin"
    Content-Transfer-Encoding: base64

    AAECAwQ=
    """)

    /// Multipart without a boundary parameter: the delimiter is guessed from the body.
    static let missingBoundary = wire("""
    From: a@example.net
    Subject: guess
    Content-Type: multipart/mixed

    --guessme
    Content-Type: text/plain

    found me
    --guessme--
    """)

    /// A sender Keel does not know, with almost no headers.
    static let unknownSender = wire("""
    From: random.person@Gmail.COM
    Subject: hello?

    Is this the helpdesk?
    """)

    /// RFC 2231 file names (single and continued) and an RFC 2047 GBK name.
    static let rfc2231Attachment = wire("""
    From: =?UTF-8?Q?=E5=BC=A0=E4=B8=89?= <zhang@example.cn>
    Subject: =?UTF-8?B?6ZSZ6K+v?= screenshot
    Content-Type: multipart/mixed; boundary="b1"

    --b1
    Content-Type: text/plain; charset=UTF-8
    Content-Transfer-Encoding: base64

    6K+355yL6ZmE5Lu244CC
    --b1
    Content-Type: image/png; name*=UTF-8''%E9%94%99%E8%AF%AF%E6%88%AA%E5%9B%BE.png
    Content-Disposition: attachment;
     filename*=UTF-8''%E9%94%99%E8%AF%AF%E6%88%AA%E5%9B%BE.png
    Content-Transfer-Encoding: base64

    iVBORw0KGgo=
    --b1
    Content-Type: application/pdf
    Content-Disposition: attachment;
     filename*0*=UTF-8''%E6%8A%A5%E5%91%8A;
     filename*1*=%E4%B9%A6.pdf
    Content-Transfer-Encoding: base64

    JVBERi0=
    --b1
    Content-Type: text/plain; name="=?GBK?B?tO3O873Yzbw=?=.txt"
    Content-Disposition: attachment; filename="=?GBK?B?tO3O873Yzbw=?=.txt"

    log line
    --b1--
    """)

    /// Base64 with junk characters, a stray padding group and a truncated tail.
    static let base64Garbage = wire("""
    From: x@example.net
    Subject: garbage
    Content-Type: text/plain; charset=utf-8
    Content-Transfer-Encoding: base64

    SGVsbG8g!!d29y
    bGQ=SGk=*
    IHRoZXJl
    IQ
    """)

    /// Unix mailer: LF only, multipart included.
    static let bareLF = Array("""
    From: unix@example.org
    Subject: bare
     folded line
    Content-Type: multipart/alternative; boundary=zz

    --zz
    Content-Type: text/plain; charset=iso-8859-1
    Content-Transfer-Encoding: quoted-printable

    caf=E9 ok
    --zz
    Content-Type: text/html; charset=iso-8859-1

    <p>caf&eacute; ok</p>
    --zz--

    """.utf8)

    /// mixed > (alternative > (plain, related > (html, image)), pdf, forwarded message).
    static let nested = wire("""
    From: Nested <n@example.com>
    Subject: nested
    Content-Type: multipart/mixed; boundary="m"

    --m
    Content-Type: multipart/alternative; boundary="a"

    --a
    Content-Type: text/plain; charset=utf-8

    plain version
    --a
    Content-Type: multipart/related; boundary="r"; type="text/html"

    --r
    Content-Type: text/html; charset=utf-8

    <p>html <img src="cid:logo@x"> version</p>
    --r
    Content-Type: image/gif
    Content-ID: <logo@x>
    Content-Transfer-Encoding: base64

    R0lGODlhAQABAAAAACw=
    --r--
    --a--
    --m
    Content-Type: application/pdf; name="report.pdf"
    Content-Disposition: attachment
    Content-Transfer-Encoding: base64

    JVBERi0xLjQ=
    --m
    Content-Type: message/rfc822

    From: inner@example.com
    Subject: inner

    inner body
    --m--
    """)
}
