import Foundation

/// Keys that tie a message to a ticket: the subject tag and Message-ID lists.
public enum MailThreading {
    /// "[Keel #1042]" for prefix "Keel"; "[#1042]" for an empty prefix.
    public static func subjectTag(prefix: String, number: Int) -> String {
        prefix.isEmpty ? "[#\(number)]" : "[\(prefix) #\(number)]"
    }

    /// The subject with the ticket tag appended unless it already carries it.
    public static func taggedSubject(_ subject: String, prefix: String, number: Int) -> String {
        if ticketNumber(inSubject: subject, prefix: prefix) == number { return subject }
        let base = subject.mailTrimmed
        return base.isEmpty ? subjectTag(prefix: prefix, number: number) : "\(base) \(subjectTag(prefix: prefix, number: number))"
    }

    /// The number of the first "[<prefix> #n]" tag anywhere in the subject. The prefix matches
    /// case-insensitively; spaces inside the brackets, full-width brackets and "＃" are accepted.
    public static func ticketNumber(inSubject subject: String, prefix: String) -> Int? {
        let s = Array(subject.unicodeScalars)
        let p = Array(prefix.mailLowercased.unicodeScalars)
        var i = 0
        while i < s.count {
            if isOpen(s[i]), let n = tagNumber(s, after: i + 1, prefix: p) { return n }
            i += 1
        }
        return nil
    }

    private static func isOpen(_ c: Unicode.Scalar) -> Bool { c == "[" || c == "【" || c == "［" }
    private static func isClose(_ c: Unicode.Scalar) -> Bool { c == "]" || c == "】" || c == "］" }
    private static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\u{3000}" }

    private static func tagNumber(_ s: [Unicode.Scalar], after start: Int, prefix: [Unicode.Scalar]) -> Int? {
        var i = start
        while i < s.count, isSpace(s[i]) { i += 1 }
        for c in prefix {
            guard i < s.count, lowered(s[i]) == c else { return nil }
            i += 1
        }
        while i < s.count, isSpace(s[i]) { i += 1 }
        guard i < s.count, s[i] == "#" || s[i] == "＃" else { return nil }
        i += 1
        var value = 0
        var digits = 0
        while i < s.count, let d = asciiDigit(s[i]) {
            guard digits < 18 else { return nil }
            value = value * 10 + d
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        while i < s.count, isSpace(s[i]) { i += 1 }
        guard i < s.count, isClose(s[i]) else { return nil }
        return value
    }

    private static func lowered(_ c: Unicode.Scalar) -> Unicode.Scalar {
        (c.value >= 65 && c.value <= 90) ? Unicode.Scalar(c.value + 32)! : c
    }

    private static func asciiDigit(_ c: Unicode.Scalar) -> Int? {
        (c.value >= 48 && c.value <= 57) ? Int(c.value - 48) : nil
    }

    /// Reply and forward prefixes, lowercased, without the colon.
    private static let replyPrefixes: [String] = [
        "re", "fwd", "fw", "aw", "wg", "sv", "vs", "antw", "tr",
        "回复", "答复", "转发", "回覆", "轉寄", "转寄", "答覆", "轉發",
    ]

    /// The subject for display: reply and forward prefixes ("Re:", "RE[2]:", "Fwd:", "回复：", "转发:")
    /// removed repeatedly, whitespace collapsed, and the ticket tag removed when `tagPrefix` is given.
    public static func normalizedSubject(_ subject: String, removingTagWithPrefix tagPrefix: String? = nil) -> String {
        var s = MailBytes.collapsedWhitespace(subject)
        if let tagPrefix { s = removingTag(s, prefix: tagPrefix) }
        var changed = true
        while changed {
            changed = false
            let lower = s.mailLowercased
            for prefix in replyPrefixes where lower.hasPrefix(prefix) {
                var rest = lower.dropFirst(prefix.count)
                // Optional counter: "Re[2]:" or "Re(2):"
                if let f = rest.first, f == "[" || f == "(" {
                    let counter = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
                    let afterCounter = rest.dropFirst(1 + counter.count)
                    if !counter.isEmpty, let close = afterCounter.first, close == "]" || close == ")" {
                        rest = afterCounter.dropFirst()
                    }
                }
                rest = rest.drop { $0 == " " }
                guard let colon = rest.first, colon == ":" || colon == "：" else { continue }
                let consumed = lower.count - rest.count + 1
                s = String(s.dropFirst(consumed)).mailTrimmed
                changed = true
                break
            }
        }
        return s
    }

    private static func removingTag(_ subject: String, prefix: String) -> String {
        guard ticketNumber(inSubject: subject, prefix: prefix) != nil else { return subject }
        let chars = Array(subject)
        let p = Array(prefix.mailLowercased.unicodeScalars)
        for (i, ch) in chars.enumerated() where ch == "[" || ch == "【" || ch == "［" {
            let scalars = Array(String(chars[(i + 1)...]).unicodeScalars)
            guard tagNumber(scalars, after: 0, prefix: p) != nil,
                  let close = chars[(i + 1)...].firstIndex(where: { $0 == "]" || $0 == "】" || $0 == "］" }) else { continue }
            let joined = String(chars[..<i]) + " " + String(chars[(close + 1)...])
            return MailBytes.collapsedWhitespace(joined)
        }
        return subject
    }

    /// Message-IDs in a Message-ID, In-Reply-To or References value, in order, with angle
    /// brackets, without duplicates. Ids written without brackets are accepted when they contain "@".
    public static func messageIDs(in value: String) -> [String] {
        var ids: [String] = []
        var seen = Set<String>()
        func add(_ id: String) {
            let clean = id.mailWithoutWhitespace
            guard clean.count > 2, !seen.contains(clean) else { return }
            seen.insert(clean)
            ids.append(clean)
        }
        var rest = Substring(value)
        var sawAngle = false
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            sawAngle = true
            add(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        if !sawAngle {
            for token in value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\r" || $0 == "\n" })
            where token.contains("@") {
                add("<\(token)>")
            }
        }
        return ids
    }

    /// "<id@host>" from an id with or without brackets.
    public static func bracketed(_ id: String) -> String {
        let t = id.mailWithoutWhitespace
        if t.hasPrefix("<") && t.hasSuffix(">") { return t }
        return "<\(t.mailTrimmed("<>"))>"
    }
}
