import Foundation

/// Readable text from mail HTML: blocks on their own lines, "- " list items, "text (url)" links,
/// entities decoded, scripts, styles and the head dropped, whitespace collapsed.
public enum MailHTMLText {
    public static func convert(_ html: String) -> String {
        var c = MailHTMLConverter(html: html, dropQuotes: false)
        return c.run()
    }

    /// As `convert`, but containers of quoted history are left out: Gmail's "gmail_quote",
    /// `<blockquote type="cite">`, Thunderbird's cite prefix, and everything from Outlook's
    /// "divRplyFwdMsg" / "appendonsend" markers on.
    public static func convertDroppingQuotedHistory(_ html: String) -> String {
        var c = MailHTMLConverter(html: html, dropQuotes: true)
        return c.run()
    }
}

/// What the conversion does with a tag.
enum MailHTMLTag: Sendable {
    case br, p, li, list, blockquote, pre, cell, a, head, dropped, heading, line

    /// Tag names by FNV-1a of the lowercased name, so tags are classified without building strings.
    static let byKey: [UInt64: MailHTMLTag] = {
        var t: [UInt64: MailHTMLTag] = [:]
        func add(_ names: [String], _ tag: MailHTMLTag) { for n in names { t[key(Array(n.utf8)[...])] = tag } }
        add(["br"], .br)
        add(["p"], .p)
        add(["li"], .li)
        add(["ul", "ol"], .list)
        add(["blockquote"], .blockquote)
        add(["pre"], .pre)
        add(["td", "th"], .cell)
        add(["a"], .a)
        add(["head"], .head)
        add(["script", "style", "title", "noscript", "template", "xml", "svg", "object", "iframe", "textarea", "select"],
            .dropped)
        add(["h1", "h2", "h3", "h4", "h5", "h6"], .heading)
        add(["div", "table", "tr", "dl", "dt", "dd", "section", "article", "header", "footer", "address", "center",
             "form", "fieldset", "nav", "aside", "main", "figure", "figcaption", "details", "summary", "hr", "caption",
             "body", "html", "tbody", "thead", "tfoot"], .line)
        return t
    }()

    @inline(__always)
    static func key(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in bytes { h = (h ^ UInt64(MailBytes.lower(c))) &* 0x0000_0100_0000_01b3 }
        return h
    }
}

struct MailHTMLConverter {
    private let b: [UInt8]
    private var w: MailHTMLWriter
    private let dropQuotes: Bool
    private var skip: (key: UInt64, depth: Int)?
    private var preDepth = 0
    private var listDepth = 0
    private var paragraphIsMso = false
    private var paragraphStart = 0
    private var link: (href: [UInt8], start: Int)?
    private var stopped = false

    private static let quoteClasses = ["gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote"].map { Array($0.utf8) }
    private static let cutIDs = ["divrplyfwdmsg", "appendonsend"].map { Array($0.utf8) }
    private static let blockquoteKey = MailHTMLTag.key(Array("blockquote".utf8)[...])

    init(html: String, dropQuotes: Bool) {
        b = Array(html.utf8)
        w = MailHTMLWriter(capacity: b.count / 2)
        self.dropQuotes = dropQuotes
    }

    mutating func run() -> String {
        var i = 0
        var textStart = 0
        let n = b.count
        while i < n, !stopped {
            let c = b[i]
            if c == UInt8(ascii: "<") {
                emitText(textStart..<i)
                if let next = markup(at: i) {
                    i = next
                } else {
                    emitText(i..<(i + 1))
                    i += 1
                }
                textStart = i
            } else if c == UInt8(ascii: "&") {
                emitText(textStart..<i)
                if let (scalar, next) = MailHTMLEntities.decode(b, at: i, end: n) {
                    if skip == nil { w.scalar(scalar) }
                    i = next
                } else {
                    emitText(i..<(i + 1))
                    i += 1
                }
                textStart = i
            } else {
                i += 1
            }
        }
        if !stopped { emitText(textStart..<n) }
        return w.finish()
    }

    private mutating func emitText(_ r: Range<Int>) {
        guard !r.isEmpty, skip == nil else { return }
        if preDepth > 0 { w.preformatted(b, r) } else { w.text(b, r) }
    }

    /// Handles the markup at `b[i] == "<"`; nil when it is a literal "<".
    private mutating func markup(at i: Int) -> Int? {
        let n = b.count
        guard i + 1 < n else { return nil }
        let c = b[i + 1]
        if c == UInt8(ascii: "!") {
            if i + 3 < n, b[i + 2] == UInt8(ascii: "-"), b[i + 3] == UInt8(ascii: "-") {
                return find(Array("-->".utf8), from: i + 4).map { $0 + 3 } ?? n
            }
            return find([UInt8(ascii: ">")], from: i + 2).map { $0 + 1 } ?? n
        }
        if c == UInt8(ascii: "?") { return find([UInt8(ascii: ">")], from: i + 2).map { $0 + 1 } ?? n }
        let closing = c == UInt8(ascii: "/")
        let nameStart = closing ? i + 2 : i + 1
        guard nameStart < n, isLetter(b[nameStart]) else { return nil }
        var j = nameStart
        while j < n, isLetter(b[j]) || (b[j] >= 48 && b[j] <= 57) || b[j] == UInt8(ascii: ":") || b[j] == UInt8(ascii: "-") {
            j += 1
        }
        let name = nameStart..<j
        var attrs = Attributes()
        let end = parseAttributes(from: j, into: &attrs)
        if closing {
            close(name)
            return end
        }
        return open(name, attrs, tagEnd: end)
    }

