import Foundation
import KeelDomain
import XCTest

final class MaintenanceWindowTests: XCTestCase {
    private let org = MonitorFixtures.id(100)
    private let otherOrg = MonitorFixtures.id(101)
    private let site = MonitorFixtures.id(200)
    private let asset = MonitorFixtures.id(300)
    private let check = MonitorFixtures.id(400)

    private func time(_ hour: Int, _ minute: Int = 0) -> MaintenanceTimeOfDay {
        guard let value = MaintenanceTimeOfDay(hour: hour, minute: minute) else { preconditionFailure() }
        return value
    }

    private func window(_ recurrence: MaintenanceRecurrence, targets: MaintenanceTargets? = nil) -> MaintenanceWindow {
        MaintenanceWindow(id: MonitorFixtures.id(1), recurrence: recurrence,
                          targets: targets ?? MaintenanceTargets(organizationIDs: [org]))
    }

    private func t(_ text: String) -> Date { MonitorFixtures.t(text) }

    func testOneOffWindowIsHalfOpen() {
        let w = window(.once(start: t("2026-04-01T22:00:00Z"), end: t("2026-04-02T02:00:00Z")))
        XCTAssertTrue(w.contains(t("2026-04-01T22:00:00Z")))
        XCTAssertTrue(w.contains(t("2026-04-02T01:59:59Z")))
        XCTAssertFalse(w.contains(t("2026-04-02T02:00:00Z")))
        XCTAssertFalse(w.contains(t("2026-04-01T21:59:59Z")))
        XCTAssertEqual(w.nextOccurrence(after: t("2026-04-01T00:00:00Z"))?.start, t("2026-04-01T22:00:00Z"))
        XCTAssertNil(w.nextOccurrence(after: t("2026-04-01T22:00:00Z")))
    }

    func testWeeklyWindowInLondonFollowsSummerTime() {
        let w = window(.weekly(weekdays: [.sun], at: time(2), durationSeconds: 7200, timeZone: "Europe/London"))
        let april = DateInterval(start: t("2026-04-01T00:00:00Z"), end: t("2026-05-01T00:00:00Z"))
        XCTAssertEqual(w.occurrences(in: april).map { monitorISO($0.start) },
                       ["2026-04-05T01:00:00Z", "2026-04-12T01:00:00Z", "2026-04-19T01:00:00Z", "2026-04-26T01:00:00Z"])
        XCTAssertTrue(w.contains(t("2026-04-05T02:59:59Z")))
        XCTAssertFalse(w.contains(t("2026-04-05T03:00:00Z")))
        XCTAssertEqual(monitorISO(w.nextOccurrence(after: t("2026-01-01T00:00:00Z"))?.start), "2026-01-04T02:00:00Z")
    }

    func testRecurringStartInSpringGapMovesAfterGapAndFallBackUsesFirstOccurrence() {
        let w = window(.weekly(weekdays: [.sun], at: time(1, 30), durationSeconds: 3600, timeZone: "Europe/London"))
        let spring = w.nextOccurrence(after: t("2026-03-28T00:00:00Z"))
        XCTAssertEqual(monitorISO(spring?.start), "2026-03-29T01:00:00Z")
        XCTAssertEqual(monitorISO(spring?.end), "2026-03-29T02:00:00Z")
        let autumn = w.nextOccurrence(after: t("2026-10-24T00:00:00Z"))
        XCTAssertEqual(monitorISO(autumn?.start), "2026-10-25T00:30:00Z")
    }

    func testWindowsCrossingMidnightAndSeveralWeekdays() {
        let w = window(.weekly(weekdays: [.fri, .sat], at: time(23), durationSeconds: 3 * 3600, timeZone: "Asia/Shanghai"))
        // Saturday 23:00 CST → Sunday 02:00 CST = Sunday 2026-04-05 01:00 CST is 2026-04-04T17:00Z.
        XCTAssertTrue(w.contains(t("2026-04-04T17:00:00Z")))
        XCTAssertFalse(w.contains(t("2026-04-04T18:00:00Z")))
        let week = DateInterval(start: t("2026-03-29T16:00:00Z"), end: t("2026-04-05T16:00:00Z"))
        XCTAssertEqual(w.occurrences(in: week).map { monitorISO($0.start) }, ["2026-04-03T15:00:00Z", "2026-04-04T15:00:00Z"])
    }

    func testMonthlyOnDayPastMonthEndFallsOnLastDay() {
        let w = window(.monthly(dayOfMonth: 31, at: time(22), durationSeconds: 4 * 3600, timeZone: "Asia/Shanghai"))
        let year = DateInterval(start: t("2026-01-15T00:00:00Z"), end: t("2026-05-15T00:00:00Z"))
        XCTAssertEqual(w.occurrences(in: year).map { monitorISO($0.start) },
                       ["2026-01-31T14:00:00Z", "2026-02-28T14:00:00Z", "2026-03-31T14:00:00Z", "2026-04-30T14:00:00Z"])
    }

    func testMonthlyInNewYork() {
        let w = window(.monthly(dayOfMonth: 1, at: time(1, 30), durationSeconds: 3600, timeZone: "America/New_York"))
        XCTAssertEqual(monitorISO(w.nextOccurrence(after: t("2026-10-15T00:00:00Z"))?.start), "2026-11-01T05:30:00Z")
        XCTAssertEqual(monitorISO(w.nextOccurrence(after: t("2026-11-01T05:30:00Z"))?.start), "2026-12-01T06:30:00Z")
    }

