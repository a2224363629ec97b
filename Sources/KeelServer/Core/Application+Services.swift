import NIOConcurrencyHelpers
import Vapor

extension Application {
    private static let servicesLock = NIOLock()

    /// A service made once per application on first use (a batcher, a cache, counters) and
    /// shared after that; safe to ask for from any thread, as request handlers on every event
    /// loop do.
    func service<Key: StorageKey>(_ key: Key.Type, make: () -> Key.Value) -> Key.Value {
        Self.servicesLock.withLock {
            if let existing = storage[key] { return existing }
            let created = make()
            storage[key] = created
            return created
        }
    }
}
