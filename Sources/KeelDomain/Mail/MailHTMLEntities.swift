import Foundation

/// HTML character references: the common named ones and all numeric ones.
enum MailHTMLEntities {
    static let named: [String: UInt32] = [
        "nbsp": 0xA0, "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27,
        "copy": 0xA9, "reg": 0xAE, "trade": 0x2122, "hellip": 0x2026, "mdash": 0x2014, "ndash": 0x2013,
        "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A, "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E,
        "bull": 0x2022, "middot": 0xB7, "euro": 0x20AC, "pound": 0xA3, "yen": 0xA5, "cent": 0xA2,
        "sect": 0xA7, "para": 0xB6, "deg": 0xB0, "plusmn": 0xB1, "times": 0xD7, "divide": 0xF7,
        "laquo": 0xAB, "raquo": 0xBB, "lsaquo": 0x2039, "rsaquo": 0x203A, "iexcl": 0xA1, "iquest": 0xBF,
        "shy": 0xAD, "zwj": 0x200D, "zwnj": 0x200C, "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009,
        "larr": 0x2190, "rarr": 0x2192, "uarr": 0x2191, "darr": 0x2193, "harr": 0x2194, "rArr": 0x21D2,
        "hearts": 0x2665, "check": 0x2713, "dagger": 0x2020, "Dagger": 0x2021, "permil": 0x2030,
        "prime": 0x2032, "micro": 0xB5, "frac12": 0xBD, "frac14": 0xBC, "frac34": 0xBE, "sup2": 0xB2,
        "sup3": 0xB3, "ordf": 0xAA, "ordm": 0xBA, "not": 0xAC, "macr": 0xAF, "acute": 0xB4,
        "cedil": 0xB8, "uml": 0xA8, "curren": 0xA4, "brvbar": 0xA6, "le": 0x2264, "ge": 0x2265,
        "ne": 0x2260, "minus": 0x2212, "infin": 0x221E, "asymp": 0x2248, "alpha": 0x3B1, "beta": 0x3B2,
        "mu": 0x3BC, "pi": 0x3C0, "Omega": 0x3A9, "szlig": 0xDF,
        "Agrave": 0xC0, "Aacute": 0xC1, "Acirc": 0xC2, "Atilde": 0xC3, "Auml": 0xC4, "Aring": 0xC5,
        "AElig": 0xC6, "Ccedil": 0xC7, "Egrave": 0xC8, "Eacute": 0xC9, "Ecirc": 0xCA, "Euml": 0xCB,
        "Igrave": 0xCC, "Iacute": 0xCD, "Icirc": 0xCE, "Iuml": 0xCF, "ETH": 0xD0, "Ntilde": 0xD1,
        "Ograve": 0xD2, "Oacute": 0xD3, "Ocirc": 0xD4, "Otilde": 0xD5, "Ouml": 0xD6, "Oslash": 0xD8,
        "Ugrave": 0xD9, "Uacute": 0xDA, "Ucirc": 0xDB, "Uuml": 0xDC, "Yacute": 0xDD, "THORN": 0xDE,
        "agrave": 0xE0, "aacute": 0xE1, "acirc": 0xE2, "atilde": 0xE3, "auml": 0xE4, "aring": 0xE5,
        "aelig": 0xE6, "ccedil": 0xE7, "egrave": 0xE8, "eacute": 0xE9, "ecirc": 0xEA, "euml": 0xEB,
        "igrave": 0xEC, "iacute": 0xED, "icirc": 0xEE, "iuml": 0xEF, "eth": 0xF0, "ntilde": 0xF1,
        "ograve": 0xF2, "oacute": 0xF3, "ocirc": 0xF4, "otilde": 0xF5, "ouml": 0xF6, "oslash": 0xF8,
        "ugrave": 0xF9, "uacute": 0xFA, "ucirc": 0xFB, "uuml": 0xFC, "yacute": 0xFD, "thorn": 0xFE,
        "yuml": 0xFF, "OElig": 0x152, "oelig": 0x153, "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178,
    ]

    /// Names browsers accept without the semicolon.
    private static let legacy: Set<String> = ["nbsp", "amp", "lt", "gt", "quot", "copy", "reg"]

    /// Windows-1252 meanings of numeric references 128...159, as browsers read them.
    private static let c1: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D,
        0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161,
        0x203A, 0x153, 0x9D, 0x17E, 0x178,
    ]

    /// Decodes the reference starting at `b[i] == "&"`: the scalar and the index after it.
    static func decode(_ b: [UInt8], at i: Int, end: Int) -> (scalar: Unicode.Scalar, next: Int)? {
        var j = i + 1
        guard j < end else { return nil }
        if b[j] == UInt8(ascii: "#") {
            j += 1
            var hex = false
            if j < end, b[j] == UInt8(ascii: "x") || b[j] == UInt8(ascii: "X") { hex = true; j += 1 }
            var value: UInt32 = 0
            var digits = 0
            while j < end, digits < 8 {
                let c = b[j]
                let d: UInt32
                if c >= 48 && c <= 57 { d = UInt32(c - 48) } else if hex, let h = MailBytes.hexValue(c) { d = UInt32(h) } else { break }
                value = value * (hex ? 16 : 10) + d
                digits += 1
                j += 1
            }
            guard digits > 0 else { return nil }
            if j < end, b[j] == UInt8(ascii: ";") { j += 1 }
            if value >= 128 && value < 160 { value = c1[Int(value - 128)] }
            return (Unicode.Scalar(value).flatMap { $0.value == 0 ? nil : $0 } ?? "\u{FFFD}", j)
        }
        let start = j
        while j < end, j - start < 32, (b[j] >= 65 && b[j] <= 90) || (b[j] >= 97 && b[j] <= 122) || (b[j] >= 48 && b[j] <= 57) {
            j += 1
        }
        guard j > start else { return nil }
        let name = String(decoding: b[start..<j], as: UTF8.self)
        let terminated = j < end && b[j] == UInt8(ascii: ";")
        guard let value = named[name] ?? named[name.mailLowercased], terminated || legacy.contains(name),
              let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, terminated ? j + 1 : j)
    }

    /// Decodes all references in an attribute value.
    static func decodeAll(_ b: ArraySlice<UInt8>) -> String {
        let bytes = Array(b)
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out = String()
        var i = 0
        var runStart = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "&"), let (scalar, next) = decode(bytes, at: i, end: bytes.count) {
                out += String(decoding: bytes[runStart..<i], as: UTF8.self)
                out.unicodeScalars.append(scalar)
                i = next
                runStart = i
            } else {
                i += 1
            }
        }
        out += String(decoding: bytes[runStart...], as: UTF8.self)
        return out
    }
}
