import Foundation
import KeelDomain
import XCTest

/// The core of `keel sla due`.
final class SLADueTests: XCTestCase {
    private let london = SLADue.CalendarSource.json(Data(SLAFixtures.londonJSON.utf8))

    private func assertError(
        _ source: SLADue.CalendarSource, start: String = "2026-03-27T16:00:00+00:00", target: String = "4h",
        pauses: [String] = [], _ expected: SLADueError, file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let due = try SLADue.dueTime(calendar: source, start: start, target: target, pauses: pauses)
            XCTFail("got \(due), expected \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    func testAPIExampleGivesMondayHalfPastElevenBST() throws {
        XCTAssertEqual(
            try SLADue.dueTime(calendar: london, start: "2026-03-27T16:00:00+00:00", target: "4h"),
            "2026-03-30T11:30:00+01:00")
    }

    func testMinutesHoursAndCombinedTargets() throws {
        // 90 min from Fri 16:00 GMT: exactly Friday's closing time.
        XCTAssertEqual(try SLADue.dueTime(calendar: london, start: "2026-03-27T16:00:00Z", target: "90m"), "2026-03-27T17:30:00+00:00")
        XCTAssertEqual(try SLADue.dueTime(calendar: london, start: "2026-03-27T16:00:00Z", target: "1h30m"), "2026-03-27T17:30:00+00:00")
        XCTAssertEqual(try SLADue.dueTime(calendar: london, start: "2026-03-27T16:00:00Z", target: "4H"), "2026-03-30T11:30:00+01:00")
    }

    func testStartWithAnotherOffsetIsTheSameInstant() throws {
        // 2026-03-28T01:00:00+09:00 is Fri 27 Mar 16:00 UTC.
        XCTAssertEqual(try SLADue.dueTime(calendar: london, start: "2026-03-28T01:00:00+09:00", target: "4h"), "2026-03-30T11:30:00+01:00")
    }

    func testBusinessDaysTarget() throws {
        // Fri 27 Mar 16:00 is 6 h into Friday; two business days later is Tue 31 Mar, 6 h in: 15:00 BST.
        XCTAssertEqual(try SLADue.dueTime(calendar: london, start: "2026-03-27T16:00:00+00:00", target: "2d"), "2026-03-31T15:00:00+01:00")
    }

    func testPausesAreSkipped() throws {
        // Paused Monday 09:00–10:00 BST: the 2.5 h left on Monday start at 10:00, due 12:30.
        XCTAssertEqual(
            try SLADue.dueTime(
                calendar: london, start: "2026-03-27T16:00:00+00:00", target: "4h",
                pauses: ["2026-03-30T09:00:00+01:00,2026-03-30T10:00:00+01:00"]),
            "2026-03-30T12:30:00+01:00")
        // A pause starting Friday evening (outside hours) to Monday 11:00: Friday's 1.5 h still
        // count, then 11:00 + 2.5 h = 13:30.
        XCTAssertEqual(
            try SLADue.dueTime(
                calendar: london, start: "2026-03-27T16:00:00+00:00", target: "4h",
                pauses: ["2026-03-27T18:00:00Z, 2026-03-30T11:00:00+01:00"]),
            "2026-03-30T13:30:00+01:00")
    }

    func testTwentyFourSevenCountsWallClockInUTC() throws {
        let source = try SLADue.CalendarSource.fromArgument("24x7") { _ in XCTFail("no file to read"); return Data() }
        XCTAssertEqual(source, .twentyFourSeven)
        XCTAssertEqual(try SLADue.dueTime(calendar: source, start: "2026-03-27T16:00:00+00:00", target: "4h"), "2026-03-27T20:00:00+00:00")
        // Over the spring-forward night, wall-clock hours are real hours.
        XCTAssertEqual(try SLADue.dueTime(calendar: source, start: "2026-03-29T00:30:00+00:00", target: "90m"), "2026-03-29T02:00:00+00:00")
        XCTAssertEqual(
            try SLADue.dueTime(
                calendar: source, start: "2026-03-27T16:00:00+00:00", target: "4h",
                pauses: ["2026-03-27T17:00:00+00:00,2026-03-27T18:00:00+00:00"]),
            "2026-03-27T21:00:00+00:00")
    }

    func testCalendarArgumentReadsAFile() throws {
        let source = try SLADue.CalendarSource.fromArgument("london.json") { path in
            XCTAssertEqual(path, "london.json")
            return Data(SLAFixtures.londonJSON.utf8)
        }
        XCTAssertEqual(try SLADue.dueTime(calendar: source, start: "2026-03-27T16:00:00+00:00", target: "4h"), "2026-03-30T11:30:00+01:00")
        struct Missing: Error, CustomStringConvertible { var description: String { "no such file" } }
        XCTAssertThrowsError(try SLADue.CalendarSource.fromArgument("nope.json") { _ in throw Missing() }) { error in
            XCTAssertEqual(error as? SLADueError, .unreadableCalendar(path: "nope.json", reason: "no such file"))
        }
    }

    // MARK: - Bad arguments

    func testBadCalendar() {
        assertError(.json(Data("{".utf8)), .calendar(.invalidJSON(invalidJSONMessage("{"))))
        assertError(
            .json(Data(#"{"timezone": "Europe/Londres", "weekly": {}}"#.utf8)),
            .calendar(.unknownTimeZone(path: "timezone", value: "Europe/Londres")))
        XCTAssertTrue(SLADueError.calendar(.missingField(path: "weekly")).description.hasPrefix("--calendar: weekly"))
    }

    private func invalidJSONMessage(_ text: String) -> String {
        do {
            _ = try BusinessCalendar.decode(json: Data(text.utf8))
        } catch {
            if case .invalidJSON(let message) = error { return message }
        }
        return ""
    }

    func testBadStart() {
        for start in ["2026-03-27 16:00", "2026-03-27T16:00:00", "27/03/2026 16:00", "2026-02-30T16:00:00Z", "2026-03-27T24:00:00Z",
                      "2026-03-27T16:00:00+25:00", "", "2026-03-27T16:00:00.Z"] {
            assertError(london, start: start, .start(start))
        }
    }

    func testBadTarget() {
        for target in ["4", "h", "0h", "-4h", "4.5h", "4 hours", "30m1h", "4h4h", "0d", "1d4h", "", "99999999999h"] {
            assertError(london, target: target, .target(target))
        }
        XCTAssertTrue(SLADueError.target("x").description.contains("90m"))
    }

    func testBadPause() {
        assertError(london, pauses: ["2026-03-30T09:00:00+01:00"], .pause("2026-03-30T09:00:00+01:00", reason: "expected FROM,TO (two RFC 3339 times)"))
        assertError(london, pauses: ["yesterday,2026-03-30T09:00:00+01:00"], .pause("yesterday,2026-03-30T09:00:00+01:00", reason: "FROM is not an RFC 3339 time with an offset"))
        assertError(london, pauses: ["2026-03-30T09:00:00+01:00,soon"], .pause("2026-03-30T09:00:00+01:00,soon", reason: "TO is not an RFC 3339 time with an offset"))
        assertError(
            london, pauses: ["2026-03-30T10:00:00+01:00,2026-03-30T09:00:00+01:00"],
            .pause("2026-03-30T10:00:00+01:00,2026-03-30T09:00:00+01:00", reason: "TO must be after FROM"))
    }

    func testCalendarWithoutBusinessTimeIsNeverDue() {
        assertError(.json(Data(#"{"timezone": "UTC", "weekly": {}}"#.utf8)), .neverDue)
    }

    func testTargetParsing() {
        XCTAssertEqual(SLADue.Target.parse("90m"), .seconds(5400))
        XCTAssertEqual(SLADue.Target.parse("4h"), .seconds(14400))
        XCTAssertEqual(SLADue.Target.parse("1h30m"), .seconds(5400))
        XCTAssertEqual(SLADue.Target.parse("2d"), .businessDays(2))
        XCTAssertNil(SLADue.Target.parse("2w"))
    }
}
