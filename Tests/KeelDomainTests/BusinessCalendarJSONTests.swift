import Foundation
import KeelDomain
import XCTest

/// The calendar JSON of API.md: decoding, encoding, and a descriptive error for each bad input.
final class BusinessCalendarJSONTests: XCTestCase {
    private func decode(_ json: String) throws(CalendarError) -> BusinessCalendar {
        try BusinessCalendar.decode(json: Data(json.utf8))
    }

    /// Decodes `json`, expecting `expected`; the description must mention the path.
    private func assertError(_ json: String, _ expected: CalendarError, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let calendar = try decode(json)
            XCTFail("decoded \(calendar) but expected \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, file: file, line: line)
            if let path = expected.path, !path.isEmpty {
                XCTAssertTrue(error.description.contains(path), "\(error.description) names \(path)", file: file, line: line)
            }
        }
    }

    /// A valid calendar with `weekly` replaced.
    private func withWeekly(_ weekly: String) -> String {
        #"{"name": "x", "timezone": "Europe/London", "weekly": \#(weekly)}"#
    }

    func testAPIExampleDecodesWithAllFields() {
        let london = SLAFixtures.london
        XCTAssertEqual(london.name, "London office")
        XCTAssertEqual(london.timeZoneIdentifier, "Europe/London")
        XCTAssertEqual(london.weekly[.mon]?.map(\.description), ["09:00–17:30"])
        XCTAssertEqual(london.weekly[.fri]?.map(\.description), ["09:00–13:00", "14:00–17:30"])
        XCTAssertEqual(london.weekly[.sat], [])
        XCTAssertEqual(london.holidays, [.date(CivilDate("2026-12-25")!), .date(CivilDate("2026-12-28")!)])
        XCTAssertEqual(london.workdays, [CivilDate("2026-10-10")!])
        XCTAssertFalse(london.isTwentyFourSeven)
    }

