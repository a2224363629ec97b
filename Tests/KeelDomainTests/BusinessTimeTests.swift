import Foundation
import KeelDomain
import XCTest

/// Due times and elapsed business time on real calendars. All expectations are worked out by
/// hand in the comments; times are written in the calendar's local time with its offset.
final class BusinessTimeTests: XCTestCase {
    private let t = SLAFixtures.t
    private let hour = SLAFixtures.hour
    private let minute = SLAFixtures.minute

    // MARK: - The API.md example and UK daylight saving time

    func testAPIExampleFridayAfternoonPlusFourHoursOverTheSpringForwardWeekend() {
        // Fri 27 Mar 2026 16:00 GMT: 16:00–17:30 gives 1.5 h. Sat, Sun closed (Sunday 29 March
        // is the UK spring-forward day). Mon 30 Mar is BST: 09:00 + 2.5 h = 11:30 BST.
        let london = SLAFixtures.london
        let due = london.addBusinessTime(4 * hour, to: t("2026-03-27T16:00:00+00:00"))
        XCTAssertEqual(london.rfc3339(due), "2026-03-30T11:30:00+01:00")
        XCTAssertEqual(due, t("2026-03-30T10:30:00Z"))
        XCTAssertEqual(london.businessSeconds(from: t("2026-03-27T16:00:00+00:00"), to: due), 4 * hour)
    }

    func testFallBackWeekendDoesNotShiftMondayHours() {
        // Fri 23 Oct 2026 16:00 BST (15:00 UTC) + 4 h: Friday 1.5 h; Sun 25 Oct the clocks go
        // back; Mon 26 Oct is GMT: 09:00 + 2.5 h = 11:30 GMT = 11:30 UTC.
        let london = SLAFixtures.london
        let due = london.addBusinessTime(4 * hour, to: t("2026-10-23T16:00:00+01:00"))
        XCTAssertEqual(london.rfc3339(due), "2026-10-26T11:30:00+00:00")
    }

    func testWholeSundayIsTwentyThreeHoursInSpringAndTwentyFiveInAutumn() {
        let sundays = SLAFixtures.calendar(zone: "Europe/London", days: [.sun], [("00:00", "24:00")])
        // 29 Mar 2026: local midnight is 00:00 UTC (GMT), next midnight 23:00 UTC (BST).
        XCTAssertEqual(
            sundays.businessSeconds(from: t("2026-03-28T12:00:00Z"), to: t("2026-03-30T12:00:00Z")), 23 * hour)
        // 25 Oct 2026: local midnight is 23:00 UTC on the 24th (BST), next midnight 00:00 UTC (GMT).
        XCTAssertEqual(
            sundays.businessSeconds(from: t("2026-10-24T12:00:00Z"), to: t("2026-10-26T12:00:00Z")), 25 * hour)
        // A whole day of business time added at local midnight ends at the next local midnight.
        XCTAssertEqual(
            sundays.rfc3339(sundays.addBusinessTime(23 * hour, to: t("2026-03-29T00:00:00Z"))),
            "2026-03-30T00:00:00+01:00")
        XCTAssertEqual(
            sundays.rfc3339(sundays.addBusinessTime(25 * hour, to: t("2026-10-24T23:00:00Z"))),
            "2026-10-26T00:00:00+00:00")
    }

    func testRangeOverTheSpringForwardGapIsOneRealHour() {
        // Sunday 01:00–03:00 local. On 29 Mar 2026 the wall clock jumps from 01:00 GMT to 02:00
        // BST at 01:00 UTC, so the instants reading 01:00–03:00 are 01:00–02:00 UTC: one hour.
        let night = SLAFixtures.calendar(zone: "Europe/London", days: [.sun], [("01:00", "03:00")])
        XCTAssertEqual(night.businessSeconds(from: t("2026-03-28T00:00:00Z"), to: t("2026-03-30T00:00:00Z")), hour)
        XCTAssertFalse(night.isBusinessTime(t("2026-03-29T00:59:59Z")))  // 00:59:59 GMT
        XCTAssertTrue(night.isBusinessTime(t("2026-03-29T01:00:00Z")))  // 02:00 BST
        XCTAssertTrue(night.isBusinessTime(t("2026-03-29T01:59:59Z")))  // 02:59:59 BST
        XCTAssertFalse(night.isBusinessTime(t("2026-03-29T02:00:00Z")))  // 03:00 BST
        XCTAssertEqual(night.nextBusinessStart(after: t("2026-03-28T12:00:00Z")), t("2026-03-29T01:00:00Z"))
        // 30 minutes from the start: 02:30 BST.
        XCTAssertEqual(
            night.rfc3339(night.addBusinessTime(30 * minute, to: t("2026-03-29T00:00:00Z"))),
            "2026-03-29T02:30:00+01:00")
    }

