import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers shared by the mail parser; everything works on `[UInt8]` and index ranges.
enum MailBytes {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let space: UInt8 = 32
    static let tab: UInt8 = 9

    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        b == space || b == tab || b == cr || b == lf
    }

    /// White_Space, with an ASCII fast path.
    @inline(__always)
    static func isUnicodeWhitespace(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value == 32 || (s.value >= 9 && s.value <= 13) }
        return s.properties.isWhitespace
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 {
        (b >= 65 && b <= 90) ? b | 0x20 : b
    }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 65...70: return b - 55
        case 97...102: return b - 87
        default: return nil
        }
    }

    /// Index just past the end of the line starting at `i` (past the LF), and the end of its content
    /// (before CR LF or LF).
    @inline(__always)
    static func line(in bytes: [UInt8], from i: Int, to end: Int) -> (contentEnd: Int, next: Int) {
        bytes.withUnsafeBufferPointer { line(in: $0, from: i, to: end) }
    }

    @inline(__always)
    static func line(in p: UnsafeBufferPointer<UInt8>, from i: Int, to end: Int) -> (contentEnd: Int, next: Int) {
        guard i < end, let base = p.baseAddress else { return (i, end) }
        guard let found = memchr(base + i, Int32(lf), end - i) else {
            var contentEnd = end
            if contentEnd > i && p[contentEnd - 1] == cr { contentEnd -= 1 }
            return (contentEnd, end)
        }
        let j = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
        var contentEnd = j
        if contentEnd > i && p[contentEnd - 1] == cr { contentEnd -= 1 }
        return (contentEnd, j + 1)
    }

    /// Replaces CR LF and lone CR with LF.
    static func normalizedNewlines(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress, memchr(base, Int32(cr), p.count) != nil else { return bytes }
            return [UInt8](unsafeUninitializedCapacity: p.count) { out, count in
                var o = 0
                var i = 0
                let n = p.count
                while i < n {
                    let b = p[i]
                    if b == cr {
                        out[o] = lf
                        if i + 1 < n && p[i + 1] == lf { i += 1 }
                    } else {
                        out[o] = b
                    }
                    o += 1
                    i += 1
                }
                count = o
            }
        }
    }

    static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi && isWhitespace(bytes[lo]) { lo += 1 }
        while hi > lo && isWhitespace(bytes[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    static func isASCII<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        for b in bytes where b >= 0x80 { return false }
        return true
    }

    static func hasPrefixIgnoringCase(_ bytes: [UInt8], at i: Int, end: Int, _ prefix: [UInt8]) -> Bool {
        if end - i < prefix.count { return false }
        for k in 0..<prefix.count where lower(bytes[i + k]) != prefix[k] { return false }
        return true
    }

    /// Replaces CR LF and lone CR with LF.
    static func normalizedNewlines(_ s: String) -> String {
        guard s.utf8.contains(cr) else { return s }
        return String(decoding: normalizedNewlines(Array(s.utf8)), as: UTF8.self)
    }

    /// UTF-8 bytes with every line ending (CR LF, LF or CR) written as CR LF.
    static func crlfBytes(_ s: String) -> [UInt8] {
        let lines = normalizedNewlines(Array(s.utf8))
        var out: [UInt8] = []
        out.reserveCapacity(lines.count + lines.count / 32)
        for b in lines {
            if b == lf { out.append(cr) }
            out.append(b)
        }
        return out
    }

    /// Collapses runs of whitespace (including folded line breaks) into single spaces and trims.
    static func collapsedWhitespace(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var pending = false
        for b in s.utf8 {
            if isWhitespace(b) {
                pending = !out.isEmpty
            } else {
                if pending { out.append(space) }
                pending = false
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    /// Trims Unicode whitespace at both ends (pure Swift: Foundation's trimming is slow on Linux).
    var mailTrimmed: String {
        mailTrimmed(where: MailBytes.isUnicodeWhitespace)
    }

    /// Trims the given characters (as scalars) at both ends.
    func mailTrimmed(_ characters: String) -> String {
        let set = Set(characters.unicodeScalars)
        return mailTrimmed { set.contains($0) }
    }

    func mailTrimmed(where drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, drop(scalars[start]) { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard drop(scalars[before]) else { break }
            end = before
        }
        return String(self[start..<end])
    }

    /// The text without ASCII whitespace (addresses, message ids).
    var mailWithoutWhitespace: String {
        guard utf8.contains(where: { MailBytes.isWhitespace($0) }) else { return String(self) }
        return String(decoding: utf8.filter { !MailBytes.isWhitespace($0) }, as: UTF8.self)
    }

    /// Whether the text contains "=?", the start of an encoded word.
    var mailHasEncodedWordMarker: Bool {
        var previous: UInt8 = 0
        for b in utf8 {
            if previous == UInt8(ascii: "="), b == UInt8(ascii: "?") { return true }
            previous = b
        }
        return false
    }

    /// ASCII letters lowercased, everything else kept (what header names, tokens and markers need;
    /// much faster than `lowercased()`).
    var mailLowercased: String {
        let u = utf8
        guard u.contains(where: { $0 >= 65 && $0 <= 90 }) else { return String(self) }
        return String(decoding: u.map { ($0 >= 65 && $0 <= 90) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// True when the text is empty or only whitespace.
    var mailIsBlank: Bool {
        unicodeScalars.allSatisfy(MailBytes.isUnicodeWhitespace)
    }

    /// CR and LF replaced by spaces (header values must stay on one line).
    var mailSingleLine: String {
        guard utf8.contains(where: { $0 == MailBytes.cr || $0 == MailBytes.lf }) else { return String(self) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var previousCR = false
        for b in utf8 {
            if b == MailBytes.lf && previousCR { previousCR = false; continue }
            previousCR = b == MailBytes.cr
            out.append(b == MailBytes.cr || b == MailBytes.lf ? MailBytes.space : b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
