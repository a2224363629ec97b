#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives the parser's events in document order. `depth` is 1 for the root element;
/// text reports the depth of the element that contains it. Throwing stops the parse.
public protocol InventoryXMLHandler {
    mutating func startElement(_ name: InventoryXMLBytes, attributes: [InventoryXMLAttribute],
                               depth: Int) throws(InventoryReadError)
    mutating func endElement(depth: Int) throws(InventoryReadError)
    mutating func text(_ text: InventoryXMLText, depth: Int) throws(InventoryReadError)
}

/// A small streaming XML parser for agent documents, safe on hostile input: no DTDs and no
/// entities beyond the five predefined ones and character references (so no expansion
/// attacks and no external entities), bounded depth, element count, name, attribute and
/// text sizes, one pass over the bytes and memory proportional to the depth. The declared
/// encoding is not consulted: agents send UTF-8, and invalid bytes turn into U+FFFD when a
/// value is read. Namespaces are not interpreted (a prefixed name is just a name).
public enum InventoryXMLParser {
    public static func parse<Handler: InventoryXMLHandler>(
        _ bytes: [UInt8], limits: InventoryReadLimits = .standard, into handler: inout Handler
    ) throws(InventoryReadError) {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge }
        let result: Result<Void, InventoryReadError> = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return .failure(.malformedXML(line: 1)) }
            var scanner = InventoryXMLScanner(base: base, count: buffer.count, limits: limits)
            do throws(InventoryReadError) {
                try scanner.run(&handler)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }
}

/// The parser's state over one borrowed buffer.
struct InventoryXMLScanner {
    typealias Syntax = InventoryXMLSyntax
    let base: UnsafePointer<UInt8>
    let count: Int
    let limits: InventoryReadLimits
    var index = 0
    var elements = 0
    var openNames: [(start: Int, length: Int)] = []
    var rootClosed = false

    init(base: UnsafePointer<UInt8>, count: Int, limits: InventoryReadLimits) {
        self.base = base
        self.count = count
        self.limits = limits
        openNames.reserveCapacity(min(limits.maxDepth, 256) + 1)
    }

    mutating func run<Handler: InventoryXMLHandler>(_ handler: inout Handler) throws(InventoryReadError) {
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { index = 3 }
        while index < count {
            if base[index] != Syntax.lessThan {
                try characterData(&handler)
            } else {
                try markup(&handler)
            }
        }
        guard openNames.isEmpty, rootClosed else { throw malformed(at: count) }
    }

    // MARK: - Text

    private mutating func characterData<Handler: InventoryXMLHandler>(_ handler: inout Handler) throws(InventoryReadError) {
        let start = index
        // Most runs are the indentation between tags or a short value: look at a few bytes
        // before handing the rest to memchr.
        var end = start
        var sawAmpersand = false
        let shortRun = min(count, start + 32)
        while end < shortRun, base[end] != Syntax.lessThan {
            if base[end] == Syntax.ampersand { sawAmpersand = true }
            end += 1
        }
        if end == shortRun, end < count {
            end = find(Syntax.lessThan, from: end)
            sawAmpersand = sawAmpersand || memchr(base + shortRun, Int32(Syntax.ampersand), end - shortRun) != nil
        }
        index = end
        guard end - start <= limits.maxTextBytes else { throw .tooLarge }
        if openNames.isEmpty {
            // Outside the root only whitespace may appear.
            for position in start..<end where !Syntax.isSpace(base[position]) { throw malformed(at: position) }
            return
        }
        let hasReferences = sawAmpersand ? try checkReferences(from: start, to: end) : false
        try handler.text(InventoryXMLText(InventoryXMLBytes(base + start, end - start), hasReferences: hasReferences),
                         depth: openNames.count)
    }

    /// Validates every `&…;` in a range; true when there is at least one.
    private func checkReferences(from start: Int, to end: Int) throws(InventoryReadError) -> Bool {
        guard let hit = memchr(base + start, Int32(Syntax.ampersand), end - start) else { return false }
        let buffer = UnsafeBufferPointer(start: base + start, count: end - start)
        guard Syntax.resolveReferences(buffer) != nil else {
            throw malformed(at: base.distance(to: hit.assumingMemoryBound(to: UInt8.self)))
        }
        return true
    }

    // MARK: - Markup

    private mutating func markup<Handler: InventoryXMLHandler>(_ handler: inout Handler) throws(InventoryReadError) {
        guard index + 1 < count else { throw malformed(at: index) }
        switch base[index + 1] {
        case Syntax.slash: try endTag(&handler)
        case Syntax.question: try skip(until: Syntax.question, Syntax.greaterThan, from: index + 2)
        case Syntax.bang: try declaration(&handler)
        default: try startTag(&handler)
        }
    }

    /// `<!--…-->`, `<![CDATA[…]]>`, and every other `<!…` (DOCTYPE, ENTITY, ELEMENT, …) refused.
    private mutating func declaration<Handler: InventoryXMLHandler>(_ handler: inout Handler) throws(InventoryReadError) {
        if hasPrefix("<!--", at: index) {
            try skip(until: UInt8(ascii: "-"), UInt8(ascii: "-"), Syntax.greaterThan, from: index + 4)
            return
        }
        guard hasPrefix("<![CDATA[", at: index) else { throw .entitiesRefused }
        guard !openNames.isEmpty else { throw malformed(at: index) }
        let start = index + 9
        try skip(until: UInt8(ascii: "]"), UInt8(ascii: "]"), Syntax.greaterThan, from: start)
        let length = index - 3 - start
        guard length <= limits.maxTextBytes else { throw .tooLarge }
        try handler.text(InventoryXMLText(InventoryXMLBytes(base + start, length), hasReferences: false),
                         depth: openNames.count)
    }