    func testRangeOverTheFallBackOverlapIsThreeRealHours() {
        // On 25 Oct 2026 the wall clock reads 01:00–02:00 twice (BST, then GMT). The instants
        // reading 01:00–03:00 are 00:00 UTC (01:00 BST) to 03:00 UTC (03:00 GMT): three hours.
        let night = SLAFixtures.calendar(zone: "Europe/London", days: [.sun], [("01:00", "03:00")])
        XCTAssertEqual(night.businessSeconds(from: t("2026-10-24T00:00:00Z"), to: t("2026-10-26T00:00:00Z")), 3 * hour)
        // 1.5 h after 01:00 BST is 01:30 GMT, the second time the clock reads 01:30.
        XCTAssertEqual(
            night.rfc3339(night.addBusinessTime(90 * minute, to: t("2026-10-25T00:00:00Z"))),
            "2026-10-25T01:30:00+00:00")
        // 2 h after 01:00 BST is 02:00 GMT.
        XCTAssertEqual(
            night.rfc3339(night.addBusinessTime(2 * hour, to: t("2026-10-25T00:00:00Z"))),
            "2026-10-25T02:00:00+00:00")
    }

    func testRangeEndingInsideTheRepeatedHourCountsBothPasses() {
        // Sunday 00:00–01:30 on 25 Oct 2026: 00:00–01:30 BST (23:00–00:30 UTC) and, after the
        // clocks go back at 01:00 UTC, 01:00–01:30 GMT again: 1.5 h + 0.5 h = 2 h.
        let early = SLAFixtures.calendar(zone: "Europe/London", days: [.sun], [("00:00", "01:30")])
        XCTAssertEqual(early.businessSeconds(from: t("2026-10-24T00:00:00Z"), to: t("2026-10-26T00:00:00Z")), 2 * hour)
        XCTAssertFalse(early.isBusinessTime(t("2026-10-25T00:45:00Z")))  // 01:45 BST
        XCTAssertTrue(early.isBusinessTime(t("2026-10-25T01:15:00Z")))  // 01:15 GMT
        XCTAssertEqual(early.nextBusinessStart(after: t("2026-10-25T00:45:00Z")), t("2026-10-25T01:00:00Z"))
    }

    func testTwentyFourSevenCalendarInLondonCountsWallClockOverDaylightSavingChanges() throws {
        let london24 = try BusinessCalendar.twentyFourSeven(timeZoneIdentifier: "Europe/London")
        XCTAssertTrue(london24.isTwentyFourSeven)
        // Saturday 12:00 to Sunday 12:00 local around fall back: 25 real hours.
        XCTAssertEqual(
            london24.businessSeconds(from: t("2026-10-24T12:00:00+01:00"), to: t("2026-10-25T12:00:00+00:00")),
            25 * hour)
        XCTAssertEqual(
            london24.rfc3339(london24.addBusinessTime(4 * hour, to: t("2026-03-29T00:00:00Z"))),
            "2026-03-29T05:00:00+01:00")
    }

    // MARK: - Closing time, lunch breaks, days

    func testTargetUsedUpExactlyAtClosingIsDueAtClosingNotAtNextOpening() {
        // Fri 16:00 + 1.5 h is exactly 17:30, the end of Friday's hours.
        let london = SLAFixtures.london
        let due = london.addBusinessTime(90 * minute, to: t("2026-06-05T16:00:00+01:00"))
        XCTAssertEqual(london.rfc3339(due), "2026-06-05T17:30:00+01:00")
        XCTAssertFalse(london.isBusinessTime(due))
    }

    func testFridayLunchBreakIsSkipped() {
        // Fri 5 Jun 2026 12:00 BST + 2 h: 12:00–13:00 (1 h), lunch, 14:00 + 1 h = 15:00.
        let london = SLAFixtures.london
        XCTAssertEqual(
            london.rfc3339(london.addBusinessTime(2 * hour, to: t("2026-06-05T12:00:00+01:00"))),
            "2026-06-05T15:00:00+01:00")
        XCTAssertFalse(london.isBusinessTime(t("2026-06-05T13:30:00+01:00")))
        XCTAssertEqual(london.nextBusinessStart(after: t("2026-06-05T12:30:00+01:00")), t("2026-06-05T14:00:00+01:00"))
    }

