import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A job the server runs from start to shutdown: `round` at once, then again `pause` after
/// each round ends. Shutdown cancels it and waits for the round in progress, so no round
/// touches the database after it is closed.
final class BackgroundLoop: LifecycleHandler, Sendable {
    let name: String
    let pause: Double
    private let round: @Sendable (Application) async throws -> Void
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(_ name: String, every pause: Double, round: @escaping @Sendable (Application) async throws -> Void) {
        self.name = name
        self.pause = pause
        self.round = round
    }

    func didBootAsync(_ application: Application) async throws {
        let round = self.round, pause = self.pause, name = self.name
        task.withLockedValue { current in
            current = Task {
                while !Task.isCancelled {
                    do { try await round(application) } catch where !Task.isCancelled {
                        application.logger.error("\(name) failed: \(error)")
                    } catch {}
                    try? await Task.sleep(nanoseconds: UInt64(pause * 1_000_000_000))
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { current -> Task<Void, Never>? in
            defer { current = nil }
            return current
        }
        running?.cancel()
        await running?.value
    }
}
