import Foundation

/// A mailbox: optional display name and an address whose domain is lowercased.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public var name: String?
    public private(set) var address: String

    public init(address: String, name: String? = nil) {
        self.address = MailAddress.normalized(address)
        let trimmed = name?.mailTrimmed
        self.name = (trimmed?.isEmpty ?? true) ? nil : trimmed
    }

    public var localPart: String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return String(address[..<at])
    }

    /// The domain, lowercased; empty when the address has none.
    public var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return String(address[address.index(after: at)...])
    }

    public var description: String { formatted }

    /// Header form: `"Doe, John" <j@x.com>`, `=?UTF-8?B?...?= <z@x.cn>` or the bare address.
    public var formatted: String {
        guard let name else { return address }
        let clean = name.mailSingleLine
        if MailEncodedWord.needsEncoding(clean) {
            return MailEncodedWord.encode(clean).joined(separator: " ") + " <\(address)>"
        }
        if clean.utf8.contains(where: { MailAddress.specials.contains($0) }) {
            var quoted = "\""
            for ch in clean {
                if ch == "\"" || ch == "\\" { quoted.append("\\") }
                quoted.append(ch)
            }
            return quoted + "\" <\(address)>"
        }
        return "\(clean) <\(address)>"
    }

    private static let specials = Set("()<>[]:;@\\,.\"".utf8)

    private static func normalized(_ raw: String) -> String {
        var a = raw.mailWithoutWhitespace
        if a.mailLowercased.hasPrefix("mailto:") { a.removeFirst(7) }
        guard let at = a.lastIndex(of: "@") else { return a }
        return String(a[...at]) + a[a.index(after: at)...].lowercased()
    }

    // MARK: parsing

    /// The first mailbox of a header value.
    public static func parse(_ header: String) -> MailAddress? {
        parseList(header).first
    }

    /// Every mailbox of an address-list header value (From, To, Cc, Reply-To); group names are
    /// dropped and their members kept. Entries without any address are skipped.
    public static func parseList(_ header: String) -> [MailAddress] {
        var result: [MailAddress] = []
        for item in splitItems(Array(header.utf8)) {
            if let mailbox = mailbox(item) { result.append(mailbox) }
        }
        return result
    }

    /// Splits on top-level commas; a colon outside quotes and angle brackets ends a group name and
    /// a semicolon ends a group.
    private static func splitItems(_ b: [UInt8]) -> [ArraySlice<UInt8>] {
        var items: [ArraySlice<UInt8>] = []
        var start = 0
        var inQuote = false, inAngle = false
        var comment = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            if inQuote {
                if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inQuote = false }
            } else if comment > 0 {
                if c == UInt8(ascii: "(") { comment += 1 } else if c == UInt8(ascii: ")") { comment -= 1 }
            } else {
                switch c {
                case UInt8(ascii: "\""): inQuote = true
                case UInt8(ascii: "("): comment = 1
                case UInt8(ascii: "<"): inAngle = true
                case UInt8(ascii: ">"): inAngle = false
                case UInt8(ascii: ","), UInt8(ascii: ";"):
                    if !inAngle {
                        items.append(b[start..<i])
                        start = i + 1
                    }
                case UInt8(ascii: ":"):
                    if !inAngle { start = i + 1 }
                default: break
                }
            }
            i += 1
        }
        if start < b.count { items.append(b[start...]) }
        return items
    }

    private static func mailbox(_ item: ArraySlice<UInt8>) -> MailAddress? {
        // Find an angle address outside quotes.
        var inQuote = false
        var open: Int?
        var i = item.startIndex
        while i < item.endIndex {
            let c = item[i]
            if c == UInt8(ascii: "\\"), inQuote { i += 2; continue }
            if c == UInt8(ascii: "\"") { inQuote.toggle() }
            if c == UInt8(ascii: "<"), !inQuote { open = i; break }
            i += 1
        }
        if let open {
            var close = open + 1
            while close < item.endIndex, item[close] != UInt8(ascii: ">") { close += 1 }
            var addr = String(decoding: item[(open + 1)..<close], as: UTF8.self)
            if let colon = addr.lastIndex(of: ":"), addr.hasPrefix("@") { addr = String(addr[addr.index(after: colon)...]) }
            let mailbox = MailAddress(address: addr, name: displayName(item[item.startIndex..<open]))
            return mailbox.address.isEmpty ? nil : mailbox
        }
        // Bare address, perhaps with a comment holding the name, or "Name addr@x".
        var plain: [UInt8] = []
        var commentText: [UInt8] = []
        var depth = 0
        for c in item {
            if c == UInt8(ascii: "(") { depth += 1; if depth == 1 { continue } }
            if c == UInt8(ascii: ")"), depth > 0 { depth -= 1; if depth == 0 { continue } }
            if depth > 0 { commentText.append(c) } else { plain.append(c) }
        }
        let words = String(decoding: plain, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !words.isEmpty else { return nil }
        if let at = words.lastIndex(where: { $0.contains("@") }), words.count > 1 {
            let name = words[..<at].joined(separator: " ")
            return MailAddress(address: String(words[at]), name: displayName(ArraySlice(name.utf8)))
        }
        guard words.count == 1 else { return nil }
        let address = String(words[0])
        let name = commentText.isEmpty ? nil : displayName(ArraySlice(commentText))
        return MailAddress(address: address, name: name)
    }

    /// Unquotes, decodes encoded words (also inside quotes, as many clients send them) and
    /// collapses whitespace.
    private static func displayName(_ raw: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var inQuote = false
        var i = raw.startIndex
        while i < raw.endIndex {
            let c = raw[i]
            if inQuote, c == UInt8(ascii: "\\"), i + 1 < raw.endIndex {
                out.append(raw[i + 1])
                i += 2
                continue
            }
            if c == UInt8(ascii: "\"") { inQuote.toggle() } else { out.append(c) }
            i += 1
        }
        let text = MailBytes.collapsedWhitespace(MailEncodedWord.decode(String(decoding: out, as: UTF8.self)))
        return text.isEmpty ? nil : text
    }
}