    func testAdvanceNoticeIsDueWithin48Hours() {
        let w = window(.weekly(weekdays: [.sun], at: time(2), durationSeconds: 7200, timeZone: "UTC"))
        XCTAssertEqual(monitorISO(w.upcomingNotice(now: t("2026-04-03T02:00:00Z"))?.start), "2026-04-05T02:00:00Z")
        XCTAssertNil(w.upcomingNotice(now: t("2026-04-03T01:59:59Z")))
        XCTAssertEqual(MaintenanceWindow.advanceNotice, 172_800)
    }

    func testTargetsDecideWhichChecksAreInMaintenance() {
        let open = DateInterval(start: t("2026-04-01T00:00:00Z"), end: t("2026-04-02T00:00:00Z"))
        let byOrg = window(.once(start: open.start, end: open.end))
        let bySite = window(.once(start: open.start, end: open.end), targets: MaintenanceTargets(siteIDs: [site]))
        let byAsset = window(.once(start: open.start, end: open.end), targets: MaintenanceTargets(assetIDs: [asset]))
        let byCheck = window(.once(start: open.start, end: open.end), targets: MaintenanceTargets(checkIDs: [check]))
        let inside = t("2026-04-01T12:00:00Z")
        let ref = MonitorCheckRef(checkID: check, organizationID: otherOrg, siteID: site, assetID: asset)
        XCTAssertFalse(MaintenanceWindow.isInMaintenance(ref, at: inside, windows: [byOrg]))
        XCTAssertTrue(MaintenanceWindow.isInMaintenance(ref, at: inside, windows: [byOrg, bySite]))
        XCTAssertTrue(MaintenanceWindow.isInMaintenance(ref, at: inside, windows: [byAsset]))
        XCTAssertTrue(MaintenanceWindow.isInMaintenance(ref, at: inside, windows: [byCheck]))
        XCTAssertTrue(MaintenanceWindow.isInMaintenance(MonitorCheckRef(checkID: MonitorFixtures.id(9), organizationID: org),
                                                        at: inside, windows: [byOrg]))
        XCTAssertFalse(MaintenanceWindow.isInMaintenance(ref, at: t("2026-04-02T00:00:00Z"), windows: [bySite]))
        let notice = MaintenanceWindow.upcomingNotice(for: ref, now: t("2026-03-31T00:00:00Z"), windows: [byOrg, byCheck])
        XCTAssertEqual(notice?.occurrence.start, open.start)
    }

    func testIntervalsForACheckAreClippedAndMerged() {
        let a = window(.once(start: t("2026-04-01T00:00:00Z"), end: t("2026-04-01T03:00:00Z")))
        let b = window(.weekly(weekdays: [.wed], at: time(2), durationSeconds: 7200, timeZone: "UTC"))
        let ref = MonitorCheckRef(checkID: check, organizationID: org)
        let day = DateInterval(start: t("2026-04-01T01:00:00Z"), end: t("2026-04-02T00:00:00Z"))
        XCTAssertEqual(MaintenanceWindow.intervals(for: ref, in: day, windows: [a, b]),
                       [DateInterval(start: t("2026-04-01T01:00:00Z"), end: t("2026-04-01T04:00:00Z"))])
    }

    func testValidationNamesTheField() {
        func error(_ w: MaintenanceWindow) -> MaintenanceError? {
            do {
                _ = try w.validated()
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(error(window(.once(start: t("2026-04-02T00:00:00Z"), end: t("2026-04-01T00:00:00Z")))), .end)
        XCTAssertEqual(error(window(.weekly(weekdays: [], at: time(1), durationSeconds: 3600, timeZone: "UTC"))), .weekdays)
        XCTAssertEqual(error(window(.monthly(dayOfMonth: 32, at: time(1), durationSeconds: 3600, timeZone: "UTC"))), .dayOfMonth)
        XCTAssertEqual(error(window(.monthly(dayOfMonth: 1, at: time(1), durationSeconds: 30, timeZone: "UTC"))), .durationSeconds)
        XCTAssertEqual(error(window(.monthly(dayOfMonth: 1, at: time(1), durationSeconds: 3600, timeZone: "Nowhere/Land"))), .timeZone)
        XCTAssertEqual(error(window(.once(start: t("2026-04-01T00:00:00Z"), end: t("2026-04-02T00:00:00Z")),
                                    targets: MaintenanceTargets())), .targets)
        let sorted = try? window(.weekly(weekdays: [.sun, .mon, .sun], at: time(1), durationSeconds: 3600, timeZone: "UTC")).validated()
        XCTAssertEqual(sorted?.recurrence, .weekly(weekdays: [.mon, .sun], at: time(1), durationSeconds: 3600, timeZone: "UTC"))
    }

    func testTimeOfDayAndWindowRoundTripThroughJSON() throws {
        XCTAssertEqual(MaintenanceTimeOfDay("02:30"), MaintenanceTimeOfDay(hour: 2, minute: 30))
        XCTAssertNil(MaintenanceTimeOfDay("24:00"))
        XCTAssertNil(MaintenanceTimeOfDay("2:30"))
        let w = window(.weekly(weekdays: [.sat], at: time(23, 15), durationSeconds: 3600, timeZone: "Europe/London"))
        let data = try JSONEncoder().encode(w)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"23:15\""))
        XCTAssertEqual(try JSONDecoder().decode(MaintenanceWindow.self, from: data), w)
    }
}
