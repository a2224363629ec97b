import Foundation

/// One product in the software catalogue: every version string of the same product
/// ("Mozilla Firefox (x64 zh-CN) 118.0.1", "Mozilla Firefox 120.0 (x64 en-US)") gets the
/// same `key`.
public struct SoftwareCatalogEntry: Sendable, Codable, Equatable, Hashable {
    /// Lower-case, single-spaced product name without versions, architectures or locales.
    public var key: String
    /// The same words in the case the vendor used.
    public var displayName: String
    /// The publisher without legal-form suffixes ("Microsoft Corporation" → "Microsoft").
    public var vendor: String?

    public init(key: String, displayName: String, vendor: String?) {
        self.key = key; self.displayName = displayName; self.vendor = vendor
    }
}

/// Names products across the version strings vendors put into them. Only whole words are
/// removed — version numbers (`118.0.1`, `v2.3`, "Update 381", "build 1234"), architectures
/// (`x64`, `64-bit`, `64位`), locales (`zh-CN`) and brackets holding nothing else — so a
/// package name such as `python3.11` or `linux-image-6.1.0-25-amd64` stays whole, and
/// years that tell editions apart ("Office 2019", "Visual C++ 2015-2022") stay too. The
/// publisher does not take part in the key: vendors spell themselves differently from
/// one version to the next.
public enum SoftwareCatalog {
    public static func normalise(name: String, publisher: String?) -> SoftwareCatalogEntry {
        let vendor = normaliseVendor(publisher)
        let trimmed = name.trimmingASCIIWhitespace()
        // Package names (one word, no brackets) are already stable identifiers.
        if !trimmed.utf8.contains(where: { $0 == 0x20 || $0 == 0x28 || $0 == 0x5B || $0 >= 0x80 }) {
            return SoftwareCatalogEntry(key: trimmed.lowercased(), displayName: trimmed, vendor: vendor)
        }
        let words = significantWords(trimmed)
        let display = words.isEmpty ? trimmed : words.joined(separator: " ")
        return SoftwareCatalogEntry(key: display.lowercased(), displayName: display, vendor: vendor)
    }

    /// The publisher without legal-form suffixes and stray punctuation.
    public static func normaliseVendor(_ publisher: String?) -> String? {
        guard let original = publisher?.trimmingASCIIWhitespace(), !original.isEmpty else { return nil }
        var value = original
        while true {
            while let last = value.last, last == " " || last == "," || last == "." { value.removeLast() }
            let lower = value.lowercased()
            guard let suffix = legalSuffixes.first(where: { lower.hasSuffix($0) && lower.count > $0.count }) else { break }
            value = String(value.dropLast(suffix.count))
        }
        return value.isEmpty ? original : value
    }

    /// Legal forms, compared after trailing dots and commas are gone.
    static let legalSuffixes = [
        " corporation", " corp", " incorporated", " inc", " co., ltd", " co.,ltd", " co. ltd", " co ltd", " ltd",
        " limited", " llc", " gmbh", " s.a", " b.v", " s.r.l", " pty", " plc",
    ]

    // MARK: - Words

