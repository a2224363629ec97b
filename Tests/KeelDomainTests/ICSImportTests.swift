import Foundation
import KeelDomain
import XCTest

final class ICSImportTests: XCTestCase {
    private func ics(_ body: String, lineEnding: String = "\r\n") -> String {
        (["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"] + body.split(separator: "\n").map(String.init) + ["END:VCALENDAR"])
            .joined(separator: lineEnding) + lineEnding
    }

    private func assertError(_ text: String, _ expected: ICSError, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let result = try ICSImport.parse(text)
            XCTFail("parsed \(result), expected \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    func testDatedAllDayEventsWithCRLF() throws {
        let text = ics("""
            BEGIN:VEVENT
            UID:1@example
            DTSTART;VALUE=DATE:20261225
            DTEND;VALUE=DATE:20261226
            SUMMARY:Christmas Day
            END:VEVENT
            BEGIN:VEVENT
            UID:2@example
            DTSTART;VALUE=DATE:20261228
            DTEND;VALUE=DATE:20261229
            SUMMARY:Boxing Day (substitute day)
            END:VEVENT
            """)
        XCTAssertEqual(try ICSImport.parse(text), [
            ICSHoliday(holiday: .date(CivilDate("2026-12-25")!), summary: "Christmas Day"),
            ICSHoliday(holiday: .date(CivilDate("2026-12-28")!), summary: "Boxing Day (substitute day)"),
        ])
    }

    func testLFLineEndingsAndMissingDTENDMeanOneDay() throws {
        let text = ics("""
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260501
            SUMMARY:Labour Day
            END:VEVENT
            """, lineEnding: "\n")
        XCTAssertEqual(try ICSImport.holidays(from: text), [.date(CivilDate("2026-05-01")!)])
    }

    func testFoldedLinesAreUnfolded() throws {
        // RFC 5545 §3.1: CRLF followed by one space or tab continues the line.
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2026\r\n 1001\r\nSUMMARY:National \r\n\tDay 国庆\r\n 节\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        XCTAssertEqual(try ICSImport.parse(text), [ICSHoliday(holiday: .date(CivilDate("2026-10-01")!), summary: "National Day 国庆节")])
    }

    func testMultiDayEventExpandsToEachDate() throws {
        // DTEND is exclusive: 1 Oct … 8 Oct means 1–7 October.
        let text = ics("""
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20261001
            DTEND;VALUE=DATE:20261008
            SUMMARY:国庆节
            END:VEVENT
            """)
        let holidays = try ICSImport.holidays(from: text)
        XCTAssertEqual(holidays.map(\.description), (1...7).map { "2026-10-0\($0)" })
        // DURATION works too.
        let withDuration = ics("""
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20261230
            DURATION:P3D
            END:VEVENT
            """)
        XCTAssertEqual(try ICSImport.holidays(from: withDuration).map(\.description), ["2026-12-30", "2026-12-31", "2027-01-01"])
    }

    func testYearlyRuleGivesYearlyHolidays() throws {
        let text = ics("""
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20201225
            DTEND;VALUE=DATE:20201227
            RRULE:FREQ=YEARLY
            SUMMARY:Christmas and Boxing Day
            END:VEVENT
            """)
        XCTAssertEqual(try ICSImport.holidays(from: text), [.yearly(month: 12, day: 25), .yearly(month: 12, day: 26)])
        XCTAssertEqual(try ICSImport.holidays(from: text).map(\.description), ["--12-25", "--12-26"])
    }

    func testBoundedYearlyRuleGivesDatedHolidays() throws {
        let count = ics("""
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260101
            RRULE:FREQ=YEARLY;COUNT=3
            END:VEVENT
            """)
        XCTAssertEqual(try ICSImport.holidays(from: count).map(\.description), ["2026-01-01", "2027-01-01", "2028-01-01"])
        let until = ics("""
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260704
            RRULE:FREQ=YEARLY;UNTIL=20280704T000000Z
            END:VEVENT
            """)
        XCTAssertEqual(try ICSImport.holidays(from: until).map(\.description), ["2026-07-04", "2027-07-04", "2028-07-04"])
    }

    func testImportedHolidaysMakeAValidCalendar() throws {
        let text = ics("""
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20261225
            SUMMARY:Christmas Day
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20261225
            SUMMARY:Christmas Day (duplicate feed entry)
            END:VEVENT
            """)
        let holidays = try ICSImport.holidays(from: text)
        XCTAssertEqual(holidays.count, 1)
        let calendar = try BusinessCalendar(
            name: "UK", timeZoneIdentifier: "Europe/London", weekly: SLAFixtures.london.weekly, holidays: holidays)
        XCTAssertEqual(calendar.schedule(on: CivilDate("2026-12-25")!), [])
    }

    func testOtherComponentsAndCancelledEventsAreSkippedAndDataWithBOMIsRead() throws {
        let text = "\u{FEFF}" + ics("""
            BEGIN:VTIMEZONE
            TZID:Europe/London
            BEGIN:STANDARD
            DTSTART:19701025T020000
            END:STANDARD
            END:VTIMEZONE
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260101
            STATUS:CANCELLED
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260102
            SUMMARY:Escaped\\, text\\; here
            BEGIN:VALARM
            TRIGGER:-PT15M
            END:VALARM
            END:VEVENT
            """)
        XCTAssertEqual(
            try ICSImport.parse(data: Data(text.utf8)),
            [ICSHoliday(holiday: .date(CivilDate("2026-01-02")!), summary: "Escaped, text; here")])
    }

    func testEmptyCalendarHasNoHolidays() throws {
        XCTAssertEqual(try ICSImport.parse(ics("")), [])
    }

    // MARK: - Errors

    func testNotACalendarOrNotUTF8() {
        assertError("hello world", .notACalendar)
        assertError("", .notACalendar)
        XCTAssertThrowsError(try ICSImport.parse(data: Data([0xFF, 0xFE, 0x00, 0xD8]))) { error in
            XCTAssertEqual(error as? ICSError, .notUTF8)
        }
    }

    func testStructureErrorsNameTheLine() {
        assertError("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nEND:VCALENDAR\n", .unbalanced(line: 4, component: "VCALENDAR"))
        assertError("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\n", .unterminated(line: 2, component: "VEVENT"))
        assertError("BEGIN:VCALENDAR\nthis line has no colon\nEND:VCALENDAR\n", .malformedLine(line: 2))
    }

    func testEventErrors() {
        // Lines: 1 BEGIN:VCALENDAR, 2 VERSION, 3 PRODID, 4 BEGIN:VEVENT, 5…
        assertError(ics("BEGIN:VEVENT\nSUMMARY:No start\nEND:VEVENT"), .missingStart(line: 4))
        assertError(ics("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260230\nEND:VEVENT"), .badDate(line: 5, value: "20260230"))
        assertError(ics("BEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-12-25\nEND:VEVENT"), .badDate(line: 5, value: "2026-12-25"))
        assertError(ics("BEGIN:VEVENT\nDTSTART:20261225T090000Z\nEND:VEVENT"), .timedEvent(line: 5, value: "20261225T090000Z"))
        assertError(
            ics("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nDTEND;VALUE=DATE:20261225\nEND:VEVENT"), .endNotAfterStart(line: 6))
        assertError(
            ics("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nDTEND;VALUE=DATE:20280101\nEND:VEVENT"), .tooLong(line: 5, days: 730))
        assertError(
            ics("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260525\nRRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO\nEND:VEVENT"),
            .unsupportedRule(line: 6, rule: "FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO"))
        assertError(
            ics("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260525\nRRULE:FREQ=WEEKLY\nEND:VEVENT"),
            .unsupportedRule(line: 6, rule: "FREQ=WEEKLY"))
        assertError(
            ics("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260525\nDURATION:PT8H\nEND:VEVENT"), .badDate(line: 6, value: "PT8H"))
        XCTAssertTrue(ICSError.timedEvent(line: 5, value: "x").description.contains("all-day"))
    }
}
