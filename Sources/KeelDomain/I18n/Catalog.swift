import Foundation

/// A message catalog: one dictionary of keys to texts per language, with `{name}`
/// placeholders filled in at lookup. A missing key falls back to English, then to the key.
public struct Catalog: Sendable {
    public let texts: [Language: [String: String]]

    public init(texts: [Language: [String: String]]) {
        self.texts = texts
    }

    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        let template = texts[language]?[key] ?? texts[.en]?[key] ?? key
        guard !values.isEmpty, template.contains("{") else { return template }
        var result = template
        for (name, value) in values {
            result = result.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return result
    }

    /// Keys present in one language but not in another, for the completeness test.
    public func missingKeys() -> [Language: Set<String>] {
        let all = texts.values.reduce(into: Set<String>()) { $0.formUnion($1.keys) }
        var missing: [Language: Set<String>] = [:]
        for language in Language.allCases {
            let gap = all.subtracting(texts[language]?.keys.map { $0 } ?? [])
            if !gap.isEmpty { missing[language] = gap }
        }
        return missing
    }
}

