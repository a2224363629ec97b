import Foundation

/// A business calendar: a time zone, weekly business hours (several ranges a day), holidays
/// (dated or yearly) and workdays (dates that follow Monday's ranges even on a weekend, for
/// China's make-up working days, 调休).
///
/// The JSON form is the one in API.md:
/// `{"name", "timezone", "weekly": {"mon": [["09:00","17:30"]], …}, "holidays": […], "workdays": […]}`.
///
/// Rules for a local date, in this order: a date in `workdays` has Monday's ranges; a date in
/// `holidays` (dated, or yearly by month and day) has none; any other date has its weekday's
/// ranges. A dated workday therefore overrides a yearly holiday; the same date as a dated
/// holiday and a workday is refused.
///
/// The calendar is an immutable value. Its fields are validated at creation, and the
/// precomputed form the engine walks (`CalendarEngine`, a shared immutable class) is built
/// once then, so every computation is plain integer arithmetic. See `CalendarEngine` for the
/// exact treatment of daylight saving time.
public struct BusinessCalendar: Sendable, Hashable, Codable, CustomStringConvertible {
    public let name: String
    /// IANA time zone name, e.g. `Europe/London` (JSON `timezone`).
    public let timeZoneIdentifier: String
    /// All seven days, each with its ranges sorted by start (possibly none).
    public let weekly: [Weekday: [BusinessRange]]
    public let holidays: [Holiday]
    public let workdays: [CivilDate]
    let engine: CalendarEngine

    /// Validates and builds a calendar. Missing weekdays have no business hours. Error paths
    /// refer to positions in the arrays as given (`weekly.fri[1]`, `holidays[0]`).
    public init(
        name: String, timeZoneIdentifier: String, weekly: [Weekday: [BusinessRange]],
        holidays: [Holiday] = [], workdays: [CivilDate] = []
    ) throws(CalendarError) {
        guard let zone = ZoneTable.named(timeZoneIdentifier) else {
            throw .unknownTimeZone(path: "timezone", value: timeZoneIdentifier)
        }
        var normalized: [Weekday: [BusinessRange]] = [:]
        for day in Weekday.allCases {
            let ranges = weekly[day] ?? []
            let order = ranges.indices.sorted { ranges[$0].startMinute < ranges[$1].startMinute }
            for (a, b) in zip(order, order.dropFirst()) where ranges[b].startMinute < ranges[a].endMinute {
                throw .overlappingRanges(
                    path: "weekly.\(day.rawValue)[\(max(a, b))]", other: "weekly.\(day.rawValue)[\(min(a, b))]")
            }
            normalized[day] = order.map { ranges[$0] }
        }
        for (i, holiday) in holidays.enumerated() where !holiday.isValid {
            throw .badDate(path: "holidays[\(i)]", value: holiday.description)
        }
        let datedHolidays = Set(holidays.compactMap { if case .date(let d) = $0 { d } else { nil } })
        for (i, date) in workdays.enumerated() where datedHolidays.contains(date) {
            throw .conflictingDay(path: "workdays[\(i)]", date: date.description)
        }
        self.name = name
        self.timeZoneIdentifier = timeZoneIdentifier
        self.weekly = normalized
        self.holidays = holidays
        self.workdays = workdays
        engine = CalendarEngine(
            zone: zone, weekly: Weekday.allCases.map { normalized[$0] ?? [] }, holidays: holidays, workdays: workdays)
    }

    /// The default calendar: Monday to Friday 09:00–17:30 in the given zone, no holidays.
    public static func standard(
        timeZoneIdentifier: String, name: String = "Mon–Fri 09:00–17:30"
    ) throws(CalendarError) -> BusinessCalendar {
        let day = [BusinessRange(startMinute: 9 * 60, endMinute: 17 * 60 + 30)].compactMap { $0 }
        return try BusinessCalendar(
            name: name, timeZoneIdentifier: timeZoneIdentifier,
            weekly: [.mon: day, .tue: day, .wed: day, .thu: day, .fri: day])
    }

    /// Round the clock, every day, no holidays (wall-clock time), reported in UTC.
    public static let twentyFourSeven: BusinessCalendar = {
        do {
            return try BusinessCalendar.twentyFourSeven(timeZoneIdentifier: "UTC")
        } catch {
            preconditionFailure("UTC is always a known time zone")
        }
    }()

