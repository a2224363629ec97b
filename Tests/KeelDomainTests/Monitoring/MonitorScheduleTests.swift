import Foundation
import KeelDomain
import XCTest

final class MonitorScheduleTests: XCTestCase {
    private let now = MonitorFixtures.t("2026-04-01T12:00:00Z")

    private func randomIDs(_ count: Int) -> [UUID] {
        var random = MonitorFixtures.Random(state: 99)
        return (0..<count).map { _ in
            let hex = (0..<32).map { _ in String(random.next(16), radix: 16) }.joined()
            let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
                         hex.dropFirst(20)]
            guard let id = UUID(uuidString: parts.joined(separator: "-")) else { preconditionFailure() }
            return id
        }
    }

    func testFirstDueIsOnTheCheckGridWithinOneInterval() {
        for id in randomIDs(200) {
            let due = MonitorSchedule.firstDue(checkID: id, interval: 60, now: now)
            let offset = MonitorSchedule.offset(checkID: id, interval: 60)
            XCTAssertGreaterThanOrEqual(due, now)
            XCTAssertLessThan(due.timeIntervalSince(now), 60)
            let phase = due.timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
            XCTAssertEqual(phase, offset, accuracy: 0.002)
        }
    }

    func testOffsetIsStableAcrossRunsAndProcesses() {
        // Pinned (and checked by hand with Python): the hash must never change, or every check
        // would move to another slot after an upgrade.
        let id = MonitorFixtures.id(1)
        XCTAssertEqual(MonitorSchedule.offset(checkID: id, interval: 60), MonitorSchedule.offset(checkID: id, interval: 60))
        XCTAssertEqual(MonitorSchedule.offset(checkID: id, interval: 3600), 1126.372, accuracy: 0.0005)
        XCTAssertNotEqual(MonitorSchedule.offset(checkID: MonitorFixtures.id(2), interval: 3600),
                          MonitorSchedule.offset(checkID: id, interval: 3600))
    }

    func testTenThousandChecksSpreadEvenlyOverTheirInterval() {
        var perSecond = [Int](repeating: 0, count: 60)
        for id in randomIDs(10_000) {
            perSecond[Int(MonitorSchedule.offset(checkID: id, interval: 60))] += 1
        }
        let mean = 10_000.0 / 60
        XCTAssertLessThan(Double(perSecond.max() ?? 0), mean * 1.4, "\(perSecond)")
        XCTAssertGreaterThan(Double(perSecond.min() ?? 0), mean * 0.6, "\(perSecond)")
    }

    func testNextDueAddsOneIntervalInNormalRunning() {
        let due = MonitorFixtures.t("2026-04-01T11:59:30Z")
        XCTAssertEqual(monitorISO(MonitorSchedule.nextDue(after: due, interval: 60, now: now)), "2026-04-01T12:00:30Z")
        XCTAssertEqual(MonitorSchedule.missedRuns(after: due, interval: 60, now: now), 0)
        // Running late by less than an interval still keeps the slot.
        let late = now.addingTimeInterval(50)
        XCTAssertEqual(monitorISO(MonitorSchedule.nextDue(after: due, interval: 60, now: late)), "2026-04-01T12:00:30Z")
    }

    func testCatchUpAfterRestartRunsOnceNotOncePerMissedInterval() {
        let id = MonitorFixtures.id(7)
        let first = MonitorSchedule.firstDue(checkID: id, interval: 60, now: MonitorFixtures.t("2026-04-01T09:00:00Z"))
        let restart = MonitorFixtures.t("2026-04-01T12:00:10Z").addingTimeInterval(0.5)
        let next = MonitorSchedule.nextDue(after: first, interval: 60, now: restart)
        XCTAssertLessThanOrEqual(next, restart, "due at once")
        XCTAssertGreaterThan(next, restart.addingTimeInterval(-60), "only the latest missed slot")
        XCTAssertEqual(MonitorSchedule.missedRuns(after: first, interval: 60, now: restart), 179)
        let after = MonitorSchedule.nextDue(after: next, interval: 60, now: restart.addingTimeInterval(1))
        XCTAssertGreaterThan(after, restart)
        XCTAssertEqual(after.timeIntervalSince1970.truncatingRemainder(dividingBy: 60),
                       MonitorSchedule.offset(checkID: id, interval: 60), accuracy: 0.002, "still on the grid")
    }

    func testSchedulingTenThousandChecksIsFast() {
        let ids = randomIDs(10_000)
        let clock = ContinuousClock()
        var checksum = 0.0
        let elapsed = clock.measure {
            for round in 0..<10 {
                let t = now.addingTimeInterval(Double(round * 60))
                for id in ids {
                    let due = MonitorSchedule.firstDue(checkID: id, interval: 60, now: t)
                    checksum += MonitorSchedule.nextDue(after: due, interval: 60, now: t).timeIntervalSince1970
                }
            }
        }
        print("schedule: 100000 first+next computations in \(elapsed) (checksum \(checksum.truncatingRemainder(dividingBy: 1000)))")
        XCTAssertLessThan(elapsed, .seconds(5))
    }
}