    /// Value ranges of the few attributes the conversion needs.
    private struct Attributes {
        var href: Range<Int>?
        var cls: Range<Int>?
        var id: Range<Int>?
        var type: Range<Int>?
        var selfClosing = false
    }

    /// Reads attributes up to and past ">".
    private func parseAttributes(from start: Int, into a: inout Attributes) -> Int {
        let n = b.count
        var j = start
        while j < n {
            while j < n, MailBytes.isWhitespace(b[j]) { j += 1 }
            guard j < n else { break }
            if b[j] == UInt8(ascii: ">") { return j + 1 }
            if b[j] == UInt8(ascii: "/") {
                if j + 1 < n, b[j + 1] == UInt8(ascii: ">") { a.selfClosing = true; return j + 2 }
                j += 1
                continue
            }
            let nameStart = j
            while j < n, !MailBytes.isWhitespace(b[j]), b[j] != UInt8(ascii: "="), b[j] != UInt8(ascii: ">"),
                  b[j] != UInt8(ascii: "/") { j += 1 }
            let attrName = nameStart..<j
            while j < n, MailBytes.isWhitespace(b[j]) { j += 1 }
            guard j < n, b[j] == UInt8(ascii: "=") else { continue }
            j += 1
            while j < n, MailBytes.isWhitespace(b[j]) { j += 1 }
            var valueRange = j..<j
            if j < n, b[j] == UInt8(ascii: "\"") || b[j] == UInt8(ascii: "'") {
                let quote = b[j]
                var k = j + 1
                while k < n, b[k] != quote { k += 1 }
                valueRange = (j + 1)..<k
                j = min(n, k + 1)
            } else {
                var k = j
                while k < n, !MailBytes.isWhitespace(b[k]), b[k] != UInt8(ascii: ">") { k += 1 }
                valueRange = j..<k
                j = k
            }
            switch attrName.count {
            case 4 where matches(attrName, "href"): a.href = valueRange
            case 5 where matches(attrName, "class"): a.cls = valueRange
            case 2 where matches(attrName, "id"): a.id = valueRange
            case 4 where matches(attrName, "type"): a.type = valueRange
            default: break
            }
        }
        return n
    }

    private mutating func open(_ name: Range<Int>, _ a: Attributes, tagEnd: Int) -> Int {
        let key = MailHTMLTag.key(b[name])
        if var s = skip {
            if s.key == key, !a.selfClosing { s.depth += 1; skip = s }
            return tagEnd
        }
        let tag = MailHTMLTag.byKey[key]
        if tag == .dropped || tag == .head {
            if a.selfClosing { return tagEnd }
            let needle = [UInt8(ascii: "<"), UInt8(ascii: "/")] + b[name].map { MailBytes.lower($0) }
            if let close = find(needle, from: tagEnd, ignoringCase: true) {
                return find([UInt8(ascii: ">")], from: close).map { $0 + 1 } ?? b.count
            }
            if tag == .head, let body = find(Array("<body".utf8), from: tagEnd, ignoringCase: true) { return body }
            return tagEnd
        }
        if dropQuotes {
            if let id = a.id, Self.cutIDs.contains(where: { equals(id, $0) }) {
                stopped = true
                return tagEnd
            }
            let classQuoted = a.cls.map { cls in Self.quoteClasses.contains { contains(cls, $0) } } ?? false
            let citeQuoted = key == Self.blockquoteKey
                && ((a.type.map { matches($0, "cite") } ?? false) || (a.cls.map { contains($0, Array("quote".utf8)) } ?? false))
            if (classQuoted || citeQuoted), !a.selfClosing {
                skip = (key, 1)
                w.lineBreak(1)
                return tagEnd
            }
        }
        switch tag {
        case .br: w.hardBreak()
        case .p:
            paragraphIsMso = a.cls.map { $0.count >= 3 && matches($0.lowerBound..<($0.lowerBound + 3), "mso") } ?? false
            w.lineBreak(paragraphIsMso ? 1 : 2)
            paragraphStart = w.position
        case .li:
            w.lineBreak(1)
            w.literal(String(repeating: "  ", count: max(0, listDepth - 1)) + "- ")
        case .list:
            listDepth += 1
            w.lineBreak(listDepth == 1 ? 2 : 1)
        case .blockquote:
            w.lineBreak(1)
            w.quoteDepth += 1
        case .pre:
            w.lineBreak(1)
            preDepth += 1
        case .cell: w.space()
        case .a: link = (a.href.map { Array(MailHTMLEntities.decodeAll(b[$0]).mailTrimmed.utf8) } ?? [], w.position)
        case .heading: w.lineBreak(2)
        case .line: w.lineBreak(1)
        case .head, .dropped, nil: break
        }
        return tagEnd
    }

