import Foundation
import KeelDomain
import XCTest

/// `CronExpression.next(after:in:)` in zones with and without daylight saving time.
/// 2026: London springs forward on 29 March at 01:00 UTC and falls back on 25 October at
/// 01:00 UTC; New York on 8 March at 07:00 UTC and 1 November at 06:00 UTC.
final class CronScheduleTests: XCTestCase {
    private func runs(_ text: String, after: String, in zone: TimeZone, count: Int) -> [String] {
        MonitorFixtures.cron(text).runs(after: MonitorFixtures.t(after), in: zone, count: count).map(monitorISO)
    }

    func testShanghaiHasNoDaylightSavingTime() {
        XCTAssertEqual(runs("0 9 * * 1-5", after: "2026-05-01T00:00:00Z", in: MonitorFixtures.shanghai, count: 3),
                       ["2026-05-01T01:00:00Z", "2026-05-04T01:00:00Z", "2026-05-05T01:00:00Z"])
        XCTAssertEqual(runs("30 1 * * *", after: "2026-03-28T12:00:00Z", in: MonitorFixtures.shanghai, count: 2),
                       ["2026-03-28T17:30:00Z", "2026-03-29T17:30:00Z"])
        XCTAssertEqual(runs("0 0 1 10 *", after: "2026-01-01T00:00:00Z", in: MonitorFixtures.shanghai, count: 1),
                       ["2026-09-30T16:00:00Z"])
    }

