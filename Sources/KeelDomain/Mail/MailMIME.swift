import Foundation

/// One MIME entity. The body is a range of `buffer`; parts of one message share the buffer.
struct MailPart: Sendable {
    var headers: MailHeaders
    var contentType: MailContentType
    var disposition: MailContentDisposition?
    var encoding: MailTransferEncoding
    var buffer: [UInt8]
    var body: Range<Int>
    var children: [MailPart] = []
    /// Set for message/rfc822 parts: the embedded message.
    var embedded: [MailPart] = []
}

/// Builds the MIME tree, collecting warnings instead of failing.
struct MailMIMEParser {
    static let maxDepth = 24
    var warnings = Set<MailParseWarning>()

    mutating func parse(_ buffer: [UInt8], _ range: Range<Int>, depth: Int = 0,
                        defaultType: MailContentType = .textPlain) -> MailPart {
        let (headers, bodyStart) = MailHeaders.parse(buffer, range, issues: &warnings)
        let contentType = headers["Content-Type"].map { MailContentType($0) } ?? defaultType
        var encoding = MailTransferEncoding.sevenBit
        if let cte = headers["Content-Transfer-Encoding"] {
            if let e = MailTransferEncoding(headerValue: cte) { encoding = e } else { warnings.insert(.unknownTransferEncoding) }
        }
        var part = MailPart(headers: headers, contentType: contentType,
                            disposition: headers["Content-Disposition"].map { MailContentDisposition($0) },
                            encoding: encoding, buffer: buffer, body: bodyStart..<range.upperBound)
        if contentType.isMultipart {
            guard depth < Self.maxDepth else {
                warnings.insert(.nestingTooDeep)
                return part
            }
            parseChildren(&part, depth: depth)
        } else if contentType.type == "message",
                  contentType.subtype == "rfc822" || contentType.subtype == "global" {
            guard depth < Self.maxDepth else {
                warnings.insert(.nestingTooDeep)
                return part
            }
            let inner = decodedBody(part)
            part.embedded = [parse(inner, 0..<inner.count, depth: depth + 1)]
        }
        return part
    }

    private mutating func parseChildren(_ part: inout MailPart, depth: Int) {
        let buffer = part.buffer
        var split: (parts: [Range<Int>], closed: Bool)?
        if let boundary = part.contentType.boundary, !boundary.isEmpty {
            split = Self.split(buffer, part.body, boundary: Array(boundary.utf8))
        } else {
            warnings.insert(.missingBoundary)
        }
        if split == nil, let guessed = Self.guessBoundary(buffer, part.body) {
            warnings.insert(.boundaryGuessed)
            split = Self.split(buffer, part.body, boundary: guessed)
        }
        guard let found = split else {
            warnings.insert(.boundaryNotFound)
            // Read the body as plain text so nothing is lost.
            part.contentType = MailContentType(type: "text", subtype: "plain",
                                               parameters: part.contentType.charset.map { ["charset": $0] } ?? [:])
            return
        }
        if !found.closed { warnings.insert(.missingCloseDelimiter) }
        let childDefault = part.contentType.subtype == "digest" ? MailContentType.messageRFC822 : .textPlain
        part.children = found.parts.map { parse(buffer, $0, depth: depth + 1, defaultType: childDefault) }
    }

    /// Ranges between delimiter lines; nil when the boundary never occurs.
    static func split(_ b: [UInt8], _ range: Range<Int>, boundary: [UInt8]) -> (parts: [Range<Int>], closed: Bool)? {
        b.withUnsafeBufferPointer { p in
            let dash = UInt8(ascii: "-")
            var parts: [Range<Int>] = []
            var partStart: Int?
            var lineStart = range.lowerBound
            let end = range.upperBound
            while lineStart < end {
                let (contentEnd, next) = MailBytes.line(in: p, from: lineStart, to: end)
                if contentEnd - lineStart >= boundary.count + 2, p[lineStart] == dash, p[lineStart + 1] == dash,
                   UnsafeBufferPointer(rebasing: p[(lineStart + 2)..<(lineStart + 2 + boundary.count)]).elementsEqual(boundary) {
                    var after = lineStart + 2 + boundary.count
                    let isClose = after + 2 <= contentEnd && p[after] == dash && p[after + 1] == dash
                    if isClose { after += 2 }
                    if p[after..<contentEnd].allSatisfy({ $0 == MailBytes.space || $0 == MailBytes.tab }) {
                        if let s = partStart {
                            var e = lineStart
                            if e > s, p[e - 1] == MailBytes.lf { e -= 1 }
                            if e > s, p[e - 1] == MailBytes.cr { e -= 1 }
                            parts.append(s..<e)
                        }
                        if isClose { return (parts, true) }
                        partStart = next
                    }
                }
                lineStart = next
            }
            guard let s = partStart else { return nil }
            parts.append(s..<end)
            return (parts, false)
        }
    }

