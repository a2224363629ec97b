import Foundation
import KeelDomain
import XCTest

final class CronExpressionTests: XCTestCase {
    private func error(_ text: String) -> CronError? {
        do {
            _ = try CronExpression(text)
            return nil
        } catch {
            return error
        }
    }

    func testAcceptsListsRangesStepsNamesAndMacros() {
        for text in ["* * * * *", "*/5 * * * *", "0,15,30,45 9-17 * * 1-5", "5/10 * * * *", "0 12 1-31/2 JAN-MAR mon-fri",
                     "0 0 * * 7", "0 0 * * SUN,sat", "30 4 1,15 * 5", "0 0-23/6 * * *", "@hourly", "@daily", "@midnight",
                     "@weekly", "@monthly", "@yearly", "@annually", "  0\t0 * * *  "] {
            XCTAssertNil(error(text), text)
        }
    }

    func testRejectsBadExpressionsNamingTheField() {
        XCTAssertEqual(error(""), .fieldCount(found: 0))
        XCTAssertEqual(error("* * * *"), .fieldCount(found: 4))
        XCTAssertEqual(error("* * * * * *"), .fieldCount(found: 6))
        XCTAssertEqual(error("60 * * * *"), .outOfRange(field: .minute, token: "60"))
        XCTAssertEqual(error("* 24 * * *"), .outOfRange(field: .hour, token: "24"))
        XCTAssertEqual(error("* * 0 * *"), .outOfRange(field: .dayOfMonth, token: "0"))
        XCTAssertEqual(error("* * * 13 *"), .outOfRange(field: .month, token: "13"))
        XCTAssertEqual(error("* * * * 8"), .outOfRange(field: .dayOfWeek, token: "8"))
        XCTAssertEqual(error("*/0 * * * *"), .badStep(field: .minute, token: "*/0"))
        XCTAssertEqual(error("*/x * * * *"), .badStep(field: .minute, token: "*/x"))
        XCTAssertEqual(error("5-1 * * * *"), .reversedRange(field: .minute, token: "5-1"))
        XCTAssertEqual(error("* * * FOO *"), .syntax(field: .month, token: "FOO"))
        XCTAssertEqual(error("* * * * MON-"), .syntax(field: .dayOfWeek, token: "MON-"))
        XCTAssertEqual(error("* JAN * * *"), .syntax(field: .hour, token: "JAN"))
        XCTAssertEqual(error("1,,2 * * * *"), .syntax(field: .minute, token: ""))
        XCTAssertEqual(error("-1 * * * *"), .syntax(field: .minute, token: "-1"))
        XCTAssertEqual(error("@reboot"), .unknownMacro("@reboot"))
        XCTAssertEqual(error("0 0 30 2 *"), .neverMatches(field: .dayOfMonth))
        XCTAssertEqual(error("0 0 31 4,6,9,11 *"), .neverMatches(field: .dayOfMonth))
        XCTAssertEqual(error("0 0 31 2 *")?.field, .dayOfMonth)
        XCTAssertNil(error("0 0 30 2 MON"), "with both day fields restricted a Monday in February matches")
        XCTAssertNil(error("0 0 29 2 *"), "leap days exist")
    }

    func testVixieRuleEitherDayFieldMatchesWhenBothAreRestricted() {
        let cron = MonitorFixtures.cron("0 0 13 * FRI")
        let runs = cron.runs(after: MonitorFixtures.t("2026-04-01T00:00:00Z"), in: MonitorFixtures.utc, count: 4)
        XCTAssertEqual(runs.map(monitorISO), ["2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z",
                                       "2026-04-17T00:00:00Z"])
    }

    func testStarPrefixedDayFieldMeansBothMustMatch() {
        // `*/5` is Sunday and Friday, but starts with `*`: only a 13th that is a Sunday or Friday.
        let cron = MonitorFixtures.cron("0 0 13 * */5")
        XCTAssertEqual(monitorISO(cron.next(after: MonitorFixtures.t("2026-04-01T00:00:00Z"), in: MonitorFixtures.utc)),
                       "2026-09-13T00:00:00Z")
        XCTAssertTrue(cron.matches(year: 2026, month: 9, day: 13, hour: 0, minute: 0))
        XCTAssertFalse(cron.matches(year: 2026, month: 4, day: 13, hour: 0, minute: 0))
    }

    func testMacrosExpandToTheirSchedules() {
        let after = MonitorFixtures.t("2026-04-01T10:20:00Z")
        let expected = ["@hourly": "2026-04-01T11:00:00Z", "@daily": "2026-04-02T00:00:00Z",
                        "@weekly": "2026-04-05T00:00:00Z", "@monthly": "2026-05-01T00:00:00Z",
                        "@yearly": "2027-01-01T00:00:00Z"]
        for (text, run) in expected {
            XCTAssertEqual(monitorISO(MonitorFixtures.cron(text).next(after: after, in: MonitorFixtures.utc)), run, text)
        }
    }

    func testNamesSevenAsSundayAndSingleValueSteps() {
        XCTAssertTrue(MonitorFixtures.cron("0 0 * * 7").matches(year: 2026, month: 4, day: 5, hour: 0, minute: 0))
        XCTAssertTrue(MonitorFixtures.cron("0 0 * * sun").matches(year: 2026, month: 4, day: 5, hour: 0, minute: 0))
        XCTAssertTrue(MonitorFixtures.cron("0 0 * * 5-7").matches(year: 2026, month: 4, day: 5, hour: 0, minute: 0))
        let steps = MonitorFixtures.cron("5/20 * * * *")
        XCTAssertEqual((0..<60).filter { steps.matches(year: 2026, month: 1, day: 1, hour: 0, minute: $0) }, [5, 25, 45])
        XCTAssertTrue(MonitorFixtures.cron("0 0 * NOV-DEC *").matches(year: 2026, month: 12, day: 3, hour: 0, minute: 0))
    }

    func testCodableAsItsSourceText() throws {
        let cron = MonitorFixtures.cron("*/10 9-17 * * MON-FRI")
        let data = try JSONEncoder().encode([cron])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"*\\/10 9-17 * * MON-FRI\"]")
        XCTAssertEqual(try JSONDecoder().decode([CronExpression].self, from: data), [cron])
        XCTAssertThrowsError(try JSONDecoder().decode([CronExpression].self, from: Data("[\"61 * * * *\"]".utf8)))
    }

    func testRareDatesAreFoundYearsAhead() {
        // Feb 29 that is a Sunday or a Friday (both fields must match): the next is in 2032.
        let cron = MonitorFixtures.cron("0 0 29 2 */5")
        let run = cron.next(after: MonitorFixtures.t("2026-01-01T00:00:00Z"), in: MonitorFixtures.utc)
        XCTAssertNotNil(run)
        if let run {
            let parts = Calendar(identifier: .gregorian).dateComponents(in: MonitorFixtures.utc, from: run)
            XCTAssertEqual([parts.month, parts.day], [2, 29])
        }
    }
}
