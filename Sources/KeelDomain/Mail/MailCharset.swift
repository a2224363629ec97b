import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes bytes in a MIME charset to a String. Never fails: unknown charsets and invalid bytes fall
/// back to lossy UTF-8 or Windows-1252 and report what happened.
public enum MailCharset {
    public enum Issue: String, Sendable, Hashable {
        /// The label named no charset this system can decode.
        case unknownCharset
        /// Some bytes were invalid in the charset and replaced with U+FFFD.
        case invalidBytes
    }

    public struct Decoded: Sendable, Hashable {
        public var text: String
        public var issue: Issue?
    }

    /// How a label is decoded.
    enum Plan: Equatable {
        case utf8
        /// No usable label: guess UTF-8, then GB18030, then Windows-1252.
        case guess
        case windows1252
        /// iconv names tried in order; the result with the fewest errors wins.
        case iconv([String])
    }

    public static func decode(_ bytes: [UInt8], charset label: String?) -> Decoded {
        decode(bytes[...], charset: label)
    }

    public static func decode(_ bytes: ArraySlice<UInt8>, charset label: String?) -> Decoded {
        let plan = self.plan(for: label)
        if bytes.isEmpty { return Decoded(text: "", issue: nil) }
        if MailBytes.isASCII(bytes) && !isSevenBitStateful(label) {
            return Decoded(text: String(decoding: bytes, as: UTF8.self), issue: nil)
        }
        switch plan {
        case .utf8:
            if let s = String(validating: bytes, as: UTF8.self) { return Decoded(text: s, issue: nil) }
            let lossy = String(decoding: bytes, as: UTF8.self)
            // GBK labelled as UTF-8 is common: when much of the text is broken and GB18030 reads it
            // cleanly, take that; a few bad bytes in real UTF-8 stay replacement characters.
            let broken = lossy.unicodeScalars.lazy.filter { $0 == "\u{FFFD}" }.count
            let high = bytes.lazy.filter { $0 >= 0x80 }.count
            if broken * 4 >= high, let gb = iconvDecode(bytes, from: "GB18030"), gb.errors == 0 {
                return Decoded(text: gb.text, issue: .invalidBytes)
            }
            return Decoded(text: lossy, issue: .invalidBytes)
        case .guess:
            return Decoded(text: guess(bytes), issue: nil)
        case .windows1252:
            return Decoded(text: windows1252(bytes), issue: nil)
        case .iconv(let names):
            var best: (text: String, errors: Int)?
            for name in names {
                guard let r = iconvDecode(bytes, from: name) else { continue }
                if best == nil || r.errors < best!.errors { best = r }
                if r.errors == 0 { break }
            }
            guard let found = best else {
                return Decoded(text: guess(bytes), issue: .unknownCharset)
            }
            return Decoded(text: found.text, issue: found.errors > 0 ? .invalidBytes : nil)
        }
    }

    /// The iconv name Keel uses for a MIME charset label, or nil when it is decoded natively
    /// (UTF-8, US-ASCII, ISO-8859-1, Windows-1252) or guessed.
    public static func iconvName(forLabel label: String) -> String? {
        if case .iconv(let names) = plan(for: label) { return names.first }
        return nil
    }

    static func plan(for label: String?) -> Plan {
        guard let raw = label else { return .guess }
        var l = raw.mailLowercased.mailTrimmed(" \t\"'")
        if let star = l.firstIndex(of: "*") { l = String(l[..<star]) }  // RFC 2231 language suffix
        switch l {
        case "", "us-ascii", "ascii", "us", "ansi_x3.4-1968", "iso646-us", "cp367", "unknown-8bit",
             "x-unknown", "unknown", "default", "8bit", "7bit", "x-user-defined":
            return .guess
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "utf-8n":
            return .utf8
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1", "latin-1", "l1",
             "cp819", "ibm819", "iso-ir-100", "windows-1252", "cp1252", "x-cp1252", "win-1252", "ms-ansi":
            return .windows1252
        case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "x-euc-cn",
             "csgb2312", "gb_2312-80", "gb_2312", "chinese", "iso-ir-58", "x-gb2312", "gb2312-80", "euccn":
            return .iconv(["GB18030"])
        case "big5", "big-5", "x-big5", "cn-big5", "csbig5", "x-x-big5", "cp950", "big5-hkscs", "windows-950":
            return .iconv(["BIG5", "BIG5-HKSCS", "CP950"])
        case "ks_c_5601-1987", "euc-kr", "korean", "ks_c_5601", "cp949", "windows-949", "ksc5601":
            return .iconv(["CP949"])
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "cp932", "csshiftjis":
            return .iconv(["CP932"])
        default:
            break
        }
        if let n = isoNumber(l) { return n == 1 ? .windows1252 : .iconv(["ISO-8859-\(n)"]) }
        if let n = windowsNumber(l) { return n == 1252 ? .windows1252 : .iconv(["CP\(n)"]) }
        if let latin = latinAliases[l] { return .iconv([latin]) }
        return .iconv([l.uppercased()])
    }