    func testEncodingRoundTripsInTheAPIShape() throws {
        let london = SLAFixtures.london
        let data = london.jsonData()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["name", "timezone", "weekly", "holidays", "workdays"])
        let weekly = try XCTUnwrap(object["weekly"] as? [String: [[String]]])
        XCTAssertEqual(weekly["fri"], [["09:00", "13:00"], ["14:00", "17:30"]])
        XCTAssertEqual(weekly["sun"], [])
        XCTAssertEqual(object["holidays"] as? [String], ["2026-12-25", "2026-12-28"])
        XCTAssertEqual(try BusinessCalendar.decode(json: data), london)
        // And through a plain JSONDecoder, as a web framework would decode it.
        XCTAssertEqual(try JSONDecoder().decode(BusinessCalendar.self, from: data), london)
    }

    func testYearlyHolidaysAndTwentyFourHundredEndRoundTrip() throws {
        let calendar = try decode("""
            {"name": "24h desk", "timezone": "Asia/Shanghai", "weekly": {"mon": [["00:00","24:00"]]},
             "holidays": ["--12-25", "--02-29", "2026-01-01"]}
            """)
        XCTAssertEqual(calendar.holidays, [.yearly(month: 12, day: 25), .yearly(month: 2, day: 29), .date(CivilDate("2026-01-01")!)])
        XCTAssertEqual(calendar.weekly[.mon], [.wholeDay])
        XCTAssertEqual(try BusinessCalendar.decode(json: calendar.jsonData()), calendar)
    }

    func testMissingOptionalFieldsAndUnorderedRangesAreAccepted() throws {
        let calendar = try decode(#"{"timezone": "UTC", "weekly": {"fri": [["14:00","17:30"],["09:00","13:00"]]}}"#)
        XCTAssertEqual(calendar.name, "")
        XCTAssertEqual(calendar.holidays, [])
        XCTAssertEqual(calendar.workdays, [])
        XCTAssertEqual(calendar.weekly[.mon], [])
        XCTAssertEqual(calendar.weekly[.fri]?.map(\.description), ["09:00–13:00", "14:00–17:30"])  // sorted
    }

    func testDefaultCalendarIsMondayToFridayNineToHalfPastFive() throws {
        let standard = try BusinessCalendar.standard(timeZoneIdentifier: "Asia/Shanghai")
        for day in [Weekday.mon, .tue, .wed, .thu, .fri] {
            XCTAssertEqual(standard.weekly[day]?.map(\.description), ["09:00–17:30"], "\(day)")
        }
        XCTAssertEqual(standard.weekly[.sat], [])
        XCTAssertEqual(standard.weekly[.sun], [])
        XCTAssertEqual(standard.timeZoneIdentifier, "Asia/Shanghai")
        XCTAssertThrowsError(try BusinessCalendar.standard(timeZoneIdentifier: "Nowhere/Special"))
    }

    func testTwentyFourSevenCalendarIsValidCalendarJSON() throws {
        let always = BusinessCalendar.twentyFourSeven
        XCTAssertTrue(always.isTwentyFourSeven)
        XCTAssertEqual(always.timeZoneIdentifier, "UTC")
        let again = try BusinessCalendar.decode(json: always.jsonData())
        XCTAssertTrue(again.isTwentyFourSeven)
        // Adding a holiday makes it a calendar with a closed day.
        let withHoliday = try BusinessCalendar(
            name: "x", timeZoneIdentifier: "UTC", weekly: always.weekly, holidays: [.yearly(month: 12, day: 25)])
        XCTAssertFalse(withHoliday.isTwentyFourSeven)
    }

    // MARK: - Errors, one per case

    func testNotJSONIsInvalidJSON() {
        do {
            _ = try decode("{not json")
            XCTFail("expected an error")
        } catch {
            guard case .invalidJSON = error else { return XCTFail("got \(error)") }
            XCTAssertNil(error.path)
        }
    }

    func testTopLevelMustBeAnObject() {
        assertError("[1, 2]", .wrongType(path: "", expected: "a JSON object"))
    }

    func testMissingTimezoneAndWeekly() {
        assertError(#"{"name": "x", "weekly": {}}"#, .missingField(path: "timezone"))
        assertError(#"{"name": "x", "timezone": "UTC"}"#, .missingField(path: "weekly"))
        assertError(#"{"name": "x", "timezone": null, "weekly": {}}"#, .missingField(path: "timezone"))
    }

    func testWrongTypesNameTheirField() {
        assertError(#"{"name": 5, "timezone": "UTC", "weekly": {}}"#, .wrongType(path: "name", expected: "a string"))
        assertError(
            #"{"timezone": 1, "weekly": {}}"#,
            .wrongType(path: "timezone", expected: "a time zone name such as \"Europe/London\""))
        assertError(
            #"{"timezone": "UTC", "weekly": []}"#,
            .wrongType(path: "weekly", expected: "an object with the keys mon, tue, wed, thu, fri, sat, sun"))
        assertError(
            withWeekly(#"{"mon": "09:00-17:30"}"#),
            .wrongType(path: "weekly.mon", expected: "a list of ranges such as [[\"09:00\",\"17:30\"]]"))
        assertError(
            withWeekly(#"{"fri": [["09:00","13:00"], "14:00"]}"#),
            .wrongType(path: "weekly.fri[1]", expected: "a range [\"HH:MM\",\"HH:MM\"]"))
        assertError(
            withWeekly(#"{"fri": [["09:00","13:00"], ["14:00", 1730]]}"#),
            .wrongType(path: "weekly.fri[1][1]", expected: "a time \"HH:MM\""))
        assertError(
            #"{"timezone": "UTC", "weekly": {}, "holidays": "2026-12-25"}"#,
            .wrongType(path: "holidays", expected: "a list of dates"))
        assertError(
            #"{"timezone": "UTC", "weekly": {}, "workdays": ["2026-10-10", 20261011]}"#,
            .wrongType(path: "workdays[1]", expected: "a date string"))
    }

    func testUnknownTimeZone() {
        assertError(#"{"timezone": "Mars/Olympus_Mons", "weekly": {}}"#, .unknownTimeZone(path: "timezone", value: "Mars/Olympus_Mons"))
        assertError(#"{"timezone": "", "weekly": {}}"#, .unknownTimeZone(path: "timezone", value: ""))
    }

    func testUnknownWeekdayKey() {
        assertError(withWeekly(#"{"monday": [["09:00","17:30"]]}"#), .unknownWeekday(path: "weekly.monday"))
    }

    func testRangeMustBeExactlyTwoTimes() {
        assertError(withWeekly(#"{"tue": [["09:00"]]}"#), .badRange(path: "weekly.tue[0]"))
        assertError(withWeekly(#"{"tue": [["09:00","12:00","13:00"]]}"#), .badRange(path: "weekly.tue[0]"))
        assertError(withWeekly(#"{"tue": [[]]}"#), .badRange(path: "weekly.tue[0]"))
    }

    func testBadTimes() {
        assertError(withWeekly(#"{"wed": [["9:00","17:30"]]}"#), .badTime(path: "weekly.wed[0][0]", value: "9:00"))
        assertError(withWeekly(#"{"wed": [["09:00","25:00"]]}"#), .badTime(path: "weekly.wed[0][1]", value: "25:00"))
        assertError(withWeekly(#"{"wed": [["09:60","17:00"]]}"#), .badTime(path: "weekly.wed[0][0]", value: "09:60"))
        assertError(withWeekly(#"{"wed": [["09:00","24:01"]]}"#), .badTime(path: "weekly.wed[0][1]", value: "24:01"))
        assertError(withWeekly(#"{"wed": [["noon","17:00"]]}"#), .badTime(path: "weekly.wed[0][0]", value: "noon"))
    }

    func testRangeCrossingMidnightOrEmptyIsRefusedWithAHint() {
        let crossing = CalendarError.startNotBeforeEnd(path: "weekly.fri[1]", start: "22:00", end: "02:00")
        assertError(withWeekly(#"{"fri": [["09:00","13:00"], ["22:00","02:00"]]}"#), crossing)
        XCTAssertTrue(crossing.description.contains("use two ranges"))
        assertError(
            withWeekly(#"{"fri": [["10:00","10:00"]]}"#),
            .startNotBeforeEnd(path: "weekly.fri[0]", start: "10:00", end: "10:00"))
        assertError(
            withWeekly(#"{"sat": [["24:00","24:00"]]}"#),
            .startNotBeforeEnd(path: "weekly.sat[0]", start: "24:00", end: "24:00"))
    }

    func testOverlappingRangesNameBothRanges() {
        assertError(
            withWeekly(#"{"thu": [["09:00","13:00"], ["12:30","17:30"]]}"#),
            .overlappingRanges(path: "weekly.thu[1]", other: "weekly.thu[0]"))
        // Given out of order, still found; duplicates overlap too.
        assertError(
            withWeekly(#"{"thu": [["14:00","17:30"], ["09:00","18:00"]]}"#),
            .overlappingRanges(path: "weekly.thu[1]", other: "weekly.thu[0]"))
        assertError(
            withWeekly(#"{"thu": [["09:00","12:00"], ["13:00","14:00"], ["09:00","12:00"]]}"#),
            .overlappingRanges(path: "weekly.thu[2]", other: "weekly.thu[0]"))
        // Touching ranges do not overlap.
        XCTAssertNoThrow(try decode(withWeekly(#"{"thu": [["09:00","12:00"], ["12:00","17:00"]]}"#)))
    }

    func testBadHolidayAndWorkdayDates() {
        assertError(
            #"{"timezone": "UTC", "weekly": {}, "holidays": ["2026-12-25", "2026-02-30"]}"#,
            .badDate(path: "holidays[1]", value: "2026-02-30"))
        assertError(
            #"{"timezone": "UTC", "weekly": {}, "holidays": ["25/12/2026"]}"#,
            .badDate(path: "holidays[0]", value: "25/12/2026"))
        assertError(
            #"{"timezone": "UTC", "weekly": {}, "holidays": ["--13-01"]}"#, .badDate(path: "holidays[0]", value: "--13-01"))
        assertError(
            #"{"timezone": "UTC", "weekly": {}, "holidays": ["--04-31"]}"#, .badDate(path: "holidays[0]", value: "--04-31"))
        // A workday is always a dated day.
        assertError(
            #"{"timezone": "UTC", "weekly": {}, "workdays": ["--10-10"]}"#, .badDate(path: "workdays[0]", value: "--10-10"))
        XCTAssertTrue(CalendarError.badDate(path: "workdays[0]", value: "x").description.contains("YYYY-MM-DD"))
    }

    func testSameDateAsHolidayAndWorkdayIsAConflict() {
        assertError(
            #"{"timezone": "UTC", "weekly": {}, "holidays": ["2026-10-10"], "workdays": ["2026-09-20", "2026-10-10"]}"#,
            .conflictingDay(path: "workdays[1]", date: "2026-10-10"))
    }

    func testValidatingInitializerChecksTheSameRules() {
        XCTAssertThrowsError(
            try BusinessCalendar(
                name: "x", timeZoneIdentifier: "Europe/London",
                weekly: [.mon: [BusinessRange("09:00", "12:00")!, BusinessRange("11:00", "13:00")!]])
        ) { error in
            XCTAssertEqual(error as? CalendarError, .overlappingRanges(path: "weekly.mon[1]", other: "weekly.mon[0]"))
        }
        XCTAssertThrowsError(
            try BusinessCalendar(name: "x", timeZoneIdentifier: "UTC", weekly: [:], holidays: [.yearly(month: 2, day: 30)])
        ) { error in
            XCTAssertEqual(error as? CalendarError, .badDate(path: "holidays[0]", value: "--02-30"))
        }
        XCTAssertNil(BusinessRange("17:00", "09:00"))
        XCTAssertNil(BusinessRange(startMinute: 0, endMinute: 1441))
    }

    func testCivilDateAndHolidayParsing() {
        XCTAssertEqual(CivilDate("2024-02-29")?.weekday, .thu)
        XCTAssertNil(CivilDate("2023-02-29"))
        XCTAssertNil(CivilDate("2026-1-01"))
        XCTAssertEqual(CivilDate("1970-01-01")?.dayNumber, 0)
        XCTAssertEqual(CivilDate(dayNumber: -1).description, "1969-12-31")
        XCTAssertEqual(Holiday("--12-25"), .yearly(month: 12, day: 25))
        XCTAssertNil(Holiday("--12-32"))
        XCTAssertNil(Holiday("-12-25"))
        XCTAssertEqual(Holiday("--02-29")?.applies(to: CivilDate("2028-02-29")!), true)
    }
}