    func testStartOutsideBusinessHoursCountsFromNextOpening() {
        // Saturday 6 Jun 2026 10:00 + 1 h: nothing counts until Mon 09:00, due Mon 10:00.
        let london = SLAFixtures.london
        XCTAssertEqual(
            london.rfc3339(london.addBusinessTime(hour, to: t("2026-06-06T10:00:00+01:00"))),
            "2026-06-08T10:00:00+01:00")
        // Monday 07:00 + 1 h: Monday 10:00.
        XCTAssertEqual(
            london.rfc3339(london.addBusinessTime(hour, to: t("2026-06-08T07:00:00+01:00"))),
            "2026-06-08T10:00:00+01:00")
    }

    func testZeroOrNegativeTargetIsDueAtStart() {
        let london = SLAFixtures.london
        let saturday = t("2026-06-06T10:00:00+01:00")
        XCTAssertEqual(london.addBusinessTime(0, to: saturday), saturday)
        XCTAssertEqual(london.addBusinessTime(-60, to: saturday), saturday)
    }

    func testBusinessSecondsIsZeroForEmptyOrReversedSpansAndCountsOnlyOpenHours() {
        let london = SLAFixtures.london
        let monday = t("2026-06-08T10:00:00+01:00")
        XCTAssertEqual(london.businessSeconds(from: monday, to: monday), 0)
        XCTAssertEqual(london.businessSeconds(from: monday, to: t("2026-06-08T09:00:00+01:00")), 0)
        // A whole week Mon 00:00 to Mon 00:00: 4 × 8.5 h + 7.5 h = 41.5 h.
        XCTAssertEqual(
            london.businessSeconds(from: t("2026-06-08T00:00:00+01:00"), to: t("2026-06-15T00:00:00+01:00")),
            41 * hour + 30 * minute)
    }

    func testIsBusinessTimeUsesHalfOpenRanges() {
        let london = SLAFixtures.london
        XCTAssertFalse(london.isBusinessTime(t("2026-06-08T08:59:59+01:00")))
        XCTAssertTrue(london.isBusinessTime(t("2026-06-08T09:00:00+01:00")))
        XCTAssertTrue(london.isBusinessTime(t("2026-06-08T17:29:59+01:00")))
        XCTAssertFalse(london.isBusinessTime(t("2026-06-08T17:30:00+01:00")))
        XCTAssertFalse(london.isBusinessTime(t("2026-06-06T12:00:00+01:00")))  // Saturday
    }

    func testNextBusinessStartAndFirstBusinessInstant() {
        let london = SLAFixtures.london
        // Inside Monday's hours the next start is Tuesday's opening; the first business instant is now.
        let monday = t("2026-06-08T10:00:00+01:00")
        XCTAssertEqual(london.nextBusinessStart(after: monday), t("2026-06-09T09:00:00+01:00"))
        XCTAssertEqual(london.firstBusinessInstant(atOrAfter: monday), monday)
        // Friday evening: Monday 09:00 for both.
        let friday = t("2026-06-05T18:00:00+01:00")
        XCTAssertEqual(london.nextBusinessStart(after: friday), t("2026-06-08T09:00:00+01:00"))
        XCTAssertEqual(london.firstBusinessInstant(atOrAfter: friday), t("2026-06-08T09:00:00+01:00"))
        // Exactly at an opening, the next start is the following one.
        XCTAssertEqual(
            london.nextBusinessStart(after: t("2026-06-08T09:00:00+01:00")), t("2026-06-09T09:00:00+01:00"))
        // A 24×7 calendar never opens because it never closes.
        XCTAssertEqual(BusinessCalendar.twentyFourSeven.nextBusinessStart(after: monday), .distantFuture)
        XCTAssertEqual(BusinessCalendar.twentyFourSeven.firstBusinessInstant(atOrAfter: monday), monday)
    }

    // MARK: - Holidays and workdays

