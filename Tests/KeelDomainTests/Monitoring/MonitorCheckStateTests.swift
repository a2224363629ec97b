import Foundation
import KeelDomain
import XCTest

final class MonitorCheckStateTests: XCTestCase {
    private let t0 = MonitorFixtures.t("2026-04-01T00:00:00Z")
    private let policy = MonitorCheckPolicy(intervalSeconds: 60, timeoutSeconds: 10, failuresBeforeDown: 3)

    /// Feeds a pattern ("u" up, "d" down, "U"/"D" the same inside maintenance) one minute
    /// apart and returns the transitions with the index of the result that caused each.
    private func feed(
        _ pattern: String, into state: inout MonitorCheckState, policy: MonitorCheckPolicy? = nil, start: Int = 0
    ) -> [(Int, MonitorTransition)] {
        var out: [(Int, MonitorTransition)] = []
        for (i, c) in pattern.enumerated() {
            let up = c == "u" || c == "U"
            let result = MonitorResult(
                at: t0.addingTimeInterval(Double((start + i) * 60)), isUp: up, latencyMilliseconds: up ? 40 : nil,
                error: up ? nil : .timeout)
            if let t = state.record(result, policy: policy ?? self.policy, inMaintenance: c.isUppercase) {
                out.append((start + i, t))
            }
        }
        return out
    }

    private func names(_ transitions: [(Int, MonitorTransition)]) -> [String] {
        transitions.map { i, t in "\(i):\(t.from.rawValue)>\(t.to.rawValue)" + (t.flappingStarted ? "+flap" : "")
            + (t.flappingStopped ? "-flap" : "") }
    }

    func testStartsPendingAndDecidesOnFirstSuccess() {
        var state = MonitorCheckState()
        XCTAssertEqual(state.status, .pending)
        XCTAssertEqual(names(feed("u", into: &state)), ["0:pending>up"])
    }

    func testGoesDownOnlyAfterNConsecutiveFailures() {
        var state = MonitorCheckState()
        let transitions = feed("uddudduddd", into: &state)
        XCTAssertEqual(names(transitions), ["0:pending>up", "9:up>down"])
        XCTAssertEqual(transitions[1].1.error, .timeout)
        XCTAssertEqual(transitions[1].1.consecutiveFailures, 3)
        XCTAssertEqual(state.consecutiveFailures, 3)
        XCTAssertNil(feed("d", into: &state, start: 10).first, "still down: no second event")
    }

    func testPendingGoesDownAfterNFailures() {
        var state = MonitorCheckState()
        XCTAssertEqual(names(feed("ddd", into: &state)), ["2:pending>down"])
    }

    func testRecoversAfterOneSuccessOrAsConfigured() {
        var state = MonitorCheckState()
        XCTAssertEqual(names(feed("dddu", into: &state)), ["2:pending>down", "3:down>up"])
        var strict = MonitorCheckState()
        let twoToRecover = MonitorCheckPolicy(failuresBeforeDown: 1, successesBeforeUp: 2)
        XCTAssertEqual(names(feed("duduu", into: &strict, policy: twoToRecover)), ["0:pending>down", "4:down>up"])
    }

    func testFlappingSuppressesAndStopsAfterStableResults() {
        // Down after 1 failure so each alternation is a change; more than 4 changes in 20 = flapping.
        let twitchy = MonitorCheckPolicy(failuresBeforeDown: 1, flapDamping: MonitorFlapDamping(window: 20, maxChanges: 4, stableResults: 5))
        var state = MonitorCheckState()
        let first = feed("ududud", into: &state, policy: twitchy)
        XCTAssertEqual(names(first), ["0:pending>up", "1:up>down", "2:down>up", "3:up>down", "4:down>up", "5:up>down+flap"])
        XCTAssertTrue(state.isFlapping)
        XCTAssertEqual(state.changes(inLast: 20), 5)
        // Result 6 is a (suppressed) change; 7…11 are five results without one.
        let more = feed("uuuuuu", into: &state, policy: twitchy, start: 6)
        XCTAssertEqual(names(more), ["6:down>up", "11:up>up-flap"])
        XCTAssertFalse(state.isFlapping)
        XCTAssertEqual(state.changes(inLast: 64), 0, "history is cleared when flapping stops")
        XCTAssertTrue(more.allSatisfy { $0.1.wasFlapping })
    }

