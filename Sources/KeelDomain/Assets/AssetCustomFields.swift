import Foundation

/// A field the provider adds to one asset type ("department" on computers, "SIM number" on
/// phones, "renewal owner" on subscriptions), with labels in both languages.
public struct AssetFieldDefinition: Sendable, Codable, Equatable, Hashable {
    public enum ValueType: String, Sendable, Codable, CaseIterable {
        case text, number, date, choice, boolean
    }

    /// Lower-case letters, digits and `_`, starting with a letter; unique per type.
    public var key: String
    public var kind: AssetKind
    public var labelEn: String
    public var labelZh: String
    public var valueType: ValueType
    /// For `choice`: the allowed values.
    public var options: [String]
    public var required: Bool

    public init(key: String, kind: AssetKind, labelEn: String, labelZh: String, valueType: ValueType,
                options: [String] = [], required: Bool = false) {
        self.key = key; self.kind = kind; self.labelEn = labelEn; self.labelZh = labelZh
        self.valueType = valueType; self.options = options; self.required = required
    }

    public func label(_ language: Language) -> String { language == .zhHans && !labelZh.isEmpty ? labelZh : labelEn }

    /// Why a definition is not acceptable, as a field name and a catalog code.
    public func problem() -> (field: String, code: String)? {
        let keyOK = key.utf8.count <= 40 && key.first.map { $0 >= "a" && $0 <= "z" } == true
            && key.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
        if !keyOK { return ("key", "asset_field_key_invalid") }
        if labelEn.trimmingCharacters(in: .whitespaces).isEmpty || labelEn.count > 100 || labelZh.count > 100 {
            return ("labelEn", "asset_field_label_invalid")
        }
        if valueType == .choice {
            let clean = options.map { $0.trimmingCharacters(in: .whitespaces) }
            if clean.isEmpty || clean.count > 100 || clean.contains(where: { $0.isEmpty || $0.count > 100 }) || Set(clean).count != clean.count {
                return ("options", "asset_field_options_invalid")
            }
        } else if !options.isEmpty {
            return ("options", "asset_field_options_invalid")
        }
        return nil
    }

    /// The stored form of `raw`, or nil when it does not fit the field. Numbers are kept as
    /// written without grouping, dates as `YYYY-MM-DD`, booleans as `true`/`false`.
    public func normalise(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        switch valueType {
        case .text:
            return value.count <= 1000 && !value.contains(where: { $0.isASCII && $0.asciiValue! < 0x20 && $0 != "\n" && $0 != "\t" }) ? value : nil
        case .number:
            let plain = value.replacingOccurrences(of: ",", with: "")
            guard let number = Double(plain), number.isFinite, plain.count <= 30 else { return nil }
            return plain
        case .date:
            return AssetDates.day(value)
        case .choice:
            return options.contains(value) ? value : nil
        case .boolean:
            switch value.lowercased() {
            case "true", "yes", "1", "是": return "true"
            case "false", "no", "0", "否": return "false"
            default: return nil
            }
        }
    }
}

/// Checks an asset's custom values against the definitions of its type.
public enum AssetCustomFields {
    public struct Problem: Error, Sendable, Equatable {
        public let key: String
        public let code: String
        public init(key: String, code: String) { self.key = key; self.code = code }
    }

    /// The values to store: known keys only, normalised, empty values dropped; a required
    /// field must be present. The first problem is thrown.
    public static func validate(_ values: [String: String], definitions: [AssetFieldDefinition]) throws(Problem) -> [String: String] {
        let byKey = Dictionary(definitions.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [String: String] = [:]
        for key in values.keys.sorted() {
            guard let definition = byKey[key] else { throw Problem(key: key, code: "asset_field_unknown") }
            let raw = values[key] ?? ""
            if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            guard let value = definition.normalise(raw) else { throw Problem(key: key, code: "asset_field_value_invalid") }
            result[key] = value
        }
        for definition in definitions where definition.required && result[definition.key] == nil {
            throw Problem(key: definition.key, code: "asset_field_required")
        }
        return result
    }
}

/// Calendar days as the ledger stores them (`YYYY-MM-DD`, no zone).
public enum AssetDates {
    /// `raw` as `YYYY-MM-DD` when it is a real date in that form, else nil.
    public static func day(_ raw: String) -> String? {
        let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1900...2999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else {
            return nil
        }
        return raw
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The calendar day of `date` in UTC.
    public static func string(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
