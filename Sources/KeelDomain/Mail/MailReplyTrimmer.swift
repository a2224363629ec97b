import Foundation

/// Removes quoted history and signatures from a reply so only the new text becomes a ticket
/// comment. Never returns empty text for a message that had content: it falls back to the full text.
public enum MailReplyTrimmer {
    /// The new part of a plain-text reply.
    public static func trim(_ text: String) -> String {
        let normalized = MailBytes.normalizedNewlines(text)
        let b = Array(normalized.utf8)
        let lines = MailReplyLines(b)
        var cut = lines.count
        for idx in 0..<lines.count where startsHistory(lines, idx) {
            cut = idx
            break
        }
        var kept: [Int] = []
        kept.reserveCapacity(cut)
        for idx in 0..<cut where !lines.isQuoted(idx) { kept.append(idx) }
        // Drop separator and blank lines left at the end, and blank lines at the start.
        while let last = kept.last, lines.isDecoration(last) { kept.removeLast() }
        while let first = kept.first, lines.trimmed[first].isEmpty { kept.removeFirst() }
        guard !kept.isEmpty else { return normalized.mailTrimmed }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        for (n, idx) in kept.enumerated() {
            if n > 0 { out.append(MailBytes.lf) }
            if lines.trimmed[idx].isEmpty { continue }
            var end = lines.raw[idx].upperBound
            while end > lines.raw[idx].lowerBound, b[end - 1] == MailBytes.space || b[end - 1] == MailBytes.tab { end -= 1 }
            out.append(contentsOf: b[lines.raw[idx].lowerBound..<end])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The new part of an HTML-only reply: quote containers are dropped before the text rules run.
    public static func trim(html: String) -> String {
        let withoutQuotes = trim(MailHTMLText.convertDroppingQuotedHistory(html))
        if !withoutQuotes.isEmpty { return withoutQuotes }
        return trim(MailHTMLText.convert(html))
    }

    /// The new part of a parsed message, from its text/plain body or else its HTML.
    public static func trim(_ mail: ParsedMail) -> String {
        if mail.textIsFromHTML, let html = mail.htmlBody { return trim(html: html) }
        return trim(mail.textBody)
    }

    // MARK: markers

    private static func startsHistory(_ l: MailReplyLines, _ idx: Int) -> Bool {
        let raw = l.raw[idx]
        if l.equals(raw, "-- ") || l.equals(raw, "--") { return idx > 0 }
        let t = l.trimmed[idx]
        guard !t.isEmpty, l.b[t.lowerBound] != UInt8(ascii: ">") else { return false }
        if isSeparator(l, t) || isDeviceSignature(l, t) || isAttribution(l, [t]) { return true }
        // Attribution wrapped over up to three lines: "On Mon, ... John <" / "j@x.com> wrote:"
        if l.hasPrefix(t, "on ") || l.hasPrefix(t, "在") || l.hasPrefix(t, "le ") || l.hasPrefix(t, "am ") {
            var joined = [t]
            for k in (idx + 1)..<min(idx + 3, l.count) {
                let next = l.trimmed[k]
                if next.isEmpty || l.isQuoted(k) { break }
                joined.append(next)
                if isAttribution(l, joined) { return true }
            }
        }
        return isHeaderBlock(l, idx)
    }

    /// "On <date>, X wrote:", "X 于 2026年3月1日 写道：", "在 2026年3月1日 ... 写道：", "Am ... schrieb X:".
    private static func isAttribution(_ l: MailReplyLines, _ parts: [Range<Int>]) -> Bool {
        guard let first = parts.first, let last = parts.last else { return false }
        if chineseWrote.contains(where: { l.hasSuffix(last, $0) }) { return true }
        if l.hasSuffix(last, "wrote:") || l.hasSuffix(last, "writes:") {
            return l.hasPrefix(first, "on ")
                || parts.contains { r in l.b[r].contains { $0 == UInt8(ascii: "@") || ($0 >= 48 && $0 <= 57) } }
        }
        guard l.hasSuffix(last, ":") else { return false }
        if l.hasPrefix(first, "am "), parts.contains(where: { l.contains($0, "schrieb") }) { return true }
        return l.hasPrefix(first, "le ") && parts.contains(where: { l.contains($0, "a écrit") })
    }

    private static let chineseWrote = ["写道：", "写道:", "寫道：", "寫道:"]

    private static let separatorWords: Set<[UInt8]> = Set([
        "original message", "original", "原始邮件", "邮件原件", "原始郵件", "原始信件", "回复的原邮件", "reply message",
        "message d'origine", "ursprüngliche nachricht", "原邮件",
    ].map { Array($0.utf8) })

    /// "-----Original Message-----", "------------------ 原始邮件 ------------------" and the like.
    private static func isSeparator(_ l: MailReplyLines, _ t: Range<Int>) -> Bool {
        guard l.hasPrefix(t, "--") || l.hasPrefix(t, "__") else { return false }
        let core = l.trimRange(t) { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        return separatorWords.contains(l.b[core].map { MailBytes.lower($0) })
    }

    /// Mobile client signatures that precede the quoted history.
    private static func isDeviceSignature(_ l: MailReplyLines, _ t: Range<Int>) -> Bool {
        (l.hasPrefix(t, "sent from my ") && t.count < 80) || (l.hasPrefix(t, "发自我的") && t.count < 60)
            || (l.hasPrefix(t, "get outlook for ") && t.count < 60)
    }

    private static let fromLabels = ["from:", "*from:*", "发件人:", "发件人：", "寄件者:", "寄件者：", "von:", "de :", "de:"]
    private static let sentLabels = [
        "sent:", "*sent:*", "date:", "*date:*", "发送时间:", "发送时间：", "时间:", "时间：", "日期:", "日期：",
        "寄件日期:", "寄件日期：", "gesendet:", "envoyé :", "envoyé:",
    ]

    /// Outlook's "From: ... Sent: ... To: ... Subject:" header block (also the Chinese labels).
    private static func isHeaderBlock(_ l: MailReplyLines, _ idx: Int) -> Bool {
        let t = l.trimmed[idx]
        guard fromLabels.contains(where: { l.hasPrefix(t, $0) }) else { return false }
        for k in (idx + 1)..<min(idx + 6, l.count) where sentLabels.contains(where: { l.hasPrefix(l.trimmed[k], $0) }) {
            return true
        }
        return false
    }
}

/// Lines of a text as byte ranges, with case-insensitive (ASCII) matching helpers.
struct MailReplyLines {
    let b: [UInt8]
    var raw: [Range<Int>] = []
    var trimmed: [Range<Int>] = []
    var count: Int { raw.count }

    init(_ bytes: [UInt8]) {
        b = bytes
        var start = 0
        while true {
            let (contentEnd, next) = MailBytes.line(in: bytes, from: start, to: bytes.count)
            raw.append(start..<contentEnd)
            if next >= bytes.count {
                if next > contentEnd, contentEnd < bytes.count { raw.append(bytes.count..<bytes.count) }
                break
            }
            start = next
        }
        trimmed = raw.map { trimRange($0) { _ in false } }
    }

    func isQuoted(_ idx: Int) -> Bool {
        let t = trimmed[idx]
        return !t.isEmpty && b[t.lowerBound] == UInt8(ascii: ">")
    }

    /// Empty or only separator characters.
    func isDecoration(_ idx: Int) -> Bool {
        b[trimmed[idx]].allSatisfy { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "*") }
    }

    /// Trims ASCII whitespace, U+00A0, U+3000 and bytes matching `extra`.
    func trimRange(_ r: Range<Int>, extra: (UInt8) -> Bool) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi {
            if MailBytes.isWhitespace(b[lo]) || extra(b[lo]) { lo += 1 } else if let w = wideSpace(at: lo, hi) { lo += w } else { break }
        }
        while hi > lo {
            if MailBytes.isWhitespace(b[hi - 1]) || extra(b[hi - 1]) {
                hi -= 1
            } else if hi - lo >= 2, b[hi - 2] == 0xC2, b[hi - 1] == 0xA0 {
                hi -= 2
            } else if hi - lo >= 3, b[hi - 3] == 0xE3, b[hi - 2] == 0x80, b[hi - 1] == 0x80 {
                hi -= 3
            } else {
                break
            }
        }
        return lo..<hi
    }

    private func wideSpace(at i: Int, _ end: Int) -> Int? {
        if i + 1 < end, b[i] == 0xC2, b[i + 1] == 0xA0 { return 2 }
        if i + 2 < end, b[i] == 0xE3, b[i + 1] == 0x80, b[i + 2] == 0x80 { return 3 }
        return nil
    }

    /// Prefix match; ASCII letters in `r` are compared lowercased, `p` must be lowercase.
    func hasPrefix(_ r: Range<Int>, _ p: String) -> Bool {
        let u = p.utf8
        guard r.count >= u.count else { return false }
        var i = r.lowerBound
        for c in u {
            guard MailBytes.lower(b[i]) == c else { return false }
            i += 1
        }
        return true
    }

    func hasSuffix(_ r: Range<Int>, _ p: String) -> Bool {
        let u = p.utf8
        guard r.count >= u.count else { return false }
        var i = r.upperBound - u.count
        for c in u {
            guard MailBytes.lower(b[i]) == c else { return false }
            i += 1
        }
        return true
    }

    func equals(_ r: Range<Int>, _ p: String) -> Bool {
        r.count == p.utf8.count && b[r].elementsEqual(p.utf8)
    }

    func contains(_ r: Range<Int>, _ p: String) -> Bool {
        let u = Array(p.utf8)
        guard r.count >= u.count else { return false }
        for start in r.lowerBound...(r.upperBound - u.count) {
            var k = 0
            while k < u.count, MailBytes.lower(b[start + k]) == u[k] { k += 1 }
            if k == u.count { return true }
        }
        return false
    }
}
