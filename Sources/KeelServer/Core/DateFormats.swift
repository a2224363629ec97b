import Foundation
import NIOConcurrencyHelpers

/// Formatted dates with one formatter per (pattern, locale, timezone), made once: a new
/// `DateFormatter` loads its locale's data each time, and acknowledgement mail and pages
/// format dates on every request.
enum DateFormats {
    private static let formatters = NIOLockedValueBox([String: DateFormatter]())

    static func string(_ date: Date, pattern: String, locale: String, zone: TimeZone) -> String {
        let key = pattern + "\u{1}" + locale + "\u{1}" + zone.identifier
        return formatters.withLockedValue { made in
            let formatter = made[key] ?? {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: locale)
                formatter.timeZone = zone
                formatter.dateFormat = pattern
                if made.count > 1000 { made.removeAll() }
                made[key] = formatter
                return formatter
            }()
            return formatter.string(from: date)
        }
    }
}