    func testDatedChristmasAndSubstituteBoxingDayAreSkipped() {
        // Thu 24 Dec 2026 16:00 GMT + 4 h: Thursday 1.5 h; Fri 25 (holiday), Sat 26 (Boxing Day on
        // a weekend), Sun 27, Mon 28 (substitute holiday) closed; Tue 29: 09:00 + 2.5 h = 11:30.
        let london = SLAFixtures.london
        XCTAssertEqual(
            london.rfc3339(london.addBusinessTime(4 * hour, to: t("2026-12-24T16:00:00Z"))),
            "2026-12-29T11:30:00+00:00")
        XCTAssertEqual(london.schedule(on: CivilDate("2026-12-25")!), [])
        XCTAssertEqual(london.schedule(on: CivilDate("2026-12-28")!), [])
    }

    func testYearlyHolidaysOnAWeekendDoNotMoveToMonday() {
        // 2027: 25 Dec is a Saturday and 26 Dec a Sunday. Yearly holidays apply to those dates
        // only, so Mon 27 Dec is a normal day unless a substitute is listed as a dated holiday.
        let yearlyOnly = SLAFixtures.calendar("""
            {"name": "UK", "timezone": "Europe/London",
             "weekly": {"mon": [["09:00","17:30"]], "tue": [["09:00","17:30"]], "wed": [["09:00","17:30"]],
                        "thu": [["09:00","17:30"]], "fri": [["09:00","17:30"]]},
             "holidays": ["--12-25", "--12-26"]}
            """)
        // Fri 24 Dec 2027 16:00 + 4 h: Friday 1.5 h, Mon 27: 09:00 + 2.5 h = 11:30.
        XCTAssertEqual(
            yearlyOnly.rfc3339(yearlyOnly.addBusinessTime(4 * hour, to: t("2027-12-24T16:00:00Z"))),
            "2027-12-27T11:30:00+00:00")
        let withSubstitutes = SLAFixtures.calendar("""
            {"name": "UK", "timezone": "Europe/London",
             "weekly": {"mon": [["09:00","17:30"]], "tue": [["09:00","17:30"]], "wed": [["09:00","17:30"]],
                        "thu": [["09:00","17:30"]], "fri": [["09:00","17:30"]]},
             "holidays": ["--12-25", "--12-26", "2027-12-27", "2027-12-28"]}
            """)
        // Mon 27 and Tue 28 are substitute days: Wed 29 09:00 + 2.5 h = 11:30.
        XCTAssertEqual(
            withSubstitutes.rfc3339(withSubstitutes.addBusinessTime(4 * hour, to: t("2027-12-24T16:00:00Z"))),
            "2027-12-29T11:30:00+00:00")
        // The yearly holiday also applies in other years: Fri 25 Dec 2026 is closed.
        XCTAssertEqual(yearlyOnly.schedule(on: CivilDate("2026-12-25")!), [])
        XCTAssertEqual(yearlyOnly.schedule(on: CivilDate("2026-12-24")!).map(\.description), ["09:00–17:30"])
    }

    func testHolidayOnAWorkingSaturdayClosesIt() {
        let weekendShop = SLAFixtures.calendar("""
            {"name": "Shop", "timezone": "Europe/London",
             "weekly": {"sat": [["10:00","16:00"]]}, "holidays": ["2026-12-26"]}
            """)
        XCTAssertEqual(weekendShop.schedule(on: CivilDate("2026-12-26")!), [])
        // Sat 19 Dec 15:00 + 2 h: 1 h that day, Sat 26 is a holiday, Sat 2 Jan 2027 10:00 + 1 h.
        XCTAssertEqual(
            weekendShop.rfc3339(weekendShop.addBusinessTime(2 * hour, to: t("2026-12-19T15:00:00Z"))),
            "2027-01-02T11:00:00+00:00")
    }

    func testWorkdayFollowsMondayHoursEvenOnASaturday() {
        // API.md: Sat 10 Oct 2026 is a workday with Monday's 09:00–17:30. Fri 9 Oct 16:00 BST + 4 h:
        // Friday 1.5 h, Saturday 09:00 + 2.5 h = 11:30.
        let london = SLAFixtures.london
        XCTAssertEqual(
            london.rfc3339(london.addBusinessTime(4 * hour, to: t("2026-10-09T16:00:00+01:00"))),
            "2026-10-10T11:30:00+01:00")
        XCTAssertEqual(london.schedule(on: CivilDate("2026-10-10")!).map(\.description), ["09:00–17:30"])
    }

