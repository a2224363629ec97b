import Foundation

/// Output side of the HTML-to-text conversion: collapses whitespace, places line breaks (at most
/// one blank line), prefixes quoted lines with "> " and list items with "- ".
struct MailHTMLWriter {
    private(set) var out: [UInt8] = []
    private var pendingSpace = false
    private var pendingBreaks = 0
    private var atLineStart = true
    var quoteDepth = 0

    init(capacity: Int) {
        out.reserveCapacity(capacity)
    }

    /// Text outside <pre>: whitespace runs become one space.
    mutating func text(_ b: [UInt8], _ range: Range<Int>) {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let c = b[i]
            if MailBytes.isWhitespace(c) || c == 0x0C {
                pendingSpace = true
                i += 1
            } else if c == 0xC2, i + 1 < end, b[i + 1] == 0xA0 {
                pendingSpace = true  // U+00A0
                i += 2
            } else {
                // Copy the whole run up to the next space at once.
                var j = i + 1
                while j < end, !MailBytes.isWhitespace(b[j]), b[j] != 0x0C, !(b[j] == 0xC2 && j + 1 < end && b[j + 1] == 0xA0) {
                    j += 1
                }
                flush()
                out.append(contentsOf: b[i..<j])
                i = j
            }
        }
    }

    mutating func scalar(_ s: Unicode.Scalar) {
        if s.value == 0xA0 || s.value == 0x20 || s.value == 0x09 || s.value == 0x0A || s.value == 0x0D {
            pendingSpace = true
            return
        }
        flush()
        out.append(contentsOf: String(s).utf8)
    }

    /// Preformatted text: kept as written, line breaks included.
    mutating func preformatted(_ b: [UInt8], _ range: Range<Int>) {
        for i in range {
            let c = b[i]
            if c == MailBytes.cr { continue }
            if c == MailBytes.lf {
                out.append(MailBytes.lf)
                atLineStart = true
                pendingSpace = false
                pendingBreaks = 0
                continue
            }
            flush()
            out.append(c)
        }
    }

    /// Ends the current line; `count` 2 asks for a blank line.
    mutating func lineBreak(_ count: Int = 1) {
        pendingBreaks = max(pendingBreaks, min(count, 2))
        pendingSpace = false
    }

    /// A <br>: each one adds a break, up to one blank line.
    mutating func hardBreak() {
        pendingBreaks = min(pendingBreaks + 1, 2)
        if out.isEmpty { pendingBreaks = 0 }
        pendingSpace = false
    }

    mutating func space() {
        pendingSpace = true
    }

    /// Writes literal text (list markers, link targets) after any pending break.
    mutating func literal(_ s: String, keepingPendingSpace: Bool = false) {
        flush(allowSpace: keepingPendingSpace)
        out.append(contentsOf: s.utf8)
        pendingSpace = false
    }

    var position: Int { out.count }

    private mutating func flush(allowSpace: Bool = true) {
        if pendingBreaks > 0, !out.isEmpty {
            var trailing = 0
            var k = out.count - 1
            while k >= 0, out[k] == MailBytes.lf, trailing < 2 { trailing += 1; k -= 1 }
            for _ in 0..<max(0, pendingBreaks - trailing) { out.append(MailBytes.lf) }
            atLineStart = true
            pendingSpace = false
        }
        pendingBreaks = 0
        if atLineStart {
            for _ in 0..<quoteDepth { out.append(contentsOf: [UInt8(ascii: ">"), MailBytes.space]) }
            atLineStart = false
            pendingSpace = false
            return
        }
        if pendingSpace, allowSpace, let last = out.last, last != MailBytes.space, last != MailBytes.lf {
            out.append(MailBytes.space)
        }
        pendingSpace = false
    }

    /// The text, trailing whitespace removed from every line and from the end.
    func finish() -> String {
        var result: [UInt8] = []
        result.reserveCapacity(out.count)
        var lineStart = 0
        var i = 0
        while i <= out.count {
            if i == out.count || out[i] == MailBytes.lf {
                var e = i
                while e > lineStart, out[e - 1] == MailBytes.space || out[e - 1] == MailBytes.tab { e -= 1 }
                result.append(contentsOf: out[lineStart..<e])
                if i < out.count { result.append(MailBytes.lf) }
                lineStart = i + 1
            }
            i += 1
        }
        while let last = result.last, last == MailBytes.lf || last == MailBytes.space { result.removeLast() }
        var start = 0
        while start < result.count, result[start] == MailBytes.lf { start += 1 }
        return String(decoding: result[start...], as: UTF8.self)
    }
}
