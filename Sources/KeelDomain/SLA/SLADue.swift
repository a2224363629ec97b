import Foundation

/// A bad argument to `keel sla due`; `description` is the message to print.
public enum SLADueError: Error, Sendable, Equatable, CustomStringConvertible {
    case calendar(CalendarError)
    case unreadableCalendar(path: String, reason: String)
    case start(String)
    case target(String)
    case pause(String, reason: String)
    /// The calendar has no business time after the start.
    case neverDue

    public var description: String {
        switch self {
        case .calendar(let error): "--calendar: \(error.description)"
        case .unreadableCalendar(let path, let reason): "--calendar: cannot read \(path): \(reason)"
        case .start(let value):
            "--start: \"\(value)\" is not an RFC 3339 time with an offset, such as 2026-03-27T16:00:00+00:00"
        case .target(let value):
            "--target: \"\(value)\" is not a duration such as 90m, 4h, 1h30m or 2d (business days)"
        case .pause(let value, let reason): "--pause: \"\(value)\": \(reason)"
        case .neverDue: "the calendar has no business time after the start, so nothing is ever due"
        }
    }
}

/// The pure core of `keel sla due --calendar FILE|24x7 --start T --target D [--pause FROM,TO]…`.
public enum SLADue {
    /// Where the calendar comes from.
    public enum CalendarSource: Sendable, Equatable {
        /// Wall-clock time, reported in UTC.
        case twentyFourSeven
        /// Calendar JSON in the API.md shape.
        case json(Data)

        /// `24x7` (any case), otherwise a file read with `readFile`.
        public static func fromArgument(
            _ argument: String, readFile: (String) throws -> Data
        ) throws(SLADueError) -> CalendarSource {
            if argument.lowercased() == "24x7" { return .twentyFourSeven }
            do {
                return .json(try readFile(argument))
            } catch {
                throw .unreadableCalendar(path: argument, reason: String(describing: error))
            }
        }
    }

    /// A parsed `--target`.
    public enum Target: Sendable, Equatable {
        /// Business (or, on a 24×7 calendar, wall-clock) seconds: `90m`, `4h`, `1h30m`.
        case seconds(Int)
        /// Business days as defined in `SLATarget.businessDays`: `2d`.
        case businessDays(Int)

        /// `<n>m`, `<n>h`, `<n>h<n>m` or `<n>d`; positive, case-insensitive.
        public static func parse(_ text: String) -> Target? {
            let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
            if lower.hasSuffix("d") {
                guard let days = Int(lower.dropLast()), days > 0, days <= 3660, !lower.hasPrefix("+") else { return nil }
                return .businessDays(days)
            }
            var total = 0
            var number = ""
            var units: [Character] = []
            for c in lower {
                if c.isASCII && c.isNumber {
                    number.append(c)
                } else if c == "h" || c == "m" {
                    guard let n = Int(number), number.count <= 7, !units.contains(c), units.last != "m" else { return nil }
                    total += n * (c == "h" ? 3600 : 60)
                    units.append(c)
                    number = ""
                } else {
                    return nil
                }
            }
            guard number.isEmpty, !units.isEmpty, total > 0 else { return nil }
            return .seconds(total)
        }

        public func asSLATarget(twentyFourSeven: Bool) -> SLATarget {
            switch self {
            case .seconds(let s): twentyFourSeven ? .wallClock(seconds: s) : .businessTime(seconds: s)
            case .businessDays(let d): .businessDays(d)
            }
        }
    }

    /// The due time as RFC 3339 in the calendar's zone with its offset (UTC for 24×7), e.g.
    /// `2026-03-30T11:30:00+01:00` for the London calendar, 2026-03-27T16:00:00+00:00 and 4h.
    public static func dueTime(
        calendar source: CalendarSource, start: String, target: String, pauses: [String] = []
    ) throws(SLADueError) -> String {
        let calendar: BusinessCalendar
        switch source {
        case .twentyFourSeven:
            calendar = .twentyFourSeven
        case .json(let data):
            do {
                calendar = try BusinessCalendar.decode(json: data)
            } catch {
                throw .calendar(error)
            }
        }
        guard let startDate = RFC3339.parse(start.trimmingCharacters(in: .whitespaces)) else { throw .start(start) }
        guard let parsedTarget = Target.parse(target) else { throw .target(target) }
        var intervals: [DateInterval] = []
        for pause in pauses {
            let parts = pause.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw .pause(pause, reason: "expected FROM,TO (two RFC 3339 times)") }
            guard let from = RFC3339.parse(parts[0].trimmingCharacters(in: .whitespaces)) else {
                throw .pause(pause, reason: "FROM is not an RFC 3339 time with an offset")
            }
            guard let to = RFC3339.parse(parts[1].trimmingCharacters(in: .whitespaces)) else {
                throw .pause(pause, reason: "TO is not an RFC 3339 time with an offset")
            }
            guard to > from else { throw .pause(pause, reason: "TO must be after FROM") }
            intervals.append(DateInterval(start: from, end: to))
        }
        let slaTarget = parsedTarget.asSLATarget(twentyFourSeven: calendar.isTwentyFourSeven)
        let due = slaTarget.dueDate(from: startDate, calendar: calendar, pauses: intervals)
        guard due != .distantFuture else { throw .neverDue }
        return calendar.rfc3339(due)
    }
}