    func testDatedWorkdayOverridesAYearlyHoliday() {
        let calendar = SLAFixtures.calendar("""
            {"name": "x", "timezone": "Asia/Shanghai",
             "weekly": {"mon": [["09:00","18:00"]], "tue": [["09:00","18:00"]]},
             "holidays": ["--01-01"], "workdays": ["2030-01-01"]}
            """)
        XCTAssertEqual(calendar.schedule(on: CivilDate("2029-01-01")!), [])  // a Monday, yearly holiday
        XCTAssertEqual(calendar.schedule(on: CivilDate("2030-01-01")!).map(\.description), ["09:00–18:00"])
    }

    // MARK: - Asia/Shanghai and 调休

    func testShanghaiMakeUpSaturdayIsWorkedAndNationalDayIsSkipped() {
        let shanghai = SLAFixtures.shanghai
        // Fri 9 Oct 2026 17:00 CST + 2 h: 17:00–18:00 (1 h); Sat 10 Oct is a make-up workday with
        // Monday's hours: 09:00 + 1 h = 10:00.
        XCTAssertEqual(
            shanghai.rfc3339(shanghai.addBusinessTime(2 * hour, to: t("2026-10-09T17:00:00+08:00"))),
            "2026-10-10T10:00:00+08:00")
        // Wed 30 Sep 17:00 + 4 h: 17:00–18:00 (1 h); 1–7 Oct holidays; Thu 8 Oct 09:00–12:00 (3 h)
        // uses the target up exactly at the lunch break: due 12:00.
        XCTAssertEqual(
            shanghai.rfc3339(shanghai.addBusinessTime(4 * hour, to: t("2026-09-30T17:00:00+08:00"))),
            "2026-10-08T12:00:00+08:00")
        // Sun 20 Sep is also a make-up workday.
        XCTAssertTrue(shanghai.isBusinessTime(t("2026-09-20T10:00:00+08:00")))
        XCTAssertFalse(shanghai.isBusinessTime(t("2026-09-27T10:00:00+08:00")))
    }

    func testShanghaiHasNoDaylightSavingAndLunchBreak() {
        let shanghai = SLAFixtures.shanghai
        // A UTC start at 02:00 is 10:00 in Shanghai. Mon 1 Jun 2026 10:00 + 3 h: 10:00–12:00 (2 h),
        // lunch, 13:30 + 1 h = 14:30.
        XCTAssertEqual(
            shanghai.rfc3339(shanghai.addBusinessTime(3 * hour, to: t("2026-06-01T02:00:00Z"))),
            "2026-06-01T14:30:00+08:00")
        XCTAssertEqual(shanghai.utcOffset(at: t("2026-01-15T00:00:00Z")), 8 * hour)
        XCTAssertEqual(shanghai.utcOffset(at: t("2026-07-15T00:00:00Z")), 8 * hour)
        // Yearly New Year: Fri 1 Jan 2027 is closed.
        XCTAssertEqual(shanghai.schedule(on: CivilDate("2027-01-01")!), [])
    }

    // MARK: - Zones behind and far ahead of UTC

    func testLosAngelesBusinessDayCrossesUTCMidnight() {
        // 09:00–17:30 PDT is 16:00–00:30 UTC. Mon 1 Jun 2026 16:00 PDT (23:00 UTC) + 2 h:
        // Monday 1.5 h, Tue 09:00 + 0.5 h = 09:30 PDT.
        let la = SLAFixtures.calendar(zone: "America/Los_Angeles", days: [.mon, .tue, .wed, .thu, .fri], [("09:00", "17:30")])
        XCTAssertEqual(la.rfc3339(la.addBusinessTime(2 * hour, to: t("2026-06-01T23:00:00Z"))), "2026-06-02T09:30:00-07:00")
        // 03:00 UTC on Tuesday is still Monday 20:00 in Los Angeles: closed; + 1 h = Tue 10:00 PDT.
        XCTAssertFalse(la.isBusinessTime(t("2026-06-02T03:00:00Z")))
        XCTAssertEqual(la.rfc3339(la.addBusinessTime(hour, to: t("2026-06-02T03:00:00Z"))), "2026-06-02T10:00:00-07:00")
        // 00:15 UTC Tuesday is Monday 17:15 PDT: open.
        XCTAssertTrue(la.isBusinessTime(t("2026-06-02T00:15:00Z")))
    }

