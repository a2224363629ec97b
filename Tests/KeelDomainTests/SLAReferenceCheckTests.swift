import Foundation
import KeelDomain
import XCTest

/// Cross-checks the engine against a slow, obvious reference: walk minute by minute, ask
/// Foundation's `Calendar` for the local date and time of each minute, and apply the calendar
/// rules directly. Starts are drawn around daylight-saving changes (London, Los Angeles, and
/// Lord Howe Island, whose clocks move by 30 minutes) with night ranges over the changes.
final class SLAReferenceCheckTests: XCTestCase {
    private struct Reference {
        let calendar: BusinessCalendar
        let foundation: Calendar

        init(_ calendar: BusinessCalendar) {
            self.calendar = calendar
            var foundation = Calendar(identifier: .gregorian)
            foundation.timeZone = TimeZone(identifier: calendar.timeZoneIdentifier) ?? .current
            self.foundation = foundation
        }

        /// Whether the minute starting at `instant` is business time, by the rules of API.md.
        func isBusinessMinute(_ instant: Date) -> Bool {
            let c = foundation.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
            guard let date = CivilDate(year: c.year ?? 0, month: c.month ?? 0, day: c.day ?? 0) else { return false }
            let ranges: [BusinessRange]
            if calendar.workdays.contains(date) {
                ranges = calendar.weekly[.mon] ?? []
            } else if calendar.holidays.contains(where: { $0.applies(to: date) }) {
                ranges = []
            } else {
                // Foundation: 1 = Sunday … 7 = Saturday.
                let weekday: [Weekday] = [.sun, .mon, .tue, .wed, .thu, .fri, .sat]
                ranges = calendar.weekly[weekday[(c.weekday ?? 1) - 1]] ?? []
            }
            let minute = (c.hour ?? 0) * 60 + (c.minute ?? 0)
            return ranges.contains { $0.startMinute <= minute && minute < $0.endMinute }
        }

        func counts(_ instant: Date, _ pauses: [DateInterval]) -> Bool {
            isBusinessMinute(instant) && !pauses.contains { $0.start <= instant && instant < $0.end }
        }

        func add(minutes: Int, to start: Date, pauses: [DateInterval]) -> Date {
            var instant = start
            var remaining = minutes
            while true {
                if counts(instant, pauses) {
                    remaining -= 1
                    if remaining == 0 { return instant.addingTimeInterval(60) }
                }
                instant.addTimeInterval(60)
            }
        }

        func businessMinutes(from: Date, to: Date, pauses: [DateInterval]) -> Int {
            var instant = from
            var total = 0
            while instant < to {
                if counts(instant, pauses) { total += 1 }
                instant.addTimeInterval(60)
            }
            return total
        }
    }

    /// A deterministic pseudo-random generator (PCG multiplier), so failures reproduce.
    private struct Generator {
        var seed: UInt64 = 7

        mutating func random(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
    }

    /// Weekdays 09:00–17:30, plus Sunday 00:30–03:30 across the night the clocks change.
    private func mixed(_ zone: String) -> BusinessCalendar {
        SLAFixtures.calendar("""
            {"name": "mixed", "timezone": "\(zone)",
             "weekly": {"mon": [["09:00","17:30"]], "tue": [["09:00","12:00"],["13:00","17:30"]], "wed": [["09:00","17:30"]],
                        "thu": [["09:00","17:30"]], "fri": [["09:00","13:00"],["14:00","17:30"]], "sun": [["00:30","03:30"]]},
             "holidays": ["--12-25", "2026-04-03"], "workdays": ["2026-10-10"]}
            """)
    }

    func testEngineAgreesWithMinuteByMinuteReferenceAroundDaylightSavingChanges() {
        var generator = Generator()
        // Sunday mornings with a clock change in 2026 (UTC midnight of that day).
        let cases: [(zone: String, changeDays: [String])] = [
            ("Europe/London", ["2026-03-29", "2026-10-25"]),
            ("America/Los_Angeles", ["2026-03-08", "2026-11-01"]),
            ("Australia/Lord_Howe", ["2026-04-05", "2026-10-04"]),
            ("Asia/Shanghai", ["2026-09-27", "2026-12-27"]),
        ]
        var checked = 0
        for (zone, days) in cases {
            let calendar = mixed(zone)
            let reference = Reference(calendar)
            for day in days {
                let base = SLAFixtures.t("\(day)T00:00:00Z").addingTimeInterval(-3 * 86400)
                for _ in 0..<12 {
                    let start = base.addingTimeInterval(Double(generator.random(5 * 1440)) * 60)
                    let minutes = 1 + generator.random(900)
                    var pauses: [DateInterval] = []
                    if generator.random(2) == 0 {
                        let from = start.addingTimeInterval(Double(generator.random(2 * 1440) - 240) * 60)
                        pauses.append(DateInterval(start: from, duration: Double(1 + generator.random(1440)) * 60))
                    }
                    let expected = reference.add(minutes: minutes, to: start, pauses: pauses)
                    let due = calendar.addBusinessTime(minutes * 60, to: start, pauses: pauses)
                    XCTAssertEqual(due, expected, "\(zone) \(calendar.rfc3339(start)) + \(minutes) min, pauses \(pauses)")
                    let end = start.addingTimeInterval(Double(generator.random(4 * 1440)) * 60)
                    XCTAssertEqual(
                        calendar.businessSeconds(from: start, to: end, pauses: pauses),
                        reference.businessMinutes(from: start, to: end, pauses: pauses) * 60,
                        "\(zone) \(calendar.rfc3339(start)) … \(calendar.rfc3339(end))")
                    let probe = start.addingTimeInterval(Double(generator.random(3 * 1440)) * 60)
                    XCTAssertEqual(calendar.isBusinessTime(probe), reference.isBusinessMinute(probe), "\(zone) \(calendar.rfc3339(probe))")
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 96)
    }
}
