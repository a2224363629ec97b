import Foundation

/// Field checks shared by the API, the web forms and the command line.
public enum FieldRules {
    public static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, value.count <= 254 else { return false }
        guard !value.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," }) else { return false }
        return isDomain(String(parts[1]))
    }

    public static func isDomain(_ value: String) -> Bool {
        let labels = value.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, value.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }

    public static func isTimeZone(_ value: String) -> Bool {
        !value.isEmpty && TimeZone(identifier: value) != nil
    }

    /// Trimmed, non-empty text no longer than `maximum` characters and free of control characters.
    public static func cleanText(_ value: String, maximum: Int) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maximum else { return nil }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return trimmed
    }

    /// Splits "a.example, b.example" into lower-cased domains; nil when any is invalid.
    public static func domainList(_ value: String) -> [String]? {
        let domains = value.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" || $0 == "\n" })
            .map { $0.lowercased() }
        guard domains.allSatisfy(isDomain) else { return nil }
        var seen = Set<String>()
        return domains.filter { seen.insert($0).inserted }
    }
}