    func testFlappingCanBeTurnedOff() {
        let plain = MonitorCheckPolicy(failuresBeforeDown: 1, flapDamping: nil)
        var state = MonitorCheckState()
        let transitions = feed("udududududud", into: &state, policy: plain)
        XCTAssertEqual(transitions.count, 12)
        XCTAssertFalse(transitions.contains { $0.1.isFlapping })
    }

    func testMaintenanceShowsMaintenanceAndReturnsToUnderlyingStatus() {
        var state = MonitorCheckState()
        // Failures inside the window still count: the check is down when the window closes.
        let transitions = feed("uuDDDDDd", into: &state)
        XCTAssertEqual(names(transitions), ["0:pending>up", "2:up>maintenance", "7:maintenance>down"])
        XCTAssertEqual(state.underlyingStatus, .down)
        XCTAssertEqual(state.changes(inLast: 64), 0, "changes inside maintenance never count as flapping")
    }

    func testMaintenanceEdgesWithoutResults() {
        var state = MonitorCheckState()
        _ = feed("u", into: &state)
        XCTAssertEqual(state.setMaintenance(true, at: t0)?.to, .maintenance)
        XCTAssertNil(state.setMaintenance(true, at: t0))
        XCTAssertEqual(state.setMaintenance(false, at: t0)?.to, .up)
    }

    func testStateIsCodableAndDeterministic() throws {
        var a = MonitorCheckState()
        var b = MonitorCheckState()
        _ = feed("uduudddudu", into: &a)
        _ = feed("uduudddudu", into: &b)
        XCTAssertEqual(a, b)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(a)
        XCTAssertEqual(data, try encoder.encode(b))
        XCTAssertEqual(try JSONDecoder().decode(MonitorCheckState.self, from: data), a)
        a.reset()
        XCTAssertEqual(a, MonitorCheckState())
    }

    func testPolicyValidation() {
        XCTAssertNoThrow(try MonitorCheckPolicy().validated())
        XCTAssertThrowsError(try MonitorCheckPolicy(intervalSeconds: 19).validated()) {
            XCTAssertEqual($0 as? MonitorPolicyError, .intervalSeconds)
        }
        XCTAssertThrowsError(try MonitorCheckPolicy(intervalSeconds: 30, timeoutSeconds: 31).validated()) {
            XCTAssertEqual($0 as? MonitorPolicyError, .timeoutSeconds)
        }
        XCTAssertThrowsError(try MonitorCheckPolicy(failuresBeforeDown: 0).validated()) {
            XCTAssertEqual($0 as? MonitorPolicyError, .failuresBeforeDown)
        }
        XCTAssertThrowsError(try MonitorCheckPolicy(flapDamping: MonitorFlapDamping(window: 65)).validated()) {
            XCTAssertEqual($0 as? MonitorPolicyError, .flapWindow)
        }
        XCTAssertThrowsError(try MonitorCheckPolicy(flapDamping: MonitorFlapDamping(window: 10, maxChanges: 10)).validated()) {
            XCTAssertEqual($0 as? MonitorPolicyError, .flapMaxChanges)
        }
    }

    func testResultHelpersForHTTPAndCertificates() {
        XCTAssertTrue(MonitorResult.http(status: 204, at: t0, latencyMilliseconds: 12).isUp)
        XCTAssertEqual(MonitorResult.http(status: 503, at: t0, latencyMilliseconds: 12).error, .httpStatus)
        XCTAssertTrue(MonitorResult.http(status: 401, at: t0, latencyMilliseconds: 1, accepted: 200...499).isUp)
        XCTAssertEqual(MonitorResult.tlsExpiry(notAfter: t0.addingTimeInterval(-1), at: t0).error, .certificateExpired)
        XCTAssertEqual(MonitorResult.tlsExpiry(notAfter: t0.addingTimeInterval(86400 * 13), at: t0).error, .certificateExpiringSoon)
        XCTAssertTrue(MonitorResult.tlsExpiry(notAfter: t0.addingTimeInterval(86400 * 15), at: t0).isUp)
    }

    func testRecordingIsCheap() {
        var state = MonitorCheckState()
        var changes = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for i in 0..<200_000 {
                let result = MonitorResult(at: t0.addingTimeInterval(Double(i)), isUp: i % 7 != 0, latencyMilliseconds: 20)
                if state.record(result, policy: policy, inMaintenance: false) != nil { changes += 1 }
            }
        }
        print("check state: 200000 results in \(elapsed), \(changes) changes")
        XCTAssertLessThan(elapsed, .seconds(5))
    }
}