    func testAucklandLocalDayIsAheadOfUTC() {
        // 20:00 UTC on Mon 1 Jun 2026 is Tue 2 Jun 08:00 NZST (+12). + 1 h = Tue 10:00.
        let auckland = SLAFixtures.calendar(zone: "Pacific/Auckland", days: [.mon, .tue, .wed, .thu, .fri], [("09:00", "17:00")])
        XCTAssertEqual(
            auckland.rfc3339(auckland.addBusinessTime(hour, to: t("2026-06-01T20:00:00Z"))), "2026-06-02T10:00:00+12:00")
        // In January New Zealand is on daylight time (+13).
        XCTAssertEqual(auckland.utcOffset(at: t("2026-01-15T00:00:00Z")), 13 * hour)
    }

    // MARK: - Ranges crossing midnight (two ranges)

    func testNightShiftAcrossMidnightIsContinuous() {
        // Mon 22:00–24:00 and Tue 00:00–06:00: one period. Mon 23:00 + 2 h = Tue 01:00.
        let night = SLAFixtures.calendar("""
            {"name": "Night desk", "timezone": "Europe/London",
             "weekly": {"mon": [["22:00","24:00"]], "tue": [["00:00","06:00"]]}}
            """)
        XCTAssertEqual(
            night.rfc3339(night.addBusinessTime(2 * hour, to: t("2026-06-01T23:00:00+01:00"))),
            "2026-06-02T01:00:00+01:00")
        // Inside the shift the next start is the following Monday 22:00, not Tuesday 00:00.
        XCTAssertEqual(
            night.nextBusinessStart(after: t("2026-06-01T23:00:00+01:00")), t("2026-06-08T22:00:00+01:00"))
        XCTAssertEqual(
            night.businessSeconds(from: t("2026-06-01T00:00:00+01:00"), to: t("2026-06-03T00:00:00+01:00")), 8 * hour)
    }

    // MARK: - Pauses

    func testPauseStartingOutsideBusinessHoursDelaysOnlyFromItsBusinessPart() {
        // Mon 1 Jun 2026 16:00 BST + 4 h, waiting for the customer from Mon 18:00 to Tue 11:00.
        // Without the pause: Monday 1.5 h, Tue 09:00 + 2.5 h = 11:30. The pause removes Tuesday
        // 09:00–11:00 only (Monday evening is closed anyway): Tue 11:00 + 2.5 h = 13:30.
        let london = SLAFixtures.london
        let start = t("2026-06-01T16:00:00+01:00")
        XCTAssertEqual(london.rfc3339(london.addBusinessTime(4 * hour, to: start)), "2026-06-02T11:30:00+01:00")
        let pause = SLAFixtures.pause("2026-06-01T18:00:00+01:00", "2026-06-02T11:00:00+01:00")
        let due = london.addBusinessTime(4 * hour, to: start, pauses: [pause])
        XCTAssertEqual(london.rfc3339(due), "2026-06-02T13:30:00+01:00")
        XCTAssertEqual(london.businessSeconds(from: start, to: due, pauses: [pause]), 4 * hour)
    }

    func testPauseEntirelyOutsideBusinessHoursChangesNothing() {
        let london = SLAFixtures.london
        let start = t("2026-06-01T16:00:00+01:00")
        let evening = SLAFixtures.pause("2026-06-01T18:00:00+01:00", "2026-06-02T08:00:00+01:00")
        XCTAssertEqual(
            london.addBusinessTime(4 * hour, to: start, pauses: [evening]), london.addBusinessTime(4 * hour, to: start))
    }

    func testPauseInsideBusinessHoursAndOverlappingPausesAreMerged() {
        // Mon 8 Jun 09:00 + 4 h = 13:00; paused 10:00–11:30 (two overlapping pauses 10:00–11:00
        // and 10:30–11:30 count once): 14:30.
        let london = SLAFixtures.london
        let start = t("2026-06-08T09:00:00+01:00")
        let pauses = [
            SLAFixtures.pause("2026-06-08T10:30:00+01:00", "2026-06-08T11:30:00+01:00"),
            SLAFixtures.pause("2026-06-08T10:00:00+01:00", "2026-06-08T11:00:00+01:00"),
        ]
        XCTAssertEqual(london.rfc3339(london.addBusinessTime(4 * hour, to: start, pauses: pauses)), "2026-06-08T14:30:00+01:00")
        XCTAssertEqual(
            london.businessSeconds(from: start, to: t("2026-06-08T17:30:00+01:00"), pauses: pauses), 7 * hour)
    }