    private mutating func close(_ name: Range<Int>) {
        let key = MailHTMLTag.key(b[name])
        if var s = skip {
            if s.key == key { s.depth -= 1; skip = s.depth == 0 ? nil : s }
            return
        }
        switch MailHTMLTag.byKey[key] {
        case .p:
            // Outlook writes blank lines as empty paragraphs holding only &nbsp;.
            w.lineBreak(paragraphIsMso && w.position > paragraphStart ? 1 : 2)
        case .li, .line: w.lineBreak(1)
        case .list:
            listDepth = max(0, listDepth - 1)
            w.lineBreak(listDepth == 0 ? 2 : 1)
        case .blockquote:
            w.quoteDepth = max(0, w.quoteDepth - 1)
            w.lineBreak(1)
        case .pre:
            preDepth = max(0, preDepth - 1)
            w.lineBreak(1)
        case .a: finishLink()
        case .heading: w.lineBreak(2)
        case .br, .cell, .head, .dropped, nil: break
        }
    }

    /// Appends " (url)" when the link text does not already show the target.
    private mutating func finishLink() {
        guard let (href, start) = link else { return }
        link = nil
        guard !href.isEmpty, start <= w.position else { return }
        if Self.hiddenSchemes.contains(where: { Self.hasPrefix(href, 0..<href.count, $0) }) { return }
        let textRange = MailBytes.trimmed(w.out, start..<w.out.count)
        guard !textRange.isEmpty else { return }
        var target = 0..<href.count
        if Self.hasPrefix(href, target, Self.mailto) {
            let q = href[Self.mailto.count...].firstIndex(of: UInt8(ascii: "?")) ?? href.count
            target = Self.mailto.count..<q
        }
        let a = Self.comparable(w.out, textRange), t = Self.comparable(href, target)
        let same = a.count == t.count && zip(w.out[a], href[t]).allSatisfy { MailBytes.lower($0) == MailBytes.lower($1) }
        if !same { w.literal(" (" + String(decoding: href[target], as: UTF8.self) + ")") }
    }

    private static let mailto = Array("mailto:".utf8)
    private static let hiddenSchemes = ["#", "javascript:", "cid:", "data:"].map { Array($0.utf8) }
    private static let shownPrefixes = ["mailto:", "https://", "http://", "www."].map { Array($0.utf8) }

    /// The range without scheme, "www." and trailing slashes.
    private static func comparable(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound
        var hi = r.upperBound
        for p in shownPrefixes where hasPrefix(b, lo..<hi, p) { lo += p.count }
        while hi > lo, b[hi - 1] == UInt8(ascii: "/") { hi -= 1 }
        return lo..<hi
    }

    private static func hasPrefix(_ b: [UInt8], _ r: Range<Int>, _ lowercase: [UInt8]) -> Bool {
        guard r.count >= lowercase.count else { return false }
        for k in 0..<lowercase.count where MailBytes.lower(b[r.lowerBound + k]) != lowercase[k] { return false }
        return true
    }

    /// Case-insensitive equality of an ASCII range with a lowercase name.
    private func matches(_ r: Range<Int>, _ name: StaticString) -> Bool {
        guard r.count == name.utf8CodeUnitCount else { return false }
        let p = name.utf8Start
        for k in 0..<r.count where MailBytes.lower(b[r.lowerBound + k]) != p[k] { return false }
        return true
    }

    private func equals(_ r: Range<Int>, _ lowercase: [UInt8]) -> Bool {
        r.count == lowercase.count && contains(r, lowercase)
    }

    /// Case-insensitive substring test within a range.
    private func contains(_ r: Range<Int>, _ lowercase: [UInt8]) -> Bool {
        guard !lowercase.isEmpty, r.count >= lowercase.count else { return false }
        var i = r.lowerBound
        while i <= r.upperBound - lowercase.count {
            var k = 0
            while k < lowercase.count, MailBytes.lower(b[i + k]) == lowercase[k] { k += 1 }
            if k == lowercase.count { return true }
            i += 1
        }
        return false
    }

    private func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    private func find(_ needle: [UInt8], from start: Int, ignoringCase: Bool = false) -> Int? {
        let n = b.count
        guard !needle.isEmpty, n >= needle.count, start <= n - needle.count else { return nil }
        let first = needle[0]
        var i = start
        while i <= n - needle.count {
            let c = ignoringCase ? MailBytes.lower(b[i]) : b[i]
            if c == first {
                var k = 1
                while k < needle.count, (ignoringCase ? MailBytes.lower(b[i + k]) : b[i + k]) == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