    /// The first "--token" line when the declared boundary is missing or never used.
    static func guessBoundary(_ b: [UInt8], _ range: Range<Int>) -> [UInt8]? {
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            let (contentEnd, next) = MailBytes.line(in: b, from: lineStart, to: range.upperBound)
            let content = MailBytes.trimmed(b, lineStart..<contentEnd)
            if content.count > 2, content.lowerBound == lineStart, b[lineStart] == UInt8(ascii: "-"),
               b[lineStart + 1] == UInt8(ascii: "-"),
               !b[content].contains(where: { $0 == MailBytes.space || $0 == MailBytes.tab }) {
                var token = Array(b[(lineStart + 2)..<content.upperBound])
                if token.count > 2, token.suffix(2) == [45, 45] { token.removeLast(2) }
                if token.contains(where: { $0 != UInt8(ascii: "-") }) { return token }
            }
            lineStart = next
        }
        return nil
    }

    /// The body with its transfer encoding undone.
    mutating func decodedBody(_ part: MailPart) -> [UInt8] {
        let raw = part.buffer[part.body]
        switch part.encoding {
        case .base64:
            let r = MailTransferEncoding.decodeBase64(raw)
            if !r.clean { warnings.insert(.invalidBase64) }
            return r.bytes
        case .quotedPrintable:
            let r = MailTransferEncoding.decodeQuotedPrintable(raw)
            if !r.clean { warnings.insert(.invalidQuotedPrintable) }
            return r.bytes
        case .sevenBit, .eightBit, .binary:
            return Array(raw)
        }
    }

    /// The body as text in its charset, LF line endings.
    mutating func text(_ part: MailPart) -> String {
        var bytes = decodedBody(part)
        var charset = part.contentType.charset
        if charset == nil, part.contentType.subtype == "html" { charset = Self.metaCharset(bytes) }
        let asciiCompatible = MailCharset.isASCIICompatible(charset)
        if asciiCompatible { bytes = MailBytes.normalizedNewlines(bytes) }
        let decoded = MailCharset.decode(bytes, charset: charset)
        switch decoded.issue {
        case .unknownCharset: warnings.insert(.unknownCharset)
        case .invalidBytes: warnings.insert(.invalidCharsetBytes)
        case nil: break
        }
        return asciiCompatible ? decoded.text : MailBytes.normalizedNewlines(decoded.text)
    }

    /// charset from `<meta charset=...>` or `<meta http-equiv content="...; charset=...">` near the top.
    static func metaCharset(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(2048).map { MailBytes.lower($0) }
        let needle = Array("charset=".utf8)
        guard head.count >= needle.count else { return nil }
        for i in 0...(head.count - needle.count) where head[i..<(i + needle.count)].elementsEqual(needle) {
            var j = i + needle.count
            while j < head.count, head[j] == UInt8(ascii: "\"") || head[j] == UInt8(ascii: "'") { j += 1 }
            let start = j
            while j < head.count, head[j] > 32, head[j] != UInt8(ascii: "\""), head[j] != UInt8(ascii: "'"),
                  head[j] != UInt8(ascii: ";"), head[j] != UInt8(ascii: ">"), head[j] != UInt8(ascii: "/") { j += 1 }
            if j > start { return String(decoding: head[start..<j], as: UTF8.self) }
        }
        return nil
    }
}