    private static let latinAliases: [String: String] = [
        "latin2": "ISO-8859-2", "l2": "ISO-8859-2", "latin3": "ISO-8859-3", "latin4": "ISO-8859-4",
        "latin5": "ISO-8859-9", "latin6": "ISO-8859-10", "latin7": "ISO-8859-13", "latin8": "ISO-8859-14",
        "latin9": "ISO-8859-15", "latin-9": "ISO-8859-15", "latin10": "ISO-8859-16",
    ]

    /// "iso-8859-2", "iso8859_2", "iso_8859-15:1998" → 2, 15.
    private static func isoNumber(_ l: String) -> Int? {
        guard l.hasPrefix("iso") else { return nil }
        let rest = l.dropFirst(3).drop { $0 == "-" || $0 == "_" }
        guard rest.hasPrefix("8859") else { return nil }
        let digits = rest.dropFirst(4).drop { $0 == "-" || $0 == "_" }.prefix { $0.isASCII && $0.isNumber }
        guard let n = Int(digits), (1...16).contains(n) else { return nil }
        return n
    }

    /// "windows-1250", "cp1251", "x-cp1252", "win1253" → 1250...1258.
    private static func windowsNumber(_ l: String) -> Int? {
        var s = Substring(l)
        if s.hasPrefix("x-") { s = s.dropFirst(2) }
        for p in ["windows-", "windows", "win-", "win", "cp-", "cp"] where s.hasPrefix(p) {
            guard let n = Int(s.dropFirst(p.count)), (1250...1258).contains(n) else { return nil }
            return n
        }
        return nil
    }

    /// False for charsets where CR and LF are not single ASCII bytes (UTF-16, UTF-32, ...).
    static func isASCIICompatible(_ label: String?) -> Bool {
        guard let l = label?.mailLowercased else { return true }
        return !(l.contains("utf-16") || l.contains("utf-32") || l.contains("ucs") || l.contains("utf16") || l.contains("utf32"))
    }

    /// Charsets whose ASCII-only bytes still need decoding.
    private static func isSevenBitStateful(_ label: String?) -> Bool {
        guard let l = label?.mailLowercased else { return false }
        return l.contains("2022") || l.contains("utf-7") || l.contains("utf7") || l.contains("utf-16")
            || l.contains("utf-32") || l.contains("ucs") || l.hasPrefix("hz")
    }

    /// UTF-8 if valid, else GB18030 if it decodes without errors, else Windows-1252.
    static func guess(_ bytes: ArraySlice<UInt8>) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        if let gb = iconvDecode(bytes, from: "GB18030"), gb.errors == 0 { return gb.text }
        return windows1252(bytes)
    }

    /// Windows-1252, which is also how ISO-8859-1 labels are read in practice (C1 bytes as 1252).
    static func windows1252(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        for b in bytes {
            if b < 0x80 {
                out.append(b)
                continue
            }
            let v = b < 0xA0 ? UInt32(c1Table[Int(b - 0x80)]) : UInt32(b)
            if v < 0x800 {
                out.append(UInt8(0xC0 | (v >> 6)))
                out.append(UInt8(0x80 | (v & 0x3F)))
            } else {
                out.append(UInt8(0xE0 | (v >> 12)))
                out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (v & 0x3F)))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Windows-1252 code points for 0x80...0x9F; undefined bytes map to their C1 control.
    private static let c1Table: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Converts with iconv, replacing each invalid byte with U+FFFD. Nil when iconv lacks the charset.
    static func iconvDecode(_ bytes: ArraySlice<UInt8>, from name: String) -> (text: String, errors: Int)? {
        guard let cd = iconv_open("UTF-8", name), cd != UnsafeMutableRawPointer(bitPattern: -1) else {
            return nil
        }
        defer { iconv_close(cd) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count * 3 / 2 + 16)
        var errors = 0
        let chunkSize = 8192
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        bytes.withUnsafeBufferPointer { input in
            chunk.withUnsafeMutableBufferPointer { out in
                guard let inBase = input.baseAddress, let outBase = out.baseAddress else { return }
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inBase)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = input.count
                let outStart = UnsafeMutableRawPointer(outBase).assumingMemoryBound(to: CChar.self)
                while inLeft > 0 {
                    var outPtr: UnsafeMutablePointer<CChar>? = outStart
                    var outLeft = chunkSize
                    let before = inLeft
                    let rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    let code = rc == -1 ? errno : 0
                    result.append(contentsOf: UnsafeBufferPointer(start: outBase, count: chunkSize - outLeft))
                    if rc != -1 {
                        if inLeft == before { break }  // no progress: never spin
                        continue
                    }
                    if code == E2BIG && outLeft < chunkSize { continue }
                    // EILSEQ, EINVAL (truncated sequence) or anything else: skip one byte.
                    errors += 1
                    result.append(contentsOf: replacement)
                    inPtr = inPtr.map { $0 + 1 }
                    inLeft -= 1
                }
            }
        }
        return (String(decoding: result, as: UTF8.self), errors)
    }
}
