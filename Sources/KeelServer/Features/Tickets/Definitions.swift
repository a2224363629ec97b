import Foundation
import KeelDomain
import NIOConcurrencyHelpers

/// SLA policies, business calendars and the priority matrix are stored as JSON and read by
/// every new ticket; each distinct text is decoded once. The cache is keyed by the stored
/// text itself, so a changed definition is a new key and nothing ever needs invalidating.
final class DefinitionCache<Value: Decodable & Sendable>: Sendable {
    private let decoded = NIOLockedValueBox<[String: Value]>([:])
    private let limit = 256

    func decode(_ text: String) -> Value? {
        if let hit = decoded.withLockedValue({ $0[text] }) { return hit }
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(text.utf8)) else { return nil }
        decoded.withLockedValue { cache in
            if cache.count >= limit { cache = [:] }
            cache[text] = value
        }
        return value
    }
}

enum Definitions {
    static let policies = DefinitionCache<SLAPolicy>()
    static let calendars = DefinitionCache<BusinessCalendar>()
    static let matrices = DefinitionCache<PriorityMatrix>()
    private static let standard = NIOLockedValueBox<[String: BusinessCalendar]>([:])

    /// Mon–Fri 09:00–17:30 in `zone` (24×7 for a zone the system does not know).
    static func standardCalendar(_ zone: String) -> BusinessCalendar {
        if let hit = standard.withLockedValue({ $0[zone] }) { return hit }
        let calendar = (try? BusinessCalendar.standard(timeZoneIdentifier: zone)) ?? .twentyFourSeven
        standard.withLockedValue { cache in
            if cache.count >= 256 { cache = [:] }
            cache[zone] = calendar
        }
        return calendar
    }
}
