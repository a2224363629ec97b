import Foundation

/// A Content-Type value: lowercased type and subtype, parameters with lowercased names and
/// decoded values (RFC 2231 and, leniently, RFC 2047 in quoted values).
public struct MailContentType: Sendable, Hashable {
    public var type: String
    public var subtype: String
    public var parameters: [String: String]

    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type.mailLowercased
        self.subtype = subtype.mailLowercased
        self.parameters = parameters
    }

    /// Reads a header value; anything unreadable gives text/plain.
    public init(_ headerValue: String) {
        let (value, params) = MailParameters.parse(headerValue)
        let parts = value.split(separator: "/", maxSplits: 1).map { $0.mailTrimmed }
        if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
            self.init(type: parts[0], subtype: parts[1], parameters: params)
        } else {
            self.init(type: "text", subtype: "plain", parameters: params)
        }
    }

    public static let textPlain = MailContentType(type: "text", subtype: "plain")
    public static let messageRFC822 = MailContentType(type: "message", subtype: "rfc822")

    public var mimeType: String { "\(type)/\(subtype)" }
    public var charset: String? { parameters["charset"] }
    public var boundary: String? { parameters["boundary"] }
    public var isMultipart: Bool { type == "multipart" }
    public var isText: Bool { type == "text" }
}

/// A Content-Disposition value.
public struct MailContentDisposition: Sendable, Hashable {
    /// "inline", "attachment" or whatever else the sender wrote, lowercased.
    public var kind: String
    public var parameters: [String: String]

    public init(_ headerValue: String) {
        let (value, params) = MailParameters.parse(headerValue)
        kind = value.mailLowercased
        parameters = params
    }

    public var isAttachment: Bool { kind == "attachment" }
    public var isInline: Bool { kind == "inline" }
    public var filename: String? { parameters["filename"] }
}

/// Parameter lists of structured headers ("value; a=b; c*=utf-8''%E4...").
enum MailParameters {
    private struct Piece {
        var section: Int?
        var extended: Bool
        var value: String
    }

    static func parse(_ header: String) -> (value: String, parameters: [String: String]) {
        let b = Array(header.utf8)
        var i = 0
        while i < b.count, b[i] != UInt8(ascii: ";") { i += 1 }
        var valueBytes = b[0..<i]
        // "text/plain charset=utf-8" (missing semicolon): split at the first whitespace.
        if let space = valueBytes.firstIndex(where: { $0 == MailBytes.space || $0 == MailBytes.tab }),
           valueBytes[space...].contains(UInt8(ascii: "=")) {
            i = space
            valueBytes = b[0..<space]
        }
        let value = String(decoding: valueBytes, as: UTF8.self).mailTrimmed
        var pieces: [String: [Piece]] = [:]
        while i < b.count {
            while i < b.count, b[i] == UInt8(ascii: ";") || MailBytes.isWhitespace(b[i]) { i += 1 }
            let nameStart = i
            while i < b.count, b[i] != UInt8(ascii: "="), b[i] != UInt8(ascii: ";") { i += 1 }
            let nameRange = MailBytes.trimmed(b, nameStart..<i)
            guard i < b.count, b[i] == UInt8(ascii: "=") else { continue }
            i += 1
            while i < b.count, b[i] == MailBytes.space || b[i] == MailBytes.tab { i += 1 }
            var raw: [UInt8] = []
            if i < b.count, b[i] == UInt8(ascii: "\"") {
                i += 1
                while i < b.count, b[i] != UInt8(ascii: "\"") {
                    if b[i] == UInt8(ascii: "\\"), i + 1 < b.count { i += 1 }
                    raw.append(b[i])
                    i += 1
                }
                i += 1
                while i < b.count, b[i] != UInt8(ascii: ";") { i += 1 }
            } else {
                let start = i
                while i < b.count, b[i] != UInt8(ascii: ";") { i += 1 }
                raw = Array(b[MailBytes.trimmed(b, start..<i)])
            }
            guard !nameRange.isEmpty else { continue }
            var name = String(decoding: b[nameRange], as: UTF8.self).mailLowercased
            var extended = false
            if name.hasSuffix("*") {
                extended = true
                name.removeLast()
            }
            var section: Int?
            if let star = name.lastIndex(of: "*"), let n = Int(name[name.index(after: star)...]) {
                section = n
                name = String(name[..<star])
            }
            pieces[name, default: []].append(Piece(section: section, extended: extended,
                                                   value: String(decoding: raw, as: UTF8.self)))
        }
        var params: [String: String] = [:]
        for (name, list) in pieces {
            params[name] = assemble(list)
        }
        return (value, params)
    }

    /// RFC 2231: continuations in section order, charset from the first extended section; a
    /// plain value is used only when there is no extended one.
    private static func assemble(_ list: [Piece]) -> String {
        let sectioned = list.filter { $0.section != nil }.sorted { $0.section! < $1.section! }
        if !sectioned.isEmpty {
            var charset: String?
            var bytes: [UInt8] = []
            for (n, piece) in sectioned.enumerated() {
                if piece.extended {
                    var v = piece.value
                    if n == 0, let split = splitCharset(v) {
                        charset = split.charset
                        v = split.rest
                    }
                    bytes.append(contentsOf: percentDecoded(v))
                } else {
                    bytes.append(contentsOf: piece.value.utf8)
                }
            }
            return decodeText(bytes, charset: charset)
        }
        if let ext = list.first(where: { $0.extended }) {
            guard let split = splitCharset(ext.value) else {
                return decodeText(percentDecoded(ext.value), charset: nil)
            }
            return decodeText(percentDecoded(split.rest), charset: split.charset)
        }
        let plain = list.first?.value ?? ""
        return plain.mailHasEncodedWordMarker ? MailEncodedWord.decode(plain) : plain
    }

    private static func decodeText(_ bytes: [UInt8], charset: String?) -> String {
        let text = MailCharset.decode(bytes, charset: charset).text
        return text.mailHasEncodedWordMarker ? MailEncodedWord.decode(text) : text
    }

    /// "utf-8'en'rest" → ("utf-8", "rest").
    private static func splitCharset(_ v: String) -> (charset: String?, rest: String)? {
        guard let q1 = v.firstIndex(of: "'") else { return nil }
        let afterFirst = v.index(after: q1)
        guard let q2 = v[afterFirst...].firstIndex(of: "'") else { return nil }
        let cs = String(v[..<q1])
        return (cs.isEmpty ? nil : cs, String(v[v.index(after: q2)...]))
    }

    private static func percentDecoded(_ v: String) -> [UInt8] {
        let b = Array(v.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count,
               let hi = MailBytes.hexValue(b[i + 1]), let lo = MailBytes.hexValue(b[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }
}