    private mutating func startTag<Handler: InventoryXMLHandler>(_ handler: inout Handler) throws(InventoryReadError) {
        guard !rootClosed else { throw malformed(at: index) }
        let nameStart = index + 1
        let nameLength = try name(from: nameStart)
        index = nameStart + nameLength
        var attributes: [InventoryXMLAttribute] = []
        var selfClosing = false
        while true {
            let sawSpace = skipSpaces()
            guard index < count else { throw malformed(at: count) }
            let byte = base[index]
            if byte == Syntax.greaterThan {
                index += 1
                break
            }
            if byte == Syntax.slash {
                guard index + 1 < count, base[index + 1] == Syntax.greaterThan else { throw malformed(at: index) }
                index += 2
                selfClosing = true
                break
            }
            guard sawSpace else { throw malformed(at: index) }
            guard attributes.count < limits.maxAttributesPerElement else { throw .tooLarge }
            attributes.append(try attribute())
        }
        elements += 1
        guard elements <= limits.maxElements else { throw .tooLarge }
        guard openNames.count < limits.maxDepth else { throw .tooDeep }
        openNames.append((nameStart, nameLength))
        try handler.startElement(InventoryXMLBytes(base + nameStart, nameLength), attributes: attributes,
                                 depth: openNames.count)
        if selfClosing { try close(&handler) }
    }

    private mutating func attribute() throws(InventoryReadError) -> InventoryXMLAttribute {
        let nameStart = index
        let nameLength = try name(from: nameStart)
        index = nameStart + nameLength
        _ = skipSpaces()
        guard index < count, base[index] == Syntax.equals else { throw malformed(at: index) }
        index += 1
        _ = skipSpaces()
        guard index < count, base[index] == 0x22 || base[index] == 0x27 else { throw malformed(at: index) }
        let quote = base[index]
        let valueStart = index + 1
        let valueEnd = find(quote, from: valueStart)
        guard valueEnd < count else { throw valueEnd - valueStart > limits.maxAttributeBytes ? .tooLarge : malformed(at: count) }
        guard valueEnd - valueStart <= limits.maxAttributeBytes else { throw .tooLarge }
        if memchr(base + valueStart, Int32(Syntax.lessThan), valueEnd - valueStart) != nil { throw malformed(at: valueStart) }
        let hasReferences = try checkReferences(from: valueStart, to: valueEnd)
        index = valueEnd + 1
        return InventoryXMLAttribute(
            name: InventoryXMLBytes(base + nameStart, nameLength),
            value: InventoryXMLText(InventoryXMLBytes(base + valueStart, valueEnd - valueStart), hasReferences: hasReferences))
    }

    private mutating func endTag<Handler: InventoryXMLHandler>(_ handler: inout Handler) throws(InventoryReadError) {
        let nameStart = index + 2
        // The name must be the open element's: compare it directly instead of scanning it.
        guard let open = openNames.last, nameStart + open.length < count,
              memcmp(base + open.start, base + nameStart, open.length) == 0,
              Syntax.endsName(base[nameStart + open.length]) else { throw malformed(at: index) }
        index = nameStart + open.length
        _ = skipSpaces()
        guard index < count, base[index] == Syntax.greaterThan else { throw malformed(at: index) }
        index += 1
        try close(&handler)
    }

    private mutating func close<Handler: InventoryXMLHandler>(_ handler: inout Handler) throws(InventoryReadError) {
        let depth = openNames.count
        openNames.removeLast()
        if openNames.isEmpty { rootClosed = true }
        try handler.endElement(depth: depth)
    }

    // MARK: - Scanning helpers

    /// The length of the name starting at `start`.
    private func name(from start: Int) throws(InventoryReadError) -> Int {
        var position = start
        while position < count, !Syntax.endsName(base[position]) {
            if Syntax.isForbiddenInName(base[position]) { throw malformed(at: position) }
            position += 1
            if position - start > limits.maxNameBytes { throw .tooLarge }
        }
        guard position < count else { throw malformed(at: count) }
        guard position > start else { throw malformed(at: start) }
        return position - start
    }

    /// Skips whitespace; true when there was some.
    private mutating func skipSpaces() -> Bool {
        let start = index
        while index < count, Syntax.isSpace(base[index]) { index += 1 }
        return index > start
    }

    /// Moves `index` past the first occurrence of the terminator bytes at or after `from`.
    private mutating func skip(until terminator: UInt8..., from start: Int) throws(InventoryReadError) {
        let last = terminator[terminator.count - 1]
        var position = start
        while true {
            let hit = find(last, from: position)
            guard hit < count else { throw malformed(at: count) }
            var matches = hit - start >= terminator.count - 1
            var offset = 1
            while matches, offset < terminator.count {
                matches = base[hit - offset] == terminator[terminator.count - 1 - offset]
                offset += 1
            }
            if matches {
                index = hit + 1
                return
            }
            position = hit + 1
        }
    }

    private func hasPrefix(_ literal: StaticString, at position: Int) -> Bool {
        let length = literal.utf8CodeUnitCount
        return position + length <= count && memcmp(base + position, literal.utf8Start, length) == 0
    }

    @inline(__always)
    private func find(_ byte: UInt8, from start: Int) -> Int {
        guard start < count, let hit = memchr(base + start, Int32(byte), count - start) else { return count }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The error for a position: its 1-based line number.
    private func malformed(at position: Int) -> InventoryReadError {
        var line = 1
        var cursor = 0
        let end = min(position, count)
        while cursor < end, let hit = memchr(base + cursor, 0x0A, end - cursor) {
            line += 1
            cursor = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return .malformedXML(line: line)
    }
}
