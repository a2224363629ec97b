import Foundation
import KeelDomain
import NIOConcurrencyHelpers

/// SLA policies, business calendars and the priority matrix are stored as JSON and read by
/// every new ticket; each distinct text is decoded once. The cache is keyed by the stored
/// text itself, so a changed definition is a new key and nothing ever needs invalidating.
final class DefinitionCache<Value: Decodable & Sendable>: Sendable {
    private let entries = NIOLockedValueBox<[String: Value]>([:])
    private let limit = 256

    func decode(_ text: String) -> Value? {
        value(text) { try? JSONDecoder().decode(Value.self, from: Data(text.utf8)) }
    }

    /// The value kept under `key`, else what `make` gives (kept unless nil).
    func value(_ key: String, make: () -> Value?) -> Value? {
        if let hit = entries.withLockedValue({ $0[key] }) { return hit }
        guard let value = make() else { return nil }
        entries.withLockedValue { cache in
            if cache.count >= limit { cache = [:] }
            cache[key] = value
        }
        return value
    }
}

enum Definitions {
    static let policies = DefinitionCache<SLAPolicy>()
    static let calendars = DefinitionCache<BusinessCalendar>()
    static let matrices = DefinitionCache<PriorityMatrix>()
    private static let standardCalendars = DefinitionCache<BusinessCalendar>()

    /// Mon–Fri 09:00–17:30 in `zone` (24×7 for a zone the system does not know).
    static func standardCalendar(_ zone: String) -> BusinessCalendar {
        standardCalendars.value(zone) { (try? BusinessCalendar.standard(timeZoneIdentifier: zone)) ?? .twentyFourSeven }
            ?? .twentyFourSeven
    }
}
