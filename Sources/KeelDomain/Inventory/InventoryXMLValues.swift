#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes of the document being parsed: a name, or raw text or attribute content.
/// The view borrows the parser's buffer, so it is valid only during the handler call that
/// received it; copy out what you keep (`string`).
public struct InventoryXMLBytes {
    let base: UnsafePointer<UInt8>
    public let count: Int

    init(_ base: UnsafePointer<UInt8>, _ count: Int) {
        self.base = base
        self.count = count
    }

    public subscript(index: Int) -> UInt8 { base[index] }

    /// The bytes as a string; invalid UTF-8 becomes U+FFFD.
    public var string: String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    /// True when the bytes spell `literal` exactly (ASCII names such as `SOFTWARES`).
    public func equals(_ literal: StaticString) -> Bool {
        literal.utf8CodeUnitCount == count && memcmp(base, literal.utf8Start, count) == 0
    }
}

/// Character data or an attribute value. Entity and character references were checked by
/// the parser; `string` resolves them. CDATA content arrives with no references to resolve.
public struct InventoryXMLText {
    public let raw: InventoryXMLBytes
    let hasReferences: Bool

    init(_ raw: InventoryXMLBytes, hasReferences: Bool) {
        self.raw = raw
        self.hasReferences = hasReferences
    }

    /// The text with references resolved; invalid UTF-8 becomes U+FFFD.
    public var string: String { decode(start: 0, end: raw.count) }

    /// As `string`, without leading and trailing ASCII whitespace.
    public var trimmedString: String {
        var start = 0
        var end = raw.count
        while start < end, InventoryXMLSyntax.isSpace(raw.base[start]) { start += 1 }
        while end > start, InventoryXMLSyntax.isSpace(raw.base[end - 1]) { end -= 1 }
        return decode(start: start, end: end)
    }

    /// True when the text is only spaces, tabs and line ends (the indentation between tags).
    public var isWhitespace: Bool {
        for index in 0..<raw.count where !InventoryXMLSyntax.isSpace(raw.base[index]) { return false }
        return true
    }

    private func decode(start: Int, end: Int) -> String {
        let slice = UnsafeBufferPointer(start: raw.base + start, count: end - start)
        if !hasReferences { return String(decoding: slice, as: UTF8.self) }
        // The parser validated every reference before handing the text out.
        let resolved = InventoryXMLSyntax.resolveReferences(slice) ?? []
        return String(decoding: resolved, as: UTF8.self)
    }
}

/// One attribute of a start tag.
public struct InventoryXMLAttribute {
    public let name: InventoryXMLBytes
    public let value: InventoryXMLText
}

/// Byte classes and reference resolution shared by the parser and its values.
enum InventoryXMLSyntax {
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let ampersand = UInt8(ascii: "&")
    static let slash = UInt8(ascii: "/")
    static let equals = UInt8(ascii: "=")
    static let question = UInt8(ascii: "?")
    static let bang = UInt8(ascii: "!")
    static let semicolon = UInt8(ascii: ";")

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    /// Bytes that end a name; quotes, `<` and `&` inside a name make it malformed.
    @inline(__always)
    static func endsName(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == greaterThan || byte == slash || byte == equals
    }

    @inline(__always)
    static func isForbiddenInName(_ byte: UInt8) -> Bool {
        byte == lessThan || byte == ampersand || byte == 0x22 || byte == 0x27 || byte < 0x20
    }

    /// Resolves the five predefined entities and numeric character references; nil when a
    /// reference is unknown, unterminated or names a character XML 1.0 does not allow.
    static func resolveReferences(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte != ampersand {
                out.append(byte)
                index += 1
                continue
            }
            var end = index + 1
            while end < count, end - index <= 12, bytes[end] != semicolon { end += 1 }
            guard end < count, bytes[end] == semicolon, end > index + 1 else { return nil }
            let body = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])
            if body[0] == UInt8(ascii: "#") {
                guard let scalar = characterReference(body) else { return nil }
                UTF8.encode(scalar) { out.append($0) }
            } else {
                guard let replacement = predefinedEntity(body) else { return nil }
                out.append(replacement)
            }
            index = end + 1
        }
        return out
    }

    private static let predefined: [(StaticString, UInt8)] = [
        ("lt", lessThan), ("gt", greaterThan), ("amp", ampersand), ("quot", 0x22), ("apos", 0x27),
    ]

    private static func predefinedEntity(_ name: UnsafeBufferPointer<UInt8>) -> UInt8? {
        for (literal, byte) in predefined
        where literal.utf8CodeUnitCount == name.count && memcmp(name.baseAddress!, literal.utf8Start, name.count) == 0 {
            return byte
        }
        return nil
    }

    /// `#123` or `#x1F600` (the bytes between `&` and `;`).
    private static func characterReference(_ body: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        var index = 1
        var radix: UInt32 = 10
        if index < body.count, body[index] == UInt8(ascii: "x") {
            radix = 16
            index += 1
        }
        guard index < body.count else { return nil }
        var value: UInt32 = 0
        while index < body.count {
            guard let digit = digitValue(body[index], radix: radix) else { return nil }
            value = value * radix + digit
            guard value <= 0x10FFFF else { return nil }
            index += 1
        }
        let allowedControl = value == 0x09 || value == 0x0A || value == 0x0D
        guard value >= 0x20 || allowedControl, value != 0xFFFE, value != 0xFFFF else { return nil }
        return Unicode.Scalar(value)
    }

    private static func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
