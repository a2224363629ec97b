import Foundation
import KeelDomain
import Leaf
import Vapor

extension Application {
    private struct CatalogKey: StorageKey { typealias Value = Catalog }

    var catalog: Catalog {
        get { storage[CatalogKey.self]! }
        set { storage[CatalogKey.self] = newValue }
    }

    /// Loads `Locales/<language>.json` (flat key → text) for every supported language.
    static func loadCatalog(resources: URL) throws -> Catalog {
        var texts: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = resources.appendingPathComponent("Locales/\(language.rawValue).json")
            let data = try Data(contentsOf: url)
            texts[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Catalog(texts: texts)
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }

    /// The person's setting, else Accept-Language, else their organisation's default.
    /// A signed-out visitor's choice is kept in the `keel_lang` cookie.
    var language: Language {
        if let cached = storage[LanguageKey.self] { return cached }
        let accepted = Language.negotiate(acceptLanguage: headers.first(name: .acceptLanguage))
        let chosen: Language
        if let context {
            chosen = context.user.language ?? accepted ?? context.organizationLanguage ?? .en
        } else {
            chosen = cookies["keel_lang"].flatMap { Language(rawValue: $0.string) } ?? accepted ?? .en
        }
        storage[LanguageKey.self] = chosen
        return chosen
    }

    func t(_ key: String, _ values: [String: String] = [:]) -> String {
        application.catalog.text(key, language, values)
    }

    /// A file size for people: bytes, KB or MB, worded by the catalogs.
    func fileSize(_ bytes: Int) -> String {
        if bytes < 1024 { return t("size.bytes", ["n": String(bytes)]) }
        if bytes < 1 << 20 { return t("size.kb", ["n": String(format: "%.1f", Double(bytes) / 1024)]) }
        return t("size.mb", ["n": String(format: "%.1f", Double(bytes) / 1_048_576)])
    }

    /// A translation when the catalog has one, else the data as typed (category names, say).
    func t(_ key: String, orData fallback: String) -> String {
        let text = application.catalog.text(key, language)
        return text == key ? fallback : text
    }
}

/// `#t("key")` in templates: the text in the request's language.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else { throw Abort(.internalServerError, reason: "#t needs a key") }
        guard let request = ctx.request else { return .string(key) }
        // Further parameters are name/value pairs for the message's placeholders.
        var values: [String: String] = [:]
        var rest = ctx.parameters.dropFirst()
        while let name = rest.popFirst()?.string, let value = rest.popFirst() { values[name] = value.string ?? "" }
        return .string(request.t(key, values))
    }
}
