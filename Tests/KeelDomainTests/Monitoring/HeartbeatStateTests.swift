import Foundation
import KeelDomain
import XCTest

final class HeartbeatStateTests: XCTestCase {
    private let t0 = MonitorFixtures.t("2026-04-01T02:00:00Z")
    private func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    /// Period 1 h, grace 10 min.
    private var hourly: HeartbeatState { HeartbeatState(schedule: .period(periodSeconds: 3600, graceSeconds: 600)) }

    func testNewJobIsNeverLateOrDownWithoutPings() {
        let state = hourly
        let evaluation = state.evaluate(now: at(365 * 86400))
        XCTAssertEqual(evaluation.status, .new)
        XCTAssertNil(evaluation.dueAt)
        XCTAssertFalse(evaluation.isOverdue)
        XCTAssertNil(evaluation.nextChangeAt)
    }

    func testPeriodJobGoesLateAtDueAndDownAtDuePlusGrace() {
        var state = hourly
        XCTAssertEqual(state.record(.success, at: at(0)), HeartbeatTransition(from: .new, to: .up, at: at(0), cause: .success, exitCode: nil))
        let up = state.evaluate(now: at(3599))
        XCTAssertEqual(up.status, .up)
        XCTAssertEqual(up.dueAt, at(3600))
        XCTAssertEqual(up.downAt, at(4200))
        XCTAssertEqual(up.nextChangeAt, at(3600))
        XCTAssertFalse(up.isOverdue)
        let late = state.evaluate(now: at(3600))
        XCTAssertEqual(late.status, .late)
        XCTAssertTrue(late.isOverdue)
        XCTAssertEqual(late.nextChangeAt, at(4200))
        XCTAssertEqual(state.evaluate(now: at(4199)).status, .late)
        XCTAssertEqual(state.evaluate(now: at(4200)).status, .down, "down when now ≥ last success + period + grace")
        XCTAssertEqual(state.evaluate(now: at(4200)).cause, .missed)
    }

    func testEventsAreReportedOncePerChange() {
        var state = hourly
        var events: [HeartbeatTransition] = []
        if let e = state.record(.success, at: at(0)) { events.append(e) }
        for minute in stride(from: 1.0, through: 120, by: 1) {
            if let e = state.advance(now: at(minute * 60)) { events.append(e) }
        }
        if let e = state.record(.success, at: at(7260)) { events.append(e) }
        if let e = state.advance(now: at(7261)) { events.append(e) }
        XCTAssertEqual(events.map { "\($0.from)>\($0.to)" }, ["new>up", "up>late", "late>down", "down>up"])
        XCTAssertEqual(events[1].at, at(3600))
        XCTAssertEqual(events[2].at, at(4200))
        XCTAssertEqual(state.status, .up)
    }

    func testFailPingAndNonZeroExitAreFailedAtOnceUntilNextSuccess() {
        var state = hourly
        _ = state.record(.success, at: at(0))
        let failed = state.record(.fail, at: at(60))
        XCTAssertEqual(failed?.to, .failed)
        XCTAssertEqual(failed?.cause, .failPing)
        XCTAssertNil(state.advance(now: at(86400)), "failed stays failed, no second event")
        XCTAssertEqual(state.record(.exitCode(0), at: at(90000))?.to, .up)
        let exit = state.record(.exitCode(3), at: at(90100))
        XCTAssertEqual(exit?.to, .failed)
        XCTAssertEqual(exit?.cause, .nonZeroExit)
        XCTAssertEqual(exit?.exitCode, 3)
        XCTAssertEqual(state.lastExitCode, 3)
        XCTAssertEqual(state.record(.success, at: at(90200))?.to, .up)
        XCTAssertNil(state.lastExitCode)
    }

