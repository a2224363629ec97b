import Foundation
import KeelDomain
import XCTest

final class MonitorAvailabilityTests: XCTestCase {
    private let t0 = MonitorFixtures.t("2026-04-01T00:00:00Z")
    private func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }
    private func hours(_ a: Double, _ b: Double) -> DateInterval { DateInterval(start: at(a * 60), end: at(b * 60)) }

    /// One result a minute for `count` minutes from `start`, down where `isDown` says.
    private func samples(from start: Double = 0, count: Int, isDown: (Int) -> Bool = { _ in false }) -> [MonitorSample] {
        (0..<count).map { i in
            MonitorSample(at: at(start + Double(i)), isUp: !isDown(i), latencyMilliseconds: Double(10 + i % 5))
        }
    }

    func testAvailabilityFromSamplesCountsHalfOpenWindowOnly() {
        let list = samples(count: 120) { $0 % 10 == 0 }
        let firstHour = MonitorAvailability.of(samples: list, in: hours(0, 1))
        XCTAssertEqual(firstHour.up, 54)
        XCTAssertEqual(firstHour.down, 6)
        XCTAssertEqual(firstHour.percent ?? 0, 90, accuracy: 1e-9)
        XCTAssertNil(MonitorAvailability.of(samples: list, in: hours(5, 6)).percent)
        XCTAssertEqual(MonitorAvailability.of(samples: list, in: hours(5, 6)).band, .noData)
    }

    func testMaintenanceTimeIsLeftOut() {
        // Down for 30 minutes, all inside a maintenance window: 100 %.
        let list = samples(count: 60) { $0 >= 10 && $0 < 40 }
        let maintenance = [DateInterval(start: at(10), end: at(40))]
        XCTAssertEqual(MonitorAvailability.of(samples: list, in: hours(0, 1), excluding: maintenance).percent, 100)
        XCTAssertEqual(MonitorAvailability.of(samples: list, in: hours(0, 1)).percent ?? 0, 50, accuracy: 1e-9)
        var builder = MonitorRollupBuilder(period: .hour, excluding: maintenance)
        builder.add(contentsOf: list)
        XCTAssertEqual(builder.excludedCount, 30)
        XCTAssertEqual(MonitorAvailability.of(rollups: builder.rollups, in: hours(0, 1)).percent, 100)
    }

    func testRollupsAreProratedByTheShareOfTheirBucketInside() {
        var builder = MonitorRollupBuilder(period: .hour)
        builder.add(contentsOf: samples(count: 120) { $0 >= 60 })
        let rollups = builder.rollups
        XCTAssertEqual(rollups.map(\.upCount), [60, 0])
        XCTAssertEqual(rollups.map(\.downCount), [0, 60])
        // Half of each hour: 30 up and 30 down.
        XCTAssertEqual(MonitorAvailability.of(rollups: rollups, in: hours(0.5, 1.5)).percent ?? 0, 50, accuracy: 1e-9)
        // Excluding the second hour's first half leaves 30 up (first hour's second half) and 0 down from 1:00-1:30.
        let excluded = [hours(1, 1.5)]
        let figure = MonitorAvailability.of(rollups: rollups, in: hours(0.5, 1.5), excluding: excluded)
        XCTAssertEqual(figure.up, 30, accuracy: 1e-9)
        XCTAssertEqual(figure.down, 0, accuracy: 1e-9)
    }

    func testRollupBuilderKeepsLatencyFigures() {
        var builder = MonitorRollupBuilder(period: .hour)
        builder.add(MonitorSample(at: at(1), isUp: true, latencyMilliseconds: 20))
        builder.add(MonitorSample(at: at(2), isUp: true, latencyMilliseconds: 40))
        builder.add(MonitorSample(at: at(3), isUp: false))
        builder.add(MonitorSample(at: at(61), isUp: true, latencyMilliseconds: 5))
        let rollups = builder.rollups
        XCTAssertEqual(rollups.count, 2)
        XCTAssertEqual(rollups[0].start, t0)
        XCTAssertEqual(rollups[0].end, at(60))
        XCTAssertEqual(rollups[0].total, 3)
        XCTAssertEqual(rollups[0].latencyCount, 2)
        XCTAssertEqual(rollups[0].meanLatency, 30)
        XCTAssertEqual(rollups[0].latencyMin, 20)
        XCTAssertEqual(rollups[0].latencyMax, 40)
        XCTAssertEqual(rollups[1].latencyMin, 5)
    }

    func testDailyBucketsFollowLocalDaysIncludingDaylightSavingDays() {
        let fallBack = MonitorFixtures.t("2026-10-25T12:00:00Z")
        var builder = MonitorRollupBuilder(period: .day(timeZone: "Europe/London"))
        builder.add(MonitorSample(at: fallBack, isUp: true))
        builder.add(MonitorSample(at: MonitorFixtures.t("2026-10-25T23:30:00Z"), isUp: true))
        let day = builder.rollups
        XCTAssertEqual(day.count, 1)
        XCTAssertEqual(monitorISO(day.first?.start), "2026-10-24T23:00:00Z")
        XCTAssertEqual(monitorISO(day.first?.end), "2026-10-26T00:00:00Z")
        // Hourly roll-ups gathered into Shanghai days.
        var hourly = MonitorRollupBuilder(period: .hour)
        hourly.add(contentsOf: samples(count: 24 * 60) { $0 < 60 })
        let days = MonitorRollup.daily(fromHourly: hourly.rollups, timeZone: "Asia/Shanghai")
        XCTAssertEqual(days.map { monitorISO($0.start) }, ["2026-03-31T16:00:00Z", "2026-04-01T16:00:00Z"])
        XCTAssertEqual(days.map(\.total), [16 * 60, 8 * 60])
        XCTAssertEqual(days.map(\.downCount), [60, 0])
    }

    func testOrganisationAvailabilityWeighsEachCheckEqually() {
        let busy = MonitorAvailability(up: 2_970, down: 30) // every 20 s: 99 %
        let quiet = MonitorAvailability(up: 12, down: 0) // every 5 min: 100 %
        let org = MonitorAvailability.organization([busy, quiet, .noData])
        XCTAssertEqual(org.percent ?? 0, 99.5, accuracy: 1e-9)
        XCTAssertEqual(org.up, 2_982)
        XCTAssertNil(MonitorAvailability.organization([.noData]).percent)
    }

    func testPerCheckAvailabilityUsesTheWindowsThatCoverIt() {
        let org = MonitorFixtures.id(1)
        let ref = MonitorCheckRef(checkID: MonitorFixtures.id(2), organizationID: org)
        var builder = MonitorRollupBuilder(period: .hour)
        builder.add(contentsOf: samples(count: 120) { $0 >= 60 })
        let window = MaintenanceWindow(id: MonitorFixtures.id(3), recurrence: .once(start: at(60), end: at(120)),
                                       targets: MaintenanceTargets(organizationIDs: [org]))
        let elsewhere = MaintenanceWindow(id: MonitorFixtures.id(4), recurrence: .once(start: at(0), end: at(60)),
                                          targets: MaintenanceTargets(organizationIDs: [MonitorFixtures.id(5)]))
        let figure = MonitorAvailability.of(check: ref, rollups: builder.rollups, in: hours(0, 2), windows: [window, elsewhere])
        XCTAssertEqual(figure.percent, 100)
    }

    func testBandsAtTheirThresholds() {
        XCTAssertEqual(MonitorAvailability(up: 999, down: 1).band, .excellent)
        XCTAssertEqual(MonitorAvailability(up: 9_989, down: 11).band, .good)
        XCTAssertEqual(MonitorAvailability(up: 99, down: 1).band, .good)
        XCTAssertEqual(MonitorAvailability(up: 9_899, down: 101).band, .poor)
        XCTAssertEqual(MonitorAvailabilityBand(percent: nil), .noData)
    }

    func testNinetyDayStripHasOneBarPerLocalDayWithGapsAsNoData() {
        // Hourly roll-ups for 3 days, day 2 with one bad hour; London in summer (UTC+1).
        var builder = MonitorRollupBuilder(period: .hour)
        let start = MonitorFixtures.t("2026-06-09T23:00:00Z") // 00:00 BST on 10 June
        for minute in 0..<(3 * 24 * 60) {
            let at = start.addingTimeInterval(Double(minute * 60))
            builder.add(MonitorSample(at: at, isUp: !(minute >= 24 * 60 && minute < 25 * 60)))
        }
        guard let lastDay = CivilDate(year: 2026, month: 6, day: 13) else { return XCTFail("date") }
        let bars = MonitorDailyStrip.days(rollups: builder.rollups, lastDay: lastDay, timeZone: "Europe/London")
        XCTAssertEqual(bars.count, 90)
        XCTAssertEqual(bars.first?.date.description, "2026-03-16")
        XCTAssertEqual(bars.suffix(4).map(\.date.description), ["2026-06-10", "2026-06-11", "2026-06-12", "2026-06-13"])
        XCTAssertEqual(bars.suffix(4).map(\.band), [.excellent, .poor, .excellent, .noData])
        XCTAssertEqual(bars[bars.count - 3].percent ?? 0, 100 * 23.0 / 24, accuracy: 1e-9)
        XCTAssertEqual(bars.filter { $0.percent != nil }.count, 3)
    }
}
