import Foundation

/// The languages Keel speaks. Every user-visible string exists in both.
public enum Language: String, CaseIterable, Codable, Sendable {
    case en
    case zhHans = "zh-Hans"

    /// Picks the best supported language from an HTTP `Accept-Language` header,
    /// honouring q-values; any Chinese tag maps to Simplified Chinese.
    public static func negotiate(acceptLanguage header: String?) -> Language? {
        guard let header, !header.isEmpty else { return nil }
        var best: (Language, Double)?
        for (index, part) in header.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0, let language = match(tag: tag) else { continue }
            // Earlier entries win ties, as the header lists preferences in order.
            let adjusted = quality - Double(index) * 1e-6
            if best == nil || adjusted > best!.1 { best = (language, adjusted) }
        }
        return best?.0
    }

    /// Maps a language tag (`en-GB`, `zh-CN`, `zh-Hans`) to a supported language.
    public static func match(tag: String) -> Language? {
        let lowered = tag.lowercased()
        if lowered == "zh" || lowered.hasPrefix("zh-") || lowered.hasPrefix("zh_") { return .zhHans }
        if lowered == "en" || lowered.hasPrefix("en-") || lowered.hasPrefix("en_") { return .en }
        return nil
    }
}

