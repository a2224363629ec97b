import Foundation
import NIOConcurrencyHelpers
import XCTest
@testable import KeelServer

/// Background work stops with the server: shutdown waits for the round in progress, so none
/// touches the database after it is closed (a check run did, and crashed the process).
final class BackgroundLoopTests: KeelTestCase {
    func testShutdownWaitsForTheRoundInProgressAndNoneStartsAfter() async throws {
        let state = NIOLockedValueBox((running: false, rounds: 0))
        let loop = BackgroundLoop("test loop", every: 0.01) { _ in
            state.withLockedValue { $0.running = true; $0.rounds += 1 }
            try? await Task.sleep(nanoseconds: 150_000_000)
            state.withLockedValue { $0.running = false }
        }
        try await loop.didBootAsync(app)
        try await Task.sleep(nanoseconds: 50_000_000)
        XCTAssertTrue(state.withLockedValue { $0.running }, "a round is under way")
        await loop.shutdownAsync(app)
        XCTAssertFalse(state.withLockedValue { $0.running }, "shutdown returned only after the round ended")
        let rounds = state.withLockedValue { $0.rounds }
        try await Task.sleep(nanoseconds: 100_000_000)
        XCTAssertEqual(state.withLockedValue { $0.rounds }, rounds, "no round after shutdown")
    }
}
