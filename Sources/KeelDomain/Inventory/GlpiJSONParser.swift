/// A JSON value as `GlpiJSONParser` read it. Numbers keep the text the agent wrote, so
/// `487268` and `"487268"` reach the assembler alike and no value goes through a Double.
enum GlpiJSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([GlpiJSONValue])
    /// Members in document order; duplicate keys are kept (readers decide which wins).
    case object([GlpiJSONMember])
}

struct GlpiJSONMember: Sendable, Equatable {
    var key: String
    var value: GlpiJSONValue
}

/// A small RFC 8259 parser for agent requests, safe on hostile input: it never recurses
/// (containers live on an explicit stack), refuses nesting deeper than `maxDepth` the moment
/// it is opened, counts every value against `maxElements`, bounds keys by `maxNameBytes`,
/// strings by `maxTextBytes` and numbers by `maxNameBytes`, and makes one pass over the
/// bytes. The grammar is strict (no comments, trailing commas, single quotes, NaN, leading
/// zeros or raw control characters in strings); the encoding is lenient like the XML
/// parser's: invalid UTF-8 and lone surrogate escapes become U+FFFD. A UTF-8 byte order mark
/// is skipped.
enum GlpiJSONParser {
    static func parse(_ bytes: [UInt8], limits: InventoryReadLimits) throws(InventoryReadError) -> GlpiJSONValue {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge }
        let result: Result<GlpiJSONValue, InventoryReadError> = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return .failure(.malformedJSON(line: 1)) }
            var scanner = GlpiJSONScanner(base: base, count: buffer.count, limits: limits)
            do throws(InventoryReadError) {
                return .success(try scanner.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// The parser's state over one borrowed buffer.
struct GlpiJSONScanner {
    /// An open container. Values are appended in place on the stack, so that a long array
    /// is never copied (amortised O(1) per element).
    private struct Container {
        let isObject: Bool
        var items: [GlpiJSONValue] = []
        var members: [GlpiJSONMember] = []
        /// The key of the member being read (objects only).
        var key = ""
    }

    private let base: UnsafePointer<UInt8>
    private let count: Int
    private let limits: InventoryReadLimits
    private var index = 0
    private var values = 0

    init(base: UnsafePointer<UInt8>, count: Int, limits: InventoryReadLimits) {
        self.base = base
        self.count = count
        self.limits = limits
    }

    mutating func document() throws(InventoryReadError) -> GlpiJSONValue {
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { index = 3 }
        var stack: [Container] = []
        stack.reserveCapacity(min(limits.maxDepth, 64))
        while true {
            // A value, or the first member of a container that stays open.
            skipSpace()
            guard index < count else { throw malformed() }
            var value: GlpiJSONValue
            switch base[index] {
            case UInt8(ascii: "{"):
                try open(depth: stack.count + 1)
                skipSpace()
                if index < count, base[index] == UInt8(ascii: "}") {
                    index += 1
                    value = .object([])
                } else {
                    stack.append(Container(isObject: true, key: try key()))
                    continue
                }
            case UInt8(ascii: "["):
                try open(depth: stack.count + 1)
                skipSpace()
                if index < count, base[index] == UInt8(ascii: "]") {
                    index += 1
                    value = .array([])
                } else {
                    stack.append(Container(isObject: false))
                    continue
                }
            default:
                value = try scalar()
            }
            // Attach the value, closing every container that ends right after it.
            while true {
                guard !stack.isEmpty else {
                    skipSpace()
                    guard index == count else { throw malformed() }
                    return value
                }
                let top = stack.count - 1
                let isObject = stack[top].isObject
                if isObject {
                    stack[top].members.append(GlpiJSONMember(key: stack[top].key, value: value))
                } else {
                    stack[top].items.append(value)
                }
                skipSpace()
                guard index < count else { throw malformed() }
                let separator = base[index]
                if separator == UInt8(ascii: ",") {
                    index += 1
                    if isObject {
                        skipSpace()
                        stack[top].key = try key()
                    }
                    break
                }
                guard separator == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { throw malformed() }
                index += 1
                let closed = stack.removeLast()
                value = isObject ? .object(closed.members) : .array(closed.items)
            }
        }
    }

    // MARK: - Values

    private mutating func open(depth: Int) throws(InventoryReadError) {
        guard depth <= limits.maxDepth else { throw .tooDeep }
        try countValue()
        index += 1
    }

    private mutating func countValue() throws(InventoryReadError) {
        values += 1
        guard values <= limits.maxElements else { throw .tooLarge }
    }

    /// `"name"` and the colon after it.
    private mutating func key() throws(InventoryReadError) -> String {
        guard index < count, base[index] == UInt8(ascii: "\"") else { throw malformed() }
        let name = try string(limit: limits.maxNameBytes)
        skipSpace()
        guard index < count, base[index] == UInt8(ascii: ":") else { throw malformed() }
        index += 1
        return name
    }

    private mutating func scalar() throws(InventoryReadError) -> GlpiJSONValue {
        try countValue()
        switch base[index] {
        case UInt8(ascii: "\""): return .string(try string(limit: limits.maxTextBytes))
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString) throws(InventoryReadError) {
        let length = word.utf8CodeUnitCount
        guard count - index >= length else { throw malformed() }
        for offset in 0..<length where base[index + offset] != word.utf8Start[offset] {
            index += offset
            throw malformed()
        }
        index += length
    }

    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`, kept as written.
    private mutating func number() throws(InventoryReadError) -> String {
        let start = index
        if index < count, base[index] == UInt8(ascii: "-") { index += 1 }
        guard index < count, isDigit(base[index]) else { throw malformed() }
        if base[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            skipDigits()
        }
        if index < count, base[index] == UInt8(ascii: ".") {
            index += 1
            guard index < count, isDigit(base[index]) else { throw malformed() }
            skipDigits()
        }
        if index < count, base[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < count, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") { index += 1 }
            guard index < count, isDigit(base[index]) else { throw malformed() }
            skipDigits()
        }
        guard index - start <= limits.maxNameBytes else { throw .tooLarge }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
    }

    /// A string starting at the opening quote; `limit` bounds its raw (escaped) length, which
    /// is checked as the scan goes, so an unterminated string stops at the limit.
    private mutating func string(limit: Int) throws(InventoryReadError) -> String {
        index += 1
        let start = index
        var decoded: [UInt8]?
        var chunk = start
        while true {
            guard index < count else { throw index - start > limit ? .tooLarge : malformed() }
            guard index - start <= limit else { throw .tooLarge }
            let byte = base[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw malformed() }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if decoded == nil { decoded = [] }
            decoded!.append(contentsOf: UnsafeBufferPointer(start: base + chunk, count: index - chunk))
            try escape(into: &decoded!)
            chunk = index
        }
        let end = index
        index += 1
        guard var decoded else {
            return String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        }
        decoded.append(contentsOf: UnsafeBufferPointer(start: base + chunk, count: end - chunk))
        return String(decoding: decoded, as: UTF8.self)
    }

    /// One escape sequence starting at the backslash.
    private mutating func escape(into out: inout [UInt8]) throws(InventoryReadError) {
        guard index + 1 < count else { throw malformed() }
        let kind = base[index + 1]
        index += 2
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(kind)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar), count - index >= 6, base[index] == UInt8(ascii: "\\"),
               base[index + 1] == UInt8(ascii: "u") {
                let mark = index
                index += 2
                let low = try hex4()
                if (0xDC00...0xDFFF).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    index = mark // a lone high surrogate; the next escape stands on its own
                }
            }
            UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}") { out.append($0) }
        default:
            index -= 1
            throw malformed()
        }
    }

    private mutating func hex4() throws(InventoryReadError) -> UInt32 {
        guard count - index >= 4 else { throw malformed() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw malformed()
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    // MARK: - Bytes

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while index < count, isDigit(base[index]) { index += 1 }
    }

    private mutating func skipSpace() {
        while index < count, InventoryXMLSyntax.isSpace(base[index]) { index += 1 }
    }

    /// The error for the byte at `index`, with its 1-based line.
    private func malformed() -> InventoryReadError {
        var line = 1
        for position in 0..<min(index, count) where base[position] == 0x0A { line += 1 }
        return .malformedJSON(line: line)
    }
}
