import Foundation

/// RFC 2047 encoded words ("=?charset?B?...?=" and "=?charset?Q?...?=") in header values.
public enum MailEncodedWord {
    /// Decodes every encoded word in a header value. Words separated only by whitespace are joined,
    /// and adjacent words in the same charset are decoded together so a character split across
    /// two words survives. Text outside encoded words is kept as is.
    public static func decode(_ value: String) -> String {
        let bytes = Array(value.utf8)
        guard containsMarker(bytes) else { return value }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        // Pending encoded run: charset and raw bytes not yet converted.
        var runCharset: String?
        var runBytes: [UInt8] = []
        func flushRun() {
            guard let cs = runCharset else { return }
            out.append(contentsOf: MailCharset.decode(runBytes, charset: cs).text.utf8)
            runCharset = nil
            runBytes.removeAll(keepingCapacity: true)
        }
        var i = 0
        var textStart = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "="), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "?"),
                  let word = parseWord(bytes, at: i) else {
                i += 1
                continue
            }
            let gap = bytes[textStart..<i]
            let gapIsSpace = gap.allSatisfy { MailBytes.isWhitespace($0) }
            if !(runCharset != nil && gapIsSpace) {
                flushRun()
                out.append(contentsOf: gap)
            }
            if let cs = runCharset, cs != word.charset { flushRun() }
            runCharset = word.charset
            runBytes.append(contentsOf: word.bytes)
            i = word.end
            textStart = i
        }
        flushRun()
        out.append(contentsOf: bytes[textStart...])
        return String(decoding: out, as: UTF8.self)
    }

    private static func containsMarker(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "="), bytes[i + 1] == UInt8(ascii: "?") { return true }
            i += 1
        }
        return false
    }

    private static func parseWord(_ b: [UInt8], at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
        var j = start + 2
        let csStart = j
        while j < b.count, b[j] != UInt8(ascii: "?"), !MailBytes.isWhitespace(b[j]), j - csStart < 64 { j += 1 }
        guard j < b.count, b[j] == UInt8(ascii: "?"), j > csStart, j + 2 < b.count,
              b[j + 2] == UInt8(ascii: "?") else { return nil }
        let charset = String(decoding: b[csStart..<j], as: UTF8.self).mailLowercased
        let encoding = MailBytes.lower(b[j + 1])
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let payloadStart = j + 3
        var k = payloadStart
        while k + 1 < b.count, !(b[k] == UInt8(ascii: "?") && b[k + 1] == UInt8(ascii: "=")) {
            if b[k] == MailBytes.cr || b[k] == MailBytes.lf { return nil }
            k += 1
        }
        guard k + 1 < b.count else { return nil }
        let payload = b[payloadStart..<k]
        let decoded = encoding == UInt8(ascii: "b")
            ? MailTransferEncoding.decodeBase64(payload).bytes
            : decodeQ(payload)
        return (charset, decoded, k + 2)
    }

    private static func decodeQ(_ payload: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count)
        var i = payload.startIndex
        while i < payload.endIndex {
            let c = payload[i]
            if c == UInt8(ascii: "_") {
                out.append(MailBytes.space)
            } else if c == UInt8(ascii: "="), i + 2 < payload.endIndex,
                      let hi = MailBytes.hexValue(payload[i + 1]), let lo = MailBytes.hexValue(payload[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
                continue
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }

    // MARK: encoding

    /// True when a header value cannot be sent as is: non-ASCII, control characters, or text that
    /// a reader would mistake for an encoded word.
    public static func needsEncoding(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for b in text.utf8 {
            if b >= 0x80 || (b < 0x20 && b != MailBytes.tab) || b == 0x7F { return true }
            if previous == UInt8(ascii: "="), b == UInt8(ascii: "?") { return true }
            previous = b
        }
        return false
    }

    /// UTF-8 "B" encoded words of at most `maxLength` (≤ 75) characters each, split on character
    /// boundaries (on scalar boundaries only for a character too long for one word).
    public static func encode(_ text: String, maxLength: Int = 75) -> [String] {
        let prefix = "=?UTF-8?B?", suffix = "?="
        let payloadChars = max(4, maxLength - prefix.count - suffix.count)
        let maxBytes = max(3, payloadChars / 4 * 3)
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append(prefix + String(decoding: MailTransferEncoding.encodeBase64(chunk), as: UTF8.self) + suffix)
            chunk.removeAll(keepingCapacity: true)
        }
        for character in text {
            let utf8 = Array(character.utf8)
            if utf8.count > maxBytes {
                for scalar in character.unicodeScalars {
                    let s = Array(String(scalar).utf8)
                    if chunk.count + s.count > maxBytes { flush() }
                    chunk.append(contentsOf: s)
                }
                continue
            }
            if chunk.count + utf8.count > maxBytes { flush() }
            chunk.append(contentsOf: utf8)
        }
        flush()
        return words
    }
}