    /// The name's words without noise, bracket groups of noise removed whole.
    static func significantWords(_ name: String) -> [String] {
        var cleaned = name
        for mark in ["®", "™", "(R)", "(r)", "(TM)", "(tm)", "(C)"] where cleaned.contains(mark) {
            cleaned = cleaned.replacingOccurrences(of: mark, with: " ")
        }
        // "Zoom(64bit)" is two words.
        for (bracket, spaced) in [("(", " ("), (")", ") "), ("（", " （"), ("）", "） ")] where cleaned.contains(bracket) {
            cleaned = cleaned.replacingOccurrences(of: bracket, with: spaced)
        }
        var words: [String] = []
        var group: [String]?   // words inside an open bracket
        for raw in cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\u{A0}" }) {
            var word = String(raw)
            if group == nil, let first = word.first, "([（【".contains(first) {
                group = []
            }
            if group != nil {
                group!.append(word)
                if let last = word.last, ")]）】".contains(last) {
                    if !group!.allSatisfy(isNoiseInBrackets) { words.append(contentsOf: group!) }
                    group = nil
                }
                continue
            }
            word = word.trimming(",;")
            if !word.isEmpty { words.append(word) }
        }
        if let group, !group.allSatisfy(isNoiseInBrackets) { words.append(contentsOf: group) }
        return dropNoise(words)
    }

    /// Removes version, architecture and locale words, the keyword before a version
    /// ("Update 381", "version 2") and separators left dangling at the ends.
    private static func dropNoise(_ words: [String]) -> [String] {
        var kept: [String] = []
        var index = 0
        while index < words.count {
            let lower = asciiLowercased(words[index])
            if versionKeywords.contains(lower), index + 1 < words.count,
               isVersion(words[index + 1]) || isInteger(words[index + 1]) {
                index += 2
                continue
            }
            if (lower == "64" || lower == "32"), index + 1 < words.count, asciiLowercased(words[index + 1]) == "bit" {
                index += 2
                continue
            }
            if isVersion(words[index]) || architectures.contains(lower) || isLocale(lower) {
                index += 1
                continue
            }
            kept.append(words[index])
            index += 1
        }
        while let last = kept.last, separators.contains(last) { kept.removeLast() }
        while let first = kept.first, separators.contains(first) { kept.removeFirst() }
        return kept
    }

    private static func isNoiseInBrackets(_ word: String) -> Bool {
        let bare = asciiLowercased(word.trimming("()[]（）【】,;"))
        return bare.isEmpty || isVersion(bare) || architectures.contains(bare) || isLocale(bare)
            || bracketNoise.contains(bare)
    }

    /// `118.0.1`, `v2.3`, `2.6-3`, `1.0b2`, `v8`: an optional `v`, digits, and either a dot
    /// or the `v`; the first component all digits.
    static func isVersion(_ word: String) -> Bool {
        var utf8 = Substring(word).utf8
        var hadV = false
        if let first = utf8.first, first == UInt8(ascii: "v") || first == UInt8(ascii: "V") {
            utf8 = utf8.dropFirst()
            hadV = true
        }
        guard let first = utf8.first, first >= 0x30, first <= 0x39 else { return false }
        var sawDot = false
        var inFirstComponent = true
        for byte in utf8 {
            switch byte {
            case 0x30...0x39: continue
            case UInt8(ascii: "."):
                sawDot = true
                inFirstComponent = false
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                inFirstComponent = false
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if inFirstComponent { return false }
            default: return false
            }
        }
        return sawDot || hadV
    }

    private static func isInteger(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func isLocale(_ lower: String) -> Bool {
        let parts = lower.split(separator: "-")
        guard parts.count == 2, parts[1].count >= 2, parts[1].count <= 4,
              parts[1].utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return false }
        return languages.contains(String(parts[0]))
    }

    private static func asciiLowercased(_ word: String) -> String {
        word.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? word.lowercased() : word
    }

    static let versionKeywords: Set<String> = ["version", "ver", "ver.", "build", "update", "rev", "release"]
    static let separators: Set<String> = ["-", "–", "—", ":", "|", "/", ",", "_"]
    static let architectures: Set<String> = [
        "x64", "x86", "x86_64", "x86-64", "amd64", "arm64", "aarch64", "i386", "i686", "ia64", "win64", "win32",
        "64-bit", "32-bit", "64bit", "32bit", "64位", "32位", "x64-based", "x86-based",
    ]
    static let bracketNoise: Set<String> = [
        "64", "32", "bit", "build", "version", "remove", "only", "user", "machine", "per-user", "per-machine",
        "简体中文", "中文版", "中文", "english", "multilingual", "mui",
    ]
    static let languages: Set<String> = [
        "en", "zh", "ja", "ko", "de", "fr", "es", "it", "pt", "ru", "nl", "sv", "pl", "tr", "ar", "he", "cs", "da",
        "fi", "nb", "nn", "no", "hu", "el", "th", "uk", "ro", "sk", "sl", "hr", "bg", "lt", "lv", "et", "sr", "id",
        "ms", "vi", "ca", "eu", "gl", "hi",
    ]
}

extension String {
    fileprivate func trimming(_ set: String) -> String {
        var value = Substring(self)
        while let first = value.first, set.contains(first) { value = value.dropFirst() }
        while let last = value.last, set.contains(last) { value = value.dropLast() }
        return String(value)
    }
}