    func testStartWithoutFinishWithinGraceIsDownAndDurationIsMeasured() {
        var state = hourly
        _ = state.record(.success, at: at(0))
        XCTAssertNil(state.record(.start, at: at(3000)))
        XCTAssertEqual(state.runningSince, at(3000))
        XCTAssertEqual(state.evaluate(now: at(3599)).nextChangeAt, at(3600))
        XCTAssertEqual(state.advance(now: at(3600)), HeartbeatTransition(
            from: .up, to: .down, at: at(3600), cause: .startedWithoutFinish, exitCode: nil))
        let recovered = state.record(.success, at: at(3700))
        XCTAssertEqual(recovered?.to, .up)
        XCTAssertEqual(state.lastRunDuration, 700)
        XCTAssertNil(state.runningSince)
        XCTAssertEqual(state.dueAt, at(7300))
        _ = state.record(.start, at: at(7000))
        _ = state.record(.fail, at: at(7030))
        XCTAssertEqual(state.lastRunDuration, 30)
        XCTAssertEqual(state.status, .failed)
    }

    func testStartOnANewJobStillGoesDownWhenItNeverFinishes() {
        var state = hourly
        _ = state.record(.start, at: at(0))
        XCTAssertEqual(state.evaluate(now: at(10)).status, .new)
        XCTAssertEqual(state.evaluate(now: at(10)).nextChangeAt, at(600))
        XCTAssertEqual(state.advance(now: at(600))?.to, .down)
    }

    func testCronJobIsDueAtNextRunAfterLastSuccessInItsZone() throws {
        // Nightly backup at 01:30 London time, one hour grace.
        let schedule = try HeartbeatSchedule.cron(expression: "30 1 * * *", timeZone: "Europe/London", graceSeconds: 3600)
        var state = HeartbeatState(schedule: schedule)
        let ran = MonitorFixtures.t("2026-03-27T01:40:00Z")
        _ = state.record(.success, at: ran)
        XCTAssertEqual(monitorISO(state.dueAt), "2026-03-28T01:30:00Z")
        _ = state.record(.success, at: MonitorFixtures.t("2026-03-28T01:35:00Z"))
        // 01:30 does not exist on the spring-forward day: due at 02:00 BST.
        XCTAssertEqual(monitorISO(state.dueAt), "2026-03-29T01:00:00Z")
        let evaluation = state.evaluate(now: MonitorFixtures.t("2026-03-29T01:30:00Z"))
        XCTAssertEqual(evaluation.status, .late)
        XCTAssertEqual(monitorISO(evaluation.downAt), "2026-03-29T02:00:00Z")
        XCTAssertEqual(state.evaluate(now: MonitorFixtures.t("2026-03-29T02:00:00Z")).status, .down)
    }

    func testRescheduleRecomputesDue() {
        var state = hourly
        _ = state.record(.success, at: at(0))
        XCTAssertEqual(state.reschedule(.period(periodSeconds: 600, graceSeconds: 60), now: at(630))?.to, .late)
        XCTAssertEqual(state.dueAt, at(600))
    }

    func testScheduleValidationAndErrors() {
        XCTAssertThrowsError(try HeartbeatSchedule.period(periodSeconds: 10, graceSeconds: 60).validated()) {
            XCTAssertEqual($0 as? HeartbeatScheduleError, .period)
        }
        XCTAssertThrowsError(try HeartbeatSchedule.period(periodSeconds: 3600, graceSeconds: 0).validated()) {
            XCTAssertEqual(($0 as? HeartbeatScheduleError)?.field, "graceSeconds")
        }
        XCTAssertThrowsError(try HeartbeatSchedule.cron(expression: "0 25 * * *", timeZone: "UTC", graceSeconds: 60)) {
            XCTAssertEqual($0 as? HeartbeatScheduleError, .cron(.outOfRange(field: .hour, token: "25")))
        }
        XCTAssertThrowsError(try HeartbeatSchedule.cron(expression: "0 1 * * *", timeZone: "Mars/Olympus", graceSeconds: 60)) {
            XCTAssertEqual($0 as? HeartbeatScheduleError, .timeZone)
        }
    }

