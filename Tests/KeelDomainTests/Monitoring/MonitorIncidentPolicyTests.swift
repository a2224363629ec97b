import Foundation
import KeelDomain
import XCTest

final class MonitorIncidentPolicyTests: XCTestCase {
    private let now = MonitorFixtures.t("2026-04-01T00:00:00Z")

    private func decide(
        _ trigger: IncidentTrigger, open: Bool, maintenance: Bool = false, autoResolve: Bool = true
    ) -> IncidentDecision {
        IncidentPolicy.decide(trigger, openIncidentExists: open, inMaintenance: maintenance, autoResolve: autoResolve)
    }

    func testDecisionTable() {
        XCTAssertEqual(decide(.problem, open: false), .openTicket)
        XCTAssertEqual(decide(.problem, open: true), .appendToOpen)
        XCTAssertEqual(decide(.problem, open: false, maintenance: true), .recordOnly)
        XCTAssertEqual(decide(.problem, open: true, maintenance: true), .recordOnly)
        XCTAssertEqual(decide(.recovery, open: true), .resolveOpen)
        XCTAssertEqual(decide(.recovery, open: true, autoResolve: false), .appendToOpen)
        XCTAssertEqual(decide(.recovery, open: true, maintenance: true), .resolveOpen)
        XCTAssertEqual(decide(.recovery, open: false), .recordOnly)
        XCTAssertEqual(decide(.notice, open: true), .appendToOpen)
        XCTAssertEqual(decide(.notice, open: false), .recordOnly)
        XCTAssertEqual(decide(.informational, open: true), .recordOnly)
    }

    func testMonitorTransitions() {
        func trigger(_ from: MonitorCheckStatus, _ to: MonitorCheckStatus, was: Bool = false, is flapping: Bool = false) -> IncidentTrigger {
            IncidentPolicy.trigger(for: MonitorTransition(from: from, to: to, at: now, wasFlapping: was, isFlapping: flapping))
        }
        XCTAssertEqual(trigger(.up, .down), .problem)
        XCTAssertEqual(trigger(.pending, .down), .problem)
        XCTAssertEqual(trigger(.maintenance, .down), .problem)
        XCTAssertEqual(trigger(.down, .up), .recovery)
        XCTAssertEqual(trigger(.pending, .up), .recovery, "recovery only matters when an incident is open")
        XCTAssertEqual(trigger(.up, .maintenance), .informational)
        XCTAssertEqual(trigger(.up, .down, was: false, is: true), .notice, "flapping starts: no new incident")
        XCTAssertEqual(trigger(.down, .up, was: true, is: true), .informational)
        XCTAssertEqual(trigger(.up, .down, was: true, is: true), .informational)
        XCTAssertEqual(trigger(.down, .down, was: true, is: false), .problem, "settled down after flapping")
        XCTAssertEqual(trigger(.up, .up, was: true, is: false), .recovery, "settled up after flapping")
        let suppressed = IncidentPolicy.decide(
            transition: MonitorTransition(from: .up, to: .down, at: now, wasFlapping: true, isFlapping: true),
            openIncidentExists: false, inMaintenance: false, autoResolve: true)
        XCTAssertEqual(suppressed, .recordOnly)
    }

    func testFlappingCheckEndToEndOpensOneIncidentOnlyOnceStable() {
        let policy = MonitorCheckPolicy(failuresBeforeDown: 1, flapDamping: MonitorFlapDamping(window: 10, maxChanges: 2, stableResults: 3))
        var state = MonitorCheckState()
        var open = false
        var decisions: [IncidentDecision] = []
        for (i, c) in "uddudududdddd".enumerated() {
            let result = MonitorResult(at: now.addingTimeInterval(Double(i * 60)), isUp: c == "u")
            guard let transition = state.record(result, policy: policy, inMaintenance: false) else { continue }
            let decision = IncidentPolicy.decide(transition: transition, openIncidentExists: open, inMaintenance: false, autoResolve: true)
            decisions.append(decision)
            if decision == .openTicket { open = true }
            if decision == .resolveOpen { open = false }
        }
        XCTAssertEqual(decisions, [.recordOnly, .openTicket, .resolveOpen, .recordOnly, .recordOnly, .recordOnly, .recordOnly,
                                   .recordOnly, .openTicket])
        XCTAssertTrue(open)
    }

    func testHeartbeatTransitions() {
        func trigger(_ from: HeartbeatStatus, _ to: HeartbeatStatus) -> IncidentTrigger {
            IncidentPolicy.trigger(for: HeartbeatTransition(from: from, to: to, at: now, cause: nil, exitCode: nil))
        }
        XCTAssertEqual(trigger(.up, .late), .informational)
        XCTAssertEqual(trigger(.late, .down), .problem)
        XCTAssertEqual(trigger(.up, .failed), .problem)
        XCTAssertEqual(trigger(.down, .up), .recovery)
        XCTAssertEqual(trigger(.late, .up), .recovery)
        XCTAssertEqual(trigger(.new, .up), .informational)
    }

    func testAlertSignals() {
        let start = now
        let webhook = AlertmanagerWebhook(groupKey: "g", status: .firing, receiver: "keel", alerts: [
            AlertmanagerAlert(status: .firing, labels: ["alertname": "A"], startsAt: start, fingerprint: "a"),
            AlertmanagerAlert(status: .resolved, labels: ["alertname": "B"], startsAt: start, endsAt: start, fingerprint: "b"),
        ])
        let signals = webhook.signals()
        XCTAssertEqual(IncidentPolicy.decide(signal: signals[0], openIncidentExists: false, inMaintenance: false, autoResolve: true), .openTicket)
        XCTAssertEqual(IncidentPolicy.decide(signal: signals[0], openIncidentExists: false, inMaintenance: true, autoResolve: true), .recordOnly)
        XCTAssertEqual(IncidentPolicy.decide(signal: signals[1], openIncidentExists: true, inMaintenance: false, autoResolve: true), .resolveOpen)
        XCTAssertEqual(IncidentPolicy.decide(signal: signals[1], openIncidentExists: true, inMaintenance: false, autoResolve: false), .appendToOpen)
    }
}