    func testLondonFixedJobInSpringGapRunsOnceAtFirstInstantAfterGap() {
        XCTAssertEqual(runs("30 1 * * *", after: "2026-03-27T12:00:00Z", in: MonitorFixtures.london, count: 3),
                       ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"])
        // Four skipped times, one run.
        XCTAssertEqual(runs("0,15,30,45 1 * * *", after: "2026-03-29T00:50:00Z", in: MonitorFixtures.london, count: 2),
                       ["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"])
        // 02:00 BST exists and is that same instant: still one run.
        XCTAssertEqual(runs("30 1,2 * * *", after: "2026-03-29T00:00:00Z", in: MonitorFixtures.london, count: 2),
                       ["2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"])
    }

    func testLondonFixedJobInFallBackRunsOnceAtFirstOccurrence() {
        XCTAssertEqual(runs("30 1 * * *", after: "2026-10-24T12:00:00Z", in: MonitorFixtures.london, count: 2),
                       ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"])
        // Asked during the repeated hour, after the first 01:30 ran: not again.
        XCTAssertEqual(runs("30 1 * * *", after: "2026-10-25T01:10:00Z", in: MonitorFixtures.london, count: 1),
                       ["2026-10-26T01:30:00Z"])
        XCTAssertEqual(runs("0 2 * * *", after: "2026-10-24T12:00:00Z", in: MonitorFixtures.london, count: 1),
                       ["2026-10-25T02:00:00Z"])
    }

    func testLondonWildcardJobsFollowTheRealClock() {
        XCTAssertEqual(runs("*/30 * * * *", after: "2026-10-24T23:50:00Z", in: MonitorFixtures.london, count: 5),
                       ["2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z",
                        "2026-10-25T02:00:00Z"])
        XCTAssertEqual(runs("*/30 * * * *", after: "2026-03-29T00:10:00Z", in: MonitorFixtures.london, count: 3),
                       ["2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"])
        // Hourly at :30: 01:30 GMT never exists on the spring day; the next is 02:30 BST.
        XCTAssertEqual(runs("30 * * * *", after: "2026-03-29T00:00:00Z", in: MonitorFixtures.london, count: 2),
                       ["2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"])
        // In the autumn 01:30 occurs twice and an hourly job runs on both.
        XCTAssertEqual(runs("@hourly", after: "2026-10-24T23:30:00Z", in: MonitorFixtures.london, count: 3),
                       ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"])
    }

    func testNewYorkSpringForwardAndFallBack() {
        XCTAssertEqual(runs("30 2 * * *", after: "2026-03-07T00:00:00Z", in: MonitorFixtures.newYork, count: 3),
                       ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"])
        XCTAssertEqual(runs("30 1 * * *", after: "2026-10-31T12:00:00Z", in: MonitorFixtures.newYork, count: 2),
                       ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"])
        XCTAssertEqual(runs("0 9 * * MON-FRI", after: "2026-10-30T00:00:00Z", in: MonitorFixtures.newYork, count: 2),
                       ["2026-10-30T13:00:00Z", "2026-11-02T14:00:00Z"])
        XCTAssertEqual(runs("*/20 1 * * *", after: "2026-11-01T05:50:00Z", in: MonitorFixtures.newYork, count: 4),
                       ["2026-11-01T06:00:00Z", "2026-11-01T06:20:00Z", "2026-11-01T06:40:00Z", "2026-11-02T06:00:00Z"])
    }

    func testFixedOffsetZones() {
        guard let plusEight = TimeZone(secondsFromGMT: 8 * 3600), let minusFive = TimeZone(secondsFromGMT: -5 * 3600) else {
            return XCTFail("fixed zones")
        }
        XCTAssertEqual(runs("0 9 * * *", after: "2026-03-29T00:00:00Z", in: plusEight, count: 1), ["2026-03-29T01:00:00Z"])
        XCTAssertEqual(runs("30 1 * * *", after: "2026-03-08T00:00:00Z", in: minusFive, count: 2),
                       ["2026-03-08T06:30:00Z", "2026-03-09T06:30:00Z"])
    }

    func testRunsAreStrictlyAfterTheGivenInstant() {
        let cron = MonitorFixtures.cron("0 * * * *")
        XCTAssertEqual(monitorISO(cron.next(after: MonitorFixtures.t("2026-04-01T10:00:00Z"), in: MonitorFixtures.utc)),
                       "2026-04-01T11:00:00Z")
        XCTAssertEqual(monitorISO(cron.next(after: MonitorFixtures.t("2026-04-01T09:59:59Z"), in: MonitorFixtures.utc)),
                       "2026-04-01T10:00:00Z")
        let almost = MonitorFixtures.t("2026-04-01T09:59:59Z").addingTimeInterval(0.5)
        XCTAssertEqual(monitorISO(cron.next(after: almost, in: MonitorFixtures.utc)), "2026-04-01T10:00:00Z")
    }

    /// Against a minute-by-minute scan with Foundation's calendar, in zones where every
    /// local time exists once (UTC, Shanghai) and, for wildcard jobs, in London and New York
    /// (where they follow the real clock, which the scan does by construction).
    func testAgreesWithBruteForceScan() {
        var random = MonitorFixtures.Random(state: 7)
        let fields: [[String]] = [
            ["*", "*/7", "0", "15,45", "5-10", "*/15"],
            ["*", "*/5", "9", "0-6", "22,23", "*/2"],
            ["*", "1", "13", "1-7", "*/3", "28-31"],
            ["*", "*", "*", "2,3", "JUN-AUG", "*/4"],
            ["*", "*", "MON-FRI", "0", "5,6", "*/2"],
        ]
        var checked = 0
        for _ in 0..<40 {
            let parts = fields.map { $0[random.next($0.count)] }
            let text = parts.joined(separator: " ")
            guard let cron = try? CronExpression(text) else { continue }
            let wildcard = parts[0].hasPrefix("*") || parts[1].hasPrefix("*")
            let zones = wildcard ? [MonitorFixtures.utc, MonitorFixtures.shanghai, MonitorFixtures.london, MonitorFixtures.newYork]
                : [MonitorFixtures.utc, MonitorFixtures.shanghai]
            for zone in zones {
                let startDay = random.next(365)
                let after = MonitorFixtures.t("2026-01-01T00:00:00Z").addingTimeInterval(Double(startDay * 86400 + random.next(86400)))
                let expected = scan(cron, after: after, zone: zone, days: 25)
                let actual = cron.next(after: after, in: zone)
                if let expected {
                    XCTAssertEqual(monitorISO(actual), monitorISO(expected), "\(text) in \(zone.identifier) after \(monitorISO(after))")
                } else if let actual {
                    XCTAssertGreaterThan(actual, after.addingTimeInterval(25 * 86400), text)
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 50)
    }

    private func scan(_ cron: CronExpression, after: Date, zone: TimeZone, days: Int) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var t = (after.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        let end = t + Double(days * 86400)
        while t < end {
            let date = Date(timeIntervalSince1970: t)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            if let y = c.year, let mo = c.month, let d = c.day, let h = c.hour, let mi = c.minute,
               cron.matches(year: y, month: mo, day: d, hour: h, minute: mi) {
                return date
            }
            t += 60
        }
        return nil
    }

    func testSchedulesAreFastEnoughForHeartbeats() {
        let cron = MonitorFixtures.cron("*/5 9-17 * * MON-FRI")
        var t = MonitorFixtures.t("2026-01-01T00:00:00Z")
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<20_000 {
                if let next = cron.next(after: t, in: MonitorFixtures.london) { t = next }
            }
        }
        print("cron next: 20000 runs in \(elapsed)")
        XCTAssertLessThan(elapsed, .seconds(10))
    }
}
