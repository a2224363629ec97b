import Foundation

/// Content-Transfer-Encoding and the base64 / Q codecs of encoded words.
public enum MailTransferEncoding: String, Sendable, Hashable {
    case sevenBit = "7bit"
    case eightBit = "8bit"
    case binary
    case base64
    case quotedPrintable = "quoted-printable"

    /// Reads a Content-Transfer-Encoding value; nil for unknown encodings (treated as 8bit by callers).
    public init?(headerValue: String) {
        let v = headerValue.mailLowercased.mailTrimmed(" \t\"'")
        switch v {
        case "7bit", "": self = .sevenBit
        case "8bit", "8-bit": self = .eightBit
        case "binary": self = .binary
        case "base64", "base-64": self = .base64
        case "quoted-printable", "quotedprintable", "qp": self = .quotedPrintable
        default: return nil
        }
    }

    // MARK: base64

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodeTable: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        // URL-safe variants show up in the wild.
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// Decodes base64, skipping characters outside the alphabet and decoding every complete
    /// quantum it can read. `clean` is false when anything other than whitespace had to be skipped.
    public static func decodeBase64<C: Collection>(_ input: C) -> (bytes: [UInt8], clean: Bool) where C.Element == UInt8 {
        if let r = input.withContiguousStorageIfAvailable({ decodeBase64Buffer($0) }) { return r }
        return Array(input).withUnsafeBufferPointer { decodeBase64Buffer($0) }
    }

    private static func decodeBase64Buffer(_ input: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], clean: Bool) {
        var clean = true
        let bytes = [UInt8](unsafeUninitializedCapacity: input.count * 3 / 4 + 3) { out, count in
            var o = 0
            var acc: UInt32 = 0
            var n = 0
            decodeTable.withUnsafeBufferPointer { table in
                for c in input {
                    let v = table[Int(c)]
                    if v != 0xFF {
                        acc = (acc << 6) | UInt32(v)
                        n += 1
                        if n == 4 {
                            out[o] = UInt8(truncatingIfNeeded: acc >> 16)
                            out[o + 1] = UInt8(truncatingIfNeeded: acc >> 8)
                            out[o + 2] = UInt8(truncatingIfNeeded: acc)
                            o += 3
                            acc = 0
                            n = 0
                        }
                    } else if c == UInt8(ascii: "=") {
                        // Padding ends a quantum; concatenated base64 blobs continue after it.
                        flush(&acc, &n, into: out, at: &o)
                    } else if !MailBytes.isWhitespace(c) {
                        clean = false
                    }
                }
            }
            if n == 1 { clean = false }
            flush(&acc, &n, into: out, at: &o)
            count = o
        }
        return (bytes, clean)
    }

    @inline(__always)
    private static func flush(_ acc: inout UInt32, _ n: inout Int, into out: UnsafeMutableBufferPointer<UInt8>, at o: inout Int) {
        switch n {
        case 2:
            out[o] = UInt8(truncatingIfNeeded: acc >> 4)
            o += 1
        case 3:
            out[o] = UInt8(truncatingIfNeeded: acc >> 10)
            out[o + 1] = UInt8(truncatingIfNeeded: acc >> 2)
            o += 2
        default: break
        }
        acc = 0
        n = 0
    }

    /// Base64 with an optional line length (76 for bodies) and CRLF breaks.
    public static func encodeBase64(_ bytes: [UInt8], lineLength: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 4 / 3 + bytes.count / 38 + 8)
        var column = 0
        var i = 0
        func emit(_ c: UInt8) {
            if let max = lineLength, column == max {
                out.append(MailBytes.cr)
                out.append(MailBytes.lf)
                column = 0
            }
            out.append(c)
            column += 1
        }
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let v = (b0 << 16) | (b1 << 8) | b2
            emit(alphabet[Int((v >> 18) & 63)])
            emit(alphabet[Int((v >> 12) & 63)])
            emit(i + 1 < bytes.count ? alphabet[Int((v >> 6) & 63)] : UInt8(ascii: "="))
            emit(i + 2 < bytes.count ? alphabet[Int(v & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return out
    }

    // MARK: quoted-printable

    /// Decodes quoted-printable; malformed escapes are kept literally. `clean` reports whether
    /// all escapes were valid.
    public static func decodeQuotedPrintable<C: Collection>(_ input: C) -> (bytes: [UInt8], clean: Bool)
    where C.Element == UInt8 {
        if let r = input.withContiguousStorageIfAvailable({ decodeQuotedPrintableBuffer($0) }) { return r }
        return Array(input).withUnsafeBufferPointer { decodeQuotedPrintableBuffer($0) }
    }

    private static func decodeQuotedPrintableBuffer(_ input: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], clean: Bool) {
        var clean = true
        let equals = UInt8(ascii: "=")
        let bytes = [UInt8](unsafeUninitializedCapacity: input.count) { out, count in
            var o = 0
            var i = 0
            let end = input.count
            while i < end {
                let c = input[i]
                if c != equals {
                    out[o] = c
                    o += 1
                    i += 1
                    continue
                }
                // Soft line break: "=" then optional trailing whitespace then CRLF or LF (or the end).
                var j = i + 1
                while j < end && (input[j] == MailBytes.space || input[j] == MailBytes.tab) { j += 1 }
                if j == end { i = j; continue }
                if input[j] == MailBytes.lf { i = j + 1; continue }
                if input[j] == MailBytes.cr {
                    i = (j + 1 < end && input[j + 1] == MailBytes.lf) ? j + 2 : j + 1
                    continue
                }
                if i + 2 < end, let hi = MailBytes.hexValue(input[i + 1]), let lo = MailBytes.hexValue(input[i + 2]) {
                    out[o] = hi << 4 | lo
                    o += 1
                    i += 3
                    continue
                }
                clean = false
                out[o] = c
                o += 1
                i += 1
            }
            count = o
        }
        return (bytes, clean)
    }

    /// Quoted-printable for a UTF-8 text body: CRLF hard breaks, soft breaks keep lines ≤ 76.
    public static func encodeQuotedPrintable(_ text: String) -> [UInt8] {
        let bytes = Array(MailBytes.normalizedNewlines(text).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8 + 16)
        var column = 0
        let hex = Array("0123456789ABCDEF".utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == MailBytes.lf {
                out.append(MailBytes.cr)
                out.append(MailBytes.lf)
                column = 0
                i += 1
                continue
            }
            let atLineEnd = i + 1 == bytes.count || bytes[i + 1] == MailBytes.lf
            let literal: Bool
            switch b {
            case MailBytes.space, MailBytes.tab: literal = !atLineEnd
            case UInt8(ascii: "="): literal = false
            case UInt8(ascii: "."): literal = column != 0
            case UInt8(ascii: "F"): literal = !(column == 0 && startsFrom(bytes, i))
            case 33...126: literal = true
            default: literal = false
            }
            let width = literal ? 1 : 3
            // Leave room for the "=" of a soft break.
            if column + width > 75 {
                out.append(UInt8(ascii: "="))
                out.append(MailBytes.cr)
                out.append(MailBytes.lf)
                column = 0
                if b == UInt8(ascii: ".") || (b == UInt8(ascii: "F") && startsFrom(bytes, i)) {
                    out.append(UInt8(ascii: "="))
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 15)])
                    column = 3
                    i += 1
                    continue
                }
            }
            if literal {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "="))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            }
            column += width
            i += 1
        }
        return out
    }

    private static func startsFrom(_ bytes: [UInt8], _ i: Int) -> Bool {
        i + 5 <= bytes.count && bytes[i..<(i + 5)].elementsEqual("From ".utf8)
    }
}