    func testPauseCoveringTheStartAndPauseBeforeTheStart() {
        let london = SLAFixtures.london
        let start = t("2026-06-08T09:00:00+01:00")
        // Paused 08:00–10:00: the clock starts at 10:00; + 4 h = 14:00.
        let covering = SLAFixtures.pause("2026-06-08T08:00:00+01:00", "2026-06-08T10:00:00+01:00")
        XCTAssertEqual(london.rfc3339(london.addBusinessTime(4 * hour, to: start, pauses: [covering])), "2026-06-08T14:00:00+01:00")
        // A pause that ended before the start is irrelevant.
        let before = SLAFixtures.pause("2026-06-05T10:00:00+01:00", "2026-06-05T12:00:00+01:00")
        XCTAssertEqual(london.rfc3339(london.addBusinessTime(4 * hour, to: start, pauses: [before])), "2026-06-08T13:00:00+01:00")
    }

    func testPauseSpanningSeveralDays() {
        // Mon 8 Jun 16:00 + 4 h, paused Mon 17:00 to Wed 12:00: Monday 1 h, then Wed 12:00–17:30
        // gives the remaining 3 h at 15:00.
        let london = SLAFixtures.london
        let pause = SLAFixtures.pause("2026-06-08T17:00:00+01:00", "2026-06-10T12:00:00+01:00")
        XCTAssertEqual(
            london.rfc3339(london.addBusinessTime(4 * hour, to: t("2026-06-08T16:00:00+01:00"), pauses: [pause])),
            "2026-06-10T15:00:00+01:00")
    }

    func testWallClockPausesOnTwentyFourSeven() {
        // Sat 03:00 + 4 h, paused 04:00–05:00: 08:00.
        let clock = BusinessCalendar.twentyFourSeven
        let start = t("2026-06-06T03:00:00Z")
        XCTAssertEqual(clock.addBusinessTime(4 * hour, to: start), t("2026-06-06T07:00:00Z"))
        let pause = SLAFixtures.pause("2026-06-06T04:00:00Z", "2026-06-06T05:00:00Z")
        XCTAssertEqual(clock.addBusinessTime(4 * hour, to: start, pauses: [pause]), t("2026-06-06T08:00:00Z"))
        XCTAssertEqual(clock.businessSeconds(from: start, to: t("2026-06-06T08:00:00Z"), pauses: [pause]), 4 * hour)
    }

    // MARK: - Business days

    func testBusinessDaysKeepThePositionInTheDay() {
        let london = SLAFixtures.london
        // Mon 8 Jun 10:00 + 3 business days = Thu 11 Jun 10:00.
        XCTAssertEqual(
            london.rfc3339(london.addBusinessDays(3, to: t("2026-06-08T10:00:00+01:00"))), "2026-06-11T10:00:00+01:00")
        // Fri 5 Jun 16:00 is 6 h into Friday (09:00–13:00, 14:00–16:00). Three business days
        // later is Wed 10 Jun, 6 h into it: 15:00.
        XCTAssertEqual(
            london.rfc3339(london.addBusinessDays(3, to: t("2026-06-05T16:00:00+01:00"))), "2026-06-10T15:00:00+01:00")
        // Thu 4 Jun 17:00 is 8 h into Thursday; Friday has only 7.5 h, so one business day later
        // is Friday's closing time.
        XCTAssertEqual(
            london.rfc3339(london.addBusinessDays(1, to: t("2026-06-04T17:00:00+01:00"))), "2026-06-05T17:30:00+01:00")
        // Saturday counts as Monday's opening: 3 business days later is Thursday's opening.
        XCTAssertEqual(
            london.rfc3339(london.addBusinessDays(3, to: t("2026-06-06T11:00:00+01:00"))), "2026-06-11T09:00:00+01:00")
    }

    func testBusinessDaysSkipHolidaysAndUseWorkdays() {
        // Thu 24 Dec 2026 10:00 GMT + 2 business days: Fri 25 and Mon 28 are holidays, so Tue 29
        // is the first and Wed 30 the second: 10:00.
        let london = SLAFixtures.london
        XCTAssertEqual(
            london.rfc3339(london.addBusinessDays(2, to: t("2026-12-24T10:00:00Z"))), "2026-12-30T10:00:00+00:00")
        // Shanghai Fri 9 Oct 2026 10:00 + 1 business day: Sat 10 Oct (调休) 10:00.
        let shanghai = SLAFixtures.shanghai
        XCTAssertEqual(
            shanghai.rfc3339(shanghai.addBusinessDays(1, to: t("2026-10-09T10:00:00+08:00"))), "2026-10-10T10:00:00+08:00")
    }

