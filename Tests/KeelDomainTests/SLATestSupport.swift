import Foundation
import KeelDomain
import XCTest

/// Calendars and time helpers shared by the SLA tests.
enum SLAFixtures {
    /// The calendar of API.md: London, Mon–Thu 09:00–17:30, Friday 09:00–13:00 and 14:00–17:30,
    /// holidays Fri 2026-12-25 and Mon 2026-12-28, workday Sat 2026-10-10.
    static let londonJSON = """
        {
          "name": "London office",
          "timezone": "Europe/London",
          "weekly": {"mon": [["09:00","17:30"]], "tue": [["09:00","17:30"]], "wed": [["09:00","17:30"]],
                     "thu": [["09:00","17:30"]], "fri": [["09:00","13:00"],["14:00","17:30"]],
                     "sat": [], "sun": []},
          "holidays": ["2026-12-25", "2026-12-28"],
          "workdays": ["2026-10-10"]
        }
        """

    static var london: BusinessCalendar {
        do {
            return try BusinessCalendar.decode(json: Data(londonJSON.utf8))
        } catch {
            preconditionFailure("the API.md calendar must decode: \(error)")
        }
    }

    /// Shanghai office: Mon–Fri 09:00–12:00 and 13:30–18:00. National Day 2026: Thu 1 Oct …
    /// Wed 7 Oct off; make-up workdays (调休) Sun 20 Sep and Sat 10 Oct; plus New Year yearly.
    static var shanghai: BusinessCalendar {
        calendar("""
            {"name": "上海办公室", "timezone": "Asia/Shanghai",
             "weekly": {"mon": [["09:00","12:00"],["13:30","18:00"]], "tue": [["09:00","12:00"],["13:30","18:00"]],
                        "wed": [["09:00","12:00"],["13:30","18:00"]], "thu": [["09:00","12:00"],["13:30","18:00"]],
                        "fri": [["09:00","12:00"],["13:30","18:00"]]},
             "holidays": ["--01-01", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",
                          "2026-10-06", "2026-10-07"],
             "workdays": ["2026-09-20", "2026-10-10"]}
            """)
    }

    static func calendar(_ json: String) -> BusinessCalendar {
        do {
            return try BusinessCalendar.decode(json: Data(json.utf8))
        } catch {
            preconditionFailure("test calendar must decode: \(error)")
        }
    }

    /// A calendar in `zone` with the same ranges on the given days.
    static func calendar(zone: String, days: [Weekday], _ ranges: [(String, String)]) -> BusinessCalendar {
        let list = ranges.compactMap { BusinessRange($0.0, $0.1) }
        precondition(list.count == ranges.count, "bad test range")
        do {
            return try BusinessCalendar(
                name: "test", timeZoneIdentifier: zone,
                weekly: Dictionary(uniqueKeysWithValues: days.map { ($0, list) }))
        } catch {
            preconditionFailure("test calendar: \(error)")
        }
    }

    /// An RFC 3339 time with offset.
    static func t(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { preconditionFailure("bad test time \(text)") }
        return date
    }

    static func pause(_ from: String, _ to: String) -> DateInterval {
        DateInterval(start: t(from), end: t(to))
    }

    static let hour = 3600
    static let minute = 60
}
