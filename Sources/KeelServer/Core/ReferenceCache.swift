import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Reference data read by every new ticket (an organisation's timezone, its business
/// calendar and SLA policy, the priority matrix), kept between writes instead of read four
/// times a ticket. An entry lives at most a second, and every write transaction through the
/// write gate drops them all once it has committed; tenancy checks never come from here.
final class ReferenceCache: Sendable {
    private struct Entry {
        let value: any Sendable
        let generation: Int
        let readAt: NIODeadline
    }
    private struct State {
        var generation = 0
        var entries: [String: Entry] = [:]
    }

    private let state = NIOLockedValueBox(State())
    private let lifetime = TimeAmount.seconds(1)

    func value<T: Sendable>(_ key: String, load: () async throws -> T) async throws -> T {
        let now = NIODeadline.now()
        let generation = state.withLockedValue { state -> Int in state.generation }
        if let entry = state.withLockedValue({ $0.entries[key] }), entry.generation == generation,
           now - entry.readAt < lifetime, let value = entry.value as? T {
            return value
        }
        let value = try await load()
        state.withLockedValue { state in
            // Read before a write committed: it may be older than that write, keep nothing.
            guard state.generation == generation else { return }
            if state.entries.count >= 4096 { state.entries = [:] }
            state.entries[key] = Entry(value: value, generation: generation, readAt: now)
        }
        return value
    }

    /// After a write transaction commits: whatever it changed is read afresh.
    func invalidate() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries = [:]
        }
    }
}

extension Application {
    private struct ReferenceCacheKey: StorageKey { typealias Value = ReferenceCache }

    var references: ReferenceCache { service(ReferenceCacheKey.self) { ReferenceCache() } }
}
