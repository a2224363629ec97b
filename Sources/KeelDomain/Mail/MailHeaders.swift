import Foundation

/// One header field, unfolded. `value` is the raw text: encoded words are not decoded.
public struct MailHeaderField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Header fields in message order with case-insensitive lookup.
public struct MailHeaders: Sendable, Hashable {
    public private(set) var fields: [MailHeaderField]
    private var keys: [String]

    public init(_ fields: [MailHeaderField] = []) {
        self.fields = fields
        self.keys = fields.map { $0.name.mailLowercased }
    }

    public var isEmpty: Bool { fields.isEmpty }

    public mutating func append(name: String, value: String) {
        fields.append(MailHeaderField(name: name, value: value))
        keys.append(name.mailLowercased)
    }

    /// The first value of a header, raw.
    public subscript(name: String) -> String? {
        let key = name.mailLowercased
        for (i, k) in keys.enumerated() where k == key { return fields[i].value }
        return nil
    }

    /// All values of a header in message order, raw.
    public func values(_ name: String) -> [String] {
        let key = name.mailLowercased
        return keys.indices.compactMap { keys[$0] == key ? fields[$0].value : nil }
    }

    public func contains(_ name: String) -> Bool {
        keys.contains(name.mailLowercased)
    }

    /// The first value with encoded words decoded and whitespace collapsed.
    public func decoded(_ name: String) -> String? {
        self[name].map { MailBytes.collapsedWhitespace(MailEncodedWord.decode($0)) }
    }

    /// Parses a header block (e.g. a text/rfc822-headers part or DSN fields).
    public static func parse(_ bytes: [UInt8]) -> MailHeaders {
        var issues = Set<MailParseWarning>()
        return parse(bytes, 0..<bytes.count, issues: &issues).headers
    }

    /// Parses the header section in `range`; returns where the body starts. Tolerates bare LF,
    /// an mbox "From " line, stray lines without a colon and a missing blank line.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, issues: inout Set<MailParseWarning>)
        -> (headers: MailHeaders, bodyStart: Int) {
        var raw: [(name: String, value: [UInt8])] = []
        var i = range.lowerBound
        let end = range.upperBound
        var bodyStart = end
        if MailBytes.hasPrefixIgnoringCase(bytes, at: i, end: end, Array("from ".utf8)) {
            i = MailBytes.line(in: bytes, from: i, to: end).next
        }
        while i < end {
            let (contentEnd, next) = MailBytes.line(in: bytes, from: i, to: end)
            if next == contentEnd + 1, bytes[contentEnd] == MailBytes.lf {
                issues.insert(.bareLineFeeds)
            }
            if contentEnd == i {
                bodyStart = next
                break
            }
            let first = bytes[i]
            if first == MailBytes.space || first == MailBytes.tab {
                if !raw.isEmpty {
                    let content = MailBytes.trimmed(bytes, i..<contentEnd)
                    if !content.isEmpty {
                        if !raw[raw.count - 1].value.isEmpty { raw[raw.count - 1].value.append(MailBytes.space) }
                        raw[raw.count - 1].value.append(contentsOf: bytes[content])
                    }
                }
                i = next
                continue
            }
            if let field = headerLine(bytes, i, contentEnd) {
                raw.append(field)
                i = next
                continue
            }
            // Not a header line: skip it when a header follows, otherwise the body starts here.
            issues.insert(.malformedHeaderLine)
            let after = MailBytes.line(in: bytes, from: next, to: end)
            if next < end, raw.count > 0, headerLine(bytes, next, after.contentEnd) != nil {
                i = next
                continue
            }
            bodyStart = i
            break
        }
        return (decodeValues(raw, issues: &issues), bodyStart)
    }

    private static func headerLine(_ bytes: [UInt8], _ start: Int, _ end: Int) -> (name: String, value: [UInt8])? {
        var colon = start
        while colon < end && bytes[colon] != UInt8(ascii: ":") {
            let b = bytes[colon]
            if b <= 32 || b >= 127 {
                // Allow whitespace between name and colon ("Subject : x"), nothing else.
                if b == MailBytes.space || b == MailBytes.tab { colon += 1; continue }
                return nil
            }
            colon += 1
        }
        guard colon < end else { return nil }
        let nameRange = MailBytes.trimmed(bytes, start..<colon)
        guard !nameRange.isEmpty,
              !bytes[nameRange].contains(where: { $0 == MailBytes.space || $0 == MailBytes.tab }) else { return nil }
        let valueRange = MailBytes.trimmed(bytes, (colon + 1)..<end)
        return (String(decoding: bytes[nameRange], as: UTF8.self), Array(bytes[valueRange]))
    }

    /// Raw 8-bit values are read in the message's declared charset when not UTF-8.
    private static func decodeValues(_ raw: [(name: String, value: [UInt8])], issues: inout Set<MailParseWarning>)
        -> MailHeaders {
        var fallback: String?
        var resolved = false
        var headers = MailHeaders()
        headers.fields.reserveCapacity(raw.count)
        headers.keys.reserveCapacity(raw.count)
        for field in raw {
            let value: String
            if MailBytes.isASCII(field.value) {
                value = String(decoding: field.value, as: UTF8.self)
            } else if let utf8 = String(validating: field.value, as: UTF8.self) {
                value = utf8
            } else {
                if !resolved {
                    resolved = true
                    if let ct = raw.first(where: { $0.name.mailLowercased == "content-type" }) {
                        fallback = MailContentType(String(decoding: ct.value, as: UTF8.self)).charset
                    }
                }
                issues.insert(.unencodedHeaderBytes)
                value = MailCharset.decode(field.value, charset: fallback).text
            }
            headers.append(name: field.name, value: value)
        }
        return headers
    }
}
