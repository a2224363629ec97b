import Foundation
import KeelDomain
import Vapor

/// The command line's words, from the same catalogs as the web and API. The language comes
/// from `KEEL_LANG` (en, zh-Hans), else the POSIX locale (`LC_ALL`, `LC_MESSAGES`, `LANG`):
/// `zh_CN.UTF-8` gives Simplified Chinese.
enum CLIText {
    nonisolated(unsafe) private static var catalog: Catalog?
    private static let lock = NSLock()

    static var language: Language {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["KEEL_LANG"].flatMap(Language.init(rawValue:)) { return chosen }
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("zh") ? .zhHans : .en
        }
        return .en
    }

    static func t(_ key: String, _ values: [String: String] = [:]) -> String {
        lock.lock()
        defer { lock.unlock() }
        if catalog == nil { catalog = try? Application.loadCatalog(resources: Application.defaultResources) }
        return catalog?.text(key, language, values) ?? key
    }
}