    /// Round the clock, every day, no holidays; the zone only matters for formatting and days.
    public static func twentyFourSeven(timeZoneIdentifier: String) throws(CalendarError) -> BusinessCalendar {
        let all = Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [BusinessRange.wholeDay]) })
        return try BusinessCalendar(name: "24x7", timeZoneIdentifier: timeZoneIdentifier, weekly: all)
    }

    /// Whether every instant is business time (then business time is wall-clock time).
    public var isTwentyFourSeven: Bool { engine.alwaysOpen }

    public var description: String { "BusinessCalendar(\(name), \(timeZoneIdentifier))" }

    // MARK: - Computations

    /// The due instant: `start` plus `seconds` of business time, not counting time inside
    /// `pauses`. It is the earliest instant at which that much unpaused business time has
    /// passed, so a target used up exactly at closing time is due at closing time (17:30),
    /// not at the next opening. Zero or negative targets give `start`; a calendar that never
    /// again has that much business time gives `Date.distantFuture`. Pauses may start or end
    /// outside business hours and may overlap each other.
    public func addBusinessTime(_ seconds: Int, to start: Date, pauses: [DateInterval] = []) -> Date {
        let s = start.timeIntervalSince1970
        return BusinessCalendar.date(engine.add(Double(seconds), to: s, pauses: Span.normalize(pauses, after: s)))
    }

    /// Business seconds in `from ..< to` outside `pauses`, rounded to the nearest second;
    /// 0 when `to` is not after `from`.
    public func businessSeconds(from: Date, to: Date, pauses: [DateInterval] = []) -> Int {
        Int(businessDuration(from: from, to: to, pauses: pauses).rounded())
    }

    /// As `businessSeconds`, unrounded.
    public func businessDuration(from: Date, to: Date, pauses: [DateInterval] = []) -> TimeInterval {
        let s = from.timeIntervalSince1970
        return engine.duration(from: s, to: to.timeIntervalSince1970, pauses: Span.normalize(pauses, after: s))
    }

    /// Whether `date` lies in business hours (ranges are half-open: 17:30 itself is closed).
    public func isBusinessTime(_ date: Date) -> Bool {
        engine.isBusiness(date.timeIntervalSince1970)
    }

    /// The start of the next business period strictly after `date` (adjacent ranges such as
    /// 22:00–24:00 and 00:00–06:00 the next day form one period). `Date.distantFuture` when
    /// there is none, as for a 24×7 calendar, which never opens because it never closes.
    public func nextBusinessStart(after date: Date) -> Date {
        BusinessCalendar.date(engine.nextStart(after: date.timeIntervalSince1970))
    }

    /// `date` when it is business time, otherwise the start of the next business period.
    public func firstBusinessInstant(atOrAfter date: Date) -> Date {
        BusinessCalendar.date(engine.firstBusinessInstant(atOrAfter: date.timeIntervalSince1970))
    }

    /// `days` business days after `start` (no pauses), by the definition in `SLATarget`:
    /// the same business-time position within the day, `days` business days later. (An SLA
    /// target turns this into an amount of business time, and its due time is the earliest
    /// instant with that much: when this answer is an opening, the due time is the closing
    /// time of the business day before, which is the same point in business time.)
    public func addBusinessDays(_ days: Int, to start: Date) -> Date {
        BusinessCalendar.date(engine.businessDaysDue(from: start.timeIntervalSince1970, days: days, endOfDay: false))
    }

    /// Closing time of the business day after the one on which `start` is handled (a start
    /// outside business hours is handled at the next opening), as defined in `SLATarget`.
    public func endOfNextBusinessDay(after start: Date) -> Date {
        BusinessCalendar.date(engine.businessDaysDue(from: start.timeIntervalSince1970, days: 1, endOfDay: true))
    }

    /// The ranges that apply on a local date after holidays and workdays.
    public func schedule(on date: CivilDate) -> [BusinessRange] {
        let day = date.dayNumber
        let k = engine.scheduleIndex(day: day, weekday: CivilDate.weekdayIndex(ofDay: day))
        if k == CalendarEngine.holidaySchedule { return [] }
        return weekly[Weekday(index: k == CalendarEngine.workdaySchedule ? 0 : k)] ?? []
    }

    /// Seconds east of UTC in the calendar's zone at `date`.
    public func utcOffset(at date: Date) -> Int {
        let t = date.timeIntervalSince1970
        guard t.isFinite, abs(t) < CalendarEngine.instantLimit else { return engine.zone.offsets[0] }
        return engine.zone.offset(at: Int(t.rounded(.down)))
    }

    /// `date` as RFC 3339 in the calendar's zone with its offset, e.g. `2026-03-30T11:30:00+01:00`
    /// (milliseconds appear only when not zero).
    public func rfc3339(_ date: Date) -> String {
        RFC3339.format(date, offset: utcOffset(at: date))
    }

    static func date(_ t: Double) -> Date {
        t.isFinite ? Date(timeIntervalSince1970: t) : .distantFuture
    }

    // MARK: - Equality (the precomputed engine is derived, so it is ignored)

    public static func == (lhs: BusinessCalendar, rhs: BusinessCalendar) -> Bool {
        lhs.name == rhs.name && lhs.timeZoneIdentifier == rhs.timeZoneIdentifier && lhs.weekly == rhs.weekly
            && lhs.holidays == rhs.holidays && lhs.workdays == rhs.workdays
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(timeZoneIdentifier)
        for day in Weekday.allCases { hasher.combine(weekly[day] ?? []) }
        hasher.combine(holidays)
        hasher.combine(workdays)
    }

    // MARK: - JSON

    /// Decodes calendar JSON; every problem, including text that is not JSON, is a `CalendarError`.
    public static func decode(json: Data) throws(CalendarError) -> BusinessCalendar {
        do {
            return try JSONDecoder().decode(BusinessCalendar.self, from: json)
        } catch let error as CalendarError {
            throw error
        } catch let DecodingError.dataCorrupted(context) {
            // JSONDecoder's message carries no position on every platform; JSONSerialization's does.
            var detail = context.debugDescription
            do {
                _ = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
            } catch {
                if let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { detail = text }
            }
            throw .invalidJSON(detail)
        } catch {
            throw .invalidJSON(String(describing: error))
        }
    }

    /// The calendar as JSON (sorted keys, so the output is stable).
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Runs a decoding step, turning a `DecodingError` into a `CalendarError` at `path`.
    private static func at<T>(_ path: String, expected: String, _ step: () throws -> T) throws -> T {
        do {
            return try step()
        } catch let error as CalendarError {
            throw error
        } catch {
            throw CalendarError.wrongType(path: path, expected: expected)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try Self.at("", expected: "a JSON object") { try decoder.container(keyedBy: Key.self) }
        func present(_ key: String) -> Bool {
            c.contains(Key(key)) && !((try? c.decodeNil(forKey: Key(key))) ?? false)
        }
        let name = present("name")
            ? try Self.at("name", expected: "a string") { try c.decode(String.self, forKey: Key("name")) } : ""
        guard present("timezone") else { throw CalendarError.missingField(path: "timezone") }
        let zone = try Self.at("timezone", expected: "a time zone name such as \"Europe/London\"") {
            try c.decode(String.self, forKey: Key("timezone"))
        }
        guard present("weekly") else { throw CalendarError.missingField(path: "weekly") }
        let w = try Self.at("weekly", expected: "an object with the keys mon, tue, wed, thu, fri, sat, sun") {
            try c.nestedContainer(keyedBy: Key.self, forKey: Key("weekly"))
        }
        if let unknown = w.allKeys.map(\.stringValue).sorted().first(where: { Weekday(rawValue: $0) == nil }) {
            throw CalendarError.unknownWeekday(path: "weekly.\(unknown)")
        }
        var weekly: [Weekday: [BusinessRange]] = [:]
        for day in Weekday.allCases where w.contains(Key(day.rawValue)) {
            let path = "weekly.\(day.rawValue)"
            var list = try Self.at(path, expected: "a list of ranges such as [[\"09:00\",\"17:30\"]]") {
                try w.nestedUnkeyedContainer(forKey: Key(day.rawValue))
            }
            var ranges: [BusinessRange] = []
            while !list.isAtEnd {
                let rangePath = "\(path)[\(ranges.count)]"
                var pair = try Self.at(rangePath, expected: "a range [\"HH:MM\",\"HH:MM\"]") {
                    try list.nestedUnkeyedContainer()
                }
                var times: [String] = []
                while !pair.isAtEnd, times.count < 3 {
                    let timePath = "\(rangePath)[\(times.count)]"
                    times.append(try Self.at(timePath, expected: "a time \"HH:MM\"") { try pair.decode(String.self) })
                }
                guard times.count == 2 else { throw CalendarError.badRange(path: rangePath) }
                guard let start = BusinessRange.minutes(times[0]) else {
                    throw CalendarError.badTime(path: "\(rangePath)[0]", value: times[0])
                }
                guard let end = BusinessRange.minutes(times[1]) else {
                    throw CalendarError.badTime(path: "\(rangePath)[1]", value: times[1])
                }
                guard let range = BusinessRange(startMinute: start, endMinute: end) else {
                    throw CalendarError.startNotBeforeEnd(path: rangePath, start: times[0], end: times[1])
                }
                ranges.append(range)
            }
            weekly[day] = ranges
        }
        func dates<T>(_ key: String, _ parse: (String) -> T?) throws -> [T] {
            guard present(key) else { return [] }
            var list = try Self.at(key, expected: "a list of dates") { try c.nestedUnkeyedContainer(forKey: Key(key)) }
            var values: [T] = []
            while !list.isAtEnd {
                let path = "\(key)[\(values.count)]"
                let text = try Self.at(path, expected: "a date string") { try list.decode(String.self) }
                guard let value = parse(text) else { throw CalendarError.badDate(path: path, value: text) }
                values.append(value)
            }
            return values
        }
        let holidays = try dates("holidays") { Holiday($0) }
        let workdays = try dates("workdays") { CivilDate($0) }
        try self.init(name: name, timeZoneIdentifier: zone, weekly: weekly, holidays: holidays, workdays: workdays)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: Key("name"))
        try c.encode(timeZoneIdentifier, forKey: Key("timezone"))
        var w = c.nestedContainer(keyedBy: Key.self, forKey: Key("weekly"))
        for day in Weekday.allCases {
            try w.encode((weekly[day] ?? []).map { [$0.start, $0.end] }, forKey: Key(day.rawValue))
        }
        try c.encode(holidays.map(\.description), forKey: Key("holidays"))
        try c.encode(workdays.map(\.description), forKey: Key("workdays"))
    }
}