    func testEndOfNextBusinessDay() {
        let london = SLAFixtures.london
        // Friday 16:00: handled Friday, next business day Monday: 17:30 Monday.
        XCTAssertEqual(
            london.rfc3339(london.endOfNextBusinessDay(after: t("2026-06-05T16:00:00+01:00"))), "2026-06-08T17:30:00+01:00")
        // Saturday: handled Monday, so Tuesday 17:30.
        XCTAssertEqual(
            london.rfc3339(london.endOfNextBusinessDay(after: t("2026-06-06T11:00:00+01:00"))), "2026-06-09T17:30:00+01:00")
        // Thursday 10:00 before the Christmas break: next business day is Tue 29 Dec.
        XCTAssertEqual(
            london.rfc3339(london.endOfNextBusinessDay(after: t("2026-12-24T10:00:00Z"))), "2026-12-29T17:30:00+00:00")
    }

    // MARK: - Degenerate calendars never hang

    func testCalendarWithoutAnyHoursIsNeverDue() throws {
        let closed = try BusinessCalendar(name: "closed", timeZoneIdentifier: "UTC", weekly: [:])
        let start = t("2026-06-01T09:00:00Z")
        XCTAssertEqual(closed.addBusinessTime(hour, to: start), .distantFuture)
        XCTAssertEqual(closed.businessSeconds(from: start, to: t("2027-06-01T09:00:00Z")), 0)
        XCTAssertFalse(closed.isBusinessTime(start))
        XCTAssertEqual(closed.nextBusinessStart(after: start), .distantFuture)
        XCTAssertEqual(closed.addBusinessDays(3, to: start), .distantFuture)
    }

    func testCalendarWithOnlyWorkdaysRunsOutAfterTheLastOne() {
        let onlyWorkdays = SLAFixtures.calendar("""
            {"name": "x", "timezone": "UTC", "weekly": {"mon": [["09:00","10:00"]], "tue": [], "wed": [], "thu": [],
             "fri": [], "sat": [], "sun": []}, "holidays": [], "workdays": ["2026-06-06"]}
            """)
        // Mondays also have 09:00–10:00, so this is an ordinary weekly calendar plus one Saturday.
        XCTAssertEqual(onlyWorkdays.addBusinessTime(2 * hour, to: t("2026-06-05T12:00:00Z")), t("2026-06-08T10:00:00Z"))

        let everyDayHoliday = SLAFixtures.calendar("""
            {"name": "x", "timezone": "UTC", "weekly": {}, "workdays": ["2026-06-06"]}
            """)
        // No weekly hours, so Monday's ranges are empty and even the workday has none.
        XCTAssertEqual(everyDayHoliday.addBusinessTime(hour, to: t("2026-06-01T00:00:00Z")), .distantFuture)
    }

    func testFarFutureAndFarPastInstantsDoNotCrash() {
        let london = SLAFixtures.london
        XCTAssertGreaterThanOrEqual(london.addBusinessTime(hour, to: .distantFuture), .distantFuture)
        _ = london.addBusinessTime(hour, to: .distantPast)
        _ = london.isBusinessTime(.distantFuture)
        _ = london.businessSeconds(from: t("2026-06-01T00:00:00Z"), to: t("2026-06-02T00:00:00Z"), pauses: [
            DateInterval(start: .distantPast, end: .distantFuture),
        ])
        XCTAssertEqual(
            london.businessSeconds(
                from: t("2026-06-01T00:00:00Z"), to: t("2026-06-02T00:00:00Z"),
                pauses: [DateInterval(start: .distantPast, end: .distantFuture)]),
            0)
        // 2150 is past the end of today's DST rules knowledge but inside the table window.
        XCTAssertEqual(london.utcOffset(at: t("2150-07-01T12:00:00Z")), hour)
    }

    func testFractionalSecondsArePreserved() {
        let london = SLAFixtures.london
        let start = t("2026-06-08T10:00:00+01:00").addingTimeInterval(0.25)
        let due = london.addBusinessTime(hour, to: start)
        XCTAssertEqual(due.timeIntervalSince(t("2026-06-08T11:00:00+01:00")), 0.25, accuracy: 1e-6)
        XCTAssertEqual(london.rfc3339(due), "2026-06-08T11:00:00.250+01:00")
    }
}