    func testStateAndScheduleRoundTripThroughJSON() throws {
        let schedule = try HeartbeatSchedule.cron(expression: "@daily", timeZone: "Asia/Shanghai", graceSeconds: 900)
        var state = HeartbeatState(schedule: schedule)
        _ = state.record(.start, at: at(0))
        _ = state.record(.exitCode(0), at: at(42))
        let data = try JSONEncoder().encode(state)
        XCTAssertEqual(try JSONDecoder().decode(HeartbeatState.self, from: data), state)
        let json = String(decoding: try JSONEncoder().encode(HeartbeatSchedule.period(periodSeconds: 86400, graceSeconds: 3600)), as: UTF8.self)
        XCTAssertTrue(json.contains("\"periodSeconds\":86400") && json.contains("\"graceSeconds\":3600"), json)
        let cronJSON = Data(#"{"cron":"0 3 * * *","timezone":"Europe/London","graceSeconds":600}"#.utf8)
        XCTAssertEqual(try JSONDecoder().decode(HeartbeatSchedule.self, from: cronJSON),
                       try HeartbeatSchedule.cron(expression: "0 3 * * *", timeZone: "Europe/London", graceSeconds: 600))
    }

    func testPingURLSuffixesAndKumaStatus() {
        XCTAssertEqual(HeartbeatPing(pathSuffix: ""), .success)
        XCTAssertEqual(HeartbeatPing(pathSuffix: "start"), .start)
        XCTAssertEqual(HeartbeatPing(pathSuffix: "fail"), .fail)
        XCTAssertEqual(HeartbeatPing(pathSuffix: "0"), .exitCode(0))
        XCTAssertEqual(HeartbeatPing(pathSuffix: "255"), .exitCode(255))
        XCTAssertNil(HeartbeatPing(pathSuffix: "256"))
        XCTAssertNil(HeartbeatPing(pathSuffix: "-1"))
        XCTAssertNil(HeartbeatPing(pathSuffix: "log"))
        XCTAssertEqual(HeartbeatPing(kumaStatus: nil), .success)
        XCTAssertEqual(HeartbeatPing(kumaStatus: "up"), .success)
        XCTAssertEqual(HeartbeatPing(kumaStatus: "DOWN"), .fail)
        XCTAssertNil(HeartbeatPing(kumaStatus: "maybe"))
        XCTAssertEqual(HeartbeatPing.exitCode(0).outcome, true)
        XCTAssertEqual(HeartbeatPing.exitCode(1).outcome, false)
        XCTAssertNil(HeartbeatPing.start.outcome)
    }

    func testPingBodyIsCappedAtACharacterBoundary() {
        let body = Data(("ab" + "é").utf8) // é is two bytes
        XCTAssertEqual(HeartbeatPing.cappedBody(body, limit: 3).body, Data("ab".utf8))
        XCTAssertEqual(HeartbeatPing.cappedBody(body, limit: 3).truncated, true)
        XCTAssertEqual(HeartbeatPing.cappedBody(body, limit: 4).truncated, false)
        XCTAssertEqual(HeartbeatPing.cappedBody(Data(repeating: 65, count: 20_000)).body.count, HeartbeatPing.bodyLimit)
    }

    func testRecordingPingsIsCheap() {
        var state = hourly
        let clock = ContinuousClock()
        var changes = 0
        let elapsed = clock.measure {
            for i in 0..<100_000 {
                let ping: HeartbeatPing = i % 10 == 9 ? .fail : .success
                if state.record(ping, at: at(Double(i) * 30)) != nil { changes += 1 }
            }
        }
        print("heartbeat: 100000 pings in \(elapsed), \(changes) changes")
        XCTAssertEqual(changes, 20_000)
        XCTAssertLessThan(elapsed, .seconds(5))
    }
}
