import Foundation

/// One range of business hours within a day, `start ..< end`, in whole minutes after local
/// midnight. The end may be 24:00; a range never crosses midnight (use two ranges: one ending
/// at 24:00, one starting at 00:00 the next day).
public struct BusinessRange: Sendable, Hashable, CustomStringConvertible {
    /// 0 … 1439.
    public let startMinute: Int
    /// 1 … 1440 (24:00), greater than `startMinute`.
    public let endMinute: Int

    /// 00:00–24:00.
    public static let wholeDay = BusinessRange(checkedStart: 0, end: 1440)

    public init?(startMinute: Int, endMinute: Int) {
        guard startMinute >= 0, startMinute < endMinute, endMinute <= 1440 else { return nil }
        self.init(checkedStart: startMinute, end: endMinute)
    }

    /// From two `HH:MM` texts, e.g. `BusinessRange("09:00", "17:30")`.
    public init?(_ start: String, _ end: String) {
        guard let s = BusinessRange.minutes(start), let e = BusinessRange.minutes(end) else { return nil }
        self.init(startMinute: s, endMinute: e)
    }

    private init(checkedStart: Int, end: Int) {
        startMinute = checkedStart
        endMinute = end
    }

    /// `HH:MM`.
    public var start: String { BusinessRange.text(startMinute) }
    /// `HH:MM` (24:00 for the end of the day).
    public var end: String { BusinessRange.text(endMinute) }
    public var description: String { "\(start)–\(end)" }

    /// Minutes after midnight of exactly `HH:MM` (00:00 … 23:59, or 24:00), else nil.
    public static func minutes(_ text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 5, b[2] == UInt8(ascii: ":"),
              let h = CivilDate.digits(b, 0, 2), let m = CivilDate.digits(b, 3, 2)
        else { return nil }
        if h == 24 && m == 0 { return 1440 }
        guard h < 24, m < 60 else { return nil }
        return h * 60 + m
    }

    static func text(_ minutes: Int) -> String {
        CivilDate.pad(minutes / 60, 2) + ":" + CivilDate.pad(minutes % 60, 2)
    }
}

/// A day without business time: one dated day (`"2026-12-25"`) or the same month and day
/// every year (`"--12-25"`, the RFC 6350 / ISO 8601 form for a date without a year).
///
/// A yearly holiday applies to that calendar date only: when 25 December falls on a Saturday
/// nothing moves to the Monday. Substitute days off ("bank holiday Monday 28 December") are
/// dated holidays, as in the API.md example, because the rules differ by country.
public enum Holiday: Sendable, Hashable, Codable, CustomStringConvertible {
    case date(CivilDate)
    /// Every year on this month and day; `--02-29` applies in leap years only.
    case yearly(month: Int, day: Int)

    /// Parses `YYYY-MM-DD` or `--MM-DD`.
    public init?(_ text: String) {
        if text.hasPrefix("--") {
            let b = Array(text.utf8)
            guard b.count == 7, b[4] == UInt8(ascii: "-"),
                  let m = CivilDate.digits(b, 2, 2), let d = CivilDate.digits(b, 5, 2)
            else { return nil }
            let holiday = Holiday.yearly(month: m, day: d)
            guard holiday.isValid else { return nil }
            self = holiday
        } else if let date = CivilDate(text) {
            self = .date(date)
        } else {
            return nil
        }
    }

    /// Whether a `.yearly` month/day exists (in a leap year); dated holidays are always valid.
    public var isValid: Bool {
        switch self {
        case .date: return true
        case .yearly(let month, let day):
            return (1...12).contains(month) && day >= 1 && day <= CivilDate.daysInMonth(month, year: 2000)
        }
    }

    public func applies(to date: CivilDate) -> Bool {
        switch self {
        case .date(let d): d == date
        case .yearly(let month, let day): date.month == month && date.day == day
        }
    }

    public var description: String {
        switch self {
        case .date(let date): date.description
        case .yearly(let month, let day): "--" + CivilDate.pad(month, 2) + "-" + CivilDate.pad(day, 2)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let holiday = Holiday(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a date YYYY-MM-DD or --MM-DD, got \"\(text)\"")
        }
        self = holiday
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why a business calendar was refused. Every case names the offending field with a path in
/// the calendar JSON (`timezone`, `weekly.fri[1]`, `weekly.fri[1][0]`, `holidays[2]`, …).
public enum CalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not JSON at all.
    case invalidJSON(String)
    case missingField(path: String)
    case wrongType(path: String, expected: String)
    case unknownTimeZone(path: String, value: String)
    case unknownWeekday(path: String)
    /// A range is not exactly two times.
    case badRange(path: String)
    case badTime(path: String, value: String)
    /// Start not before end; this is also how a range crossing midnight is refused.
    case startNotBeforeEnd(path: String, start: String, end: String)
    case overlappingRanges(path: String, other: String)
    case badDate(path: String, value: String)
    /// The same date is a holiday and a workday.
    case conflictingDay(path: String, date: String)

    /// The field path, or nil for `invalidJSON`.
    public var path: String? {
        switch self {
        case .invalidJSON: nil
        case .missingField(let path), .wrongType(let path, _), .unknownTimeZone(let path, _),
             .unknownWeekday(let path), .badRange(let path), .badTime(let path, _),
             .startNotBeforeEnd(let path, _, _), .overlappingRanges(let path, _), .badDate(let path, _),
             .conflictingDay(let path, _):
            path
        }
    }

    public var description: String {
        switch self {
        case .invalidJSON(let detail):
            return "the calendar is not valid JSON: \(detail)"
        case .missingField(let path):
            return "\(path): required"
        case .wrongType(let path, let expected):
            return "\(path.isEmpty ? "calendar" : path): expected \(expected)"
        case .unknownTimeZone(let path, let value):
            return "\(path): unknown time zone \"\(value)\" (use an IANA name such as Europe/London or Asia/Shanghai)"
        case .unknownWeekday(let path):
            return "\(path): unknown day (use mon, tue, wed, thu, fri, sat, sun)"
        case .badRange(let path):
            return "\(path): a range is two times, [\"HH:MM\", \"HH:MM\"]"
        case .badTime(let path, let value):
            return "\(path): \"\(value)\" is not a time HH:MM between 00:00 and 24:00"
        case .startNotBeforeEnd(let path, let start, let end):
            return "\(path): the range starts at \(start), which is not before its end \(end); "
                + "a range may not cross midnight, use two ranges (… to 24:00, and 00:00 to … the next day)"
        case .overlappingRanges(let path, let other):
            return "\(path): overlaps \(other)"
        case .badDate(let path, let value):
            let expected = path.hasPrefix("workdays") ? "a date YYYY-MM-DD" : "a date YYYY-MM-DD, or --MM-DD for every year"
            return "\(path): \"\(value)\" is not \(expected)"
        case .conflictingDay(let path, let date):
            return "\(path): \(date) is listed both as a holiday and as a workday"
        }
    }
}
