import Foundation

/// One SLA target: how long a clock may run.
///
/// Definitions (all counted from the ticket's creation, `start`):
///
/// - `businessTime(seconds:)` — that much business time on the calendar.
/// - `wallClock(seconds:)` — that much time round the clock (24×7), whatever the calendar.
/// - `businessDays(n)` — *n business days* means the same position in the business day, n
///   business days later. A business day is a local date with business hours (after holidays
///   and workdays). A start outside business hours counts as the next opening. Precisely: let
///   D be the business day of the first business instant s′ at or after `start`, and k the
///   business time of D before s′; the target is reached when k of the n-th business day after
///   D has passed (at its closing time if that day is shorter than k). So with 09:00–17:30:
///   Monday 10:00 + 3 business days = Thursday 10:00; Saturday 11:00 + 3 = Wednesday 17:30
///   (= Thursday 09:00 in business time; due times are always the earliest instant, so a
///   target met exactly at closing is due at closing). It is converted into an amount of
///   business time once, from `start`; pauses then extend it like any business-time target.
/// - `endOfNextBusinessDay` — closing time of the first business day after D (a request on
///   Friday 16:00 is due Monday 17:30; on Saturday, Tuesday 17:30 — it is handled Monday).
public enum SLATarget: Sendable, Hashable, Codable, CustomStringConvertible {
    case businessTime(seconds: Int)
    case wallClock(seconds: Int)
    case businessDays(Int)
    case endOfNextBusinessDay

    public static func businessHours(_ hours: Int) -> SLATarget { .businessTime(seconds: hours * 3600) }
    public static func wallClockHours(_ hours: Int) -> SLATarget { .wallClock(seconds: hours * 3600) }

    /// Whether the clock counts business hours (false for 24×7 targets).
    public var isBusinessTime: Bool {
        if case .wallClock = self { return false }
        return true
    }

    /// The calendar a clock with this target runs on.
    public func clockCalendar(_ calendar: BusinessCalendar) -> BusinessCalendar {
        isBusinessTime ? calendar : .twentyFourSeven
    }

    /// The target as an amount of time on `clockCalendar(calendar)`, for a clock started at `start`.
    public func seconds(from start: Date, calendar: BusinessCalendar) -> Int {
        switch self {
        case .businessTime(let seconds), .wallClock(let seconds):
            return max(0, seconds)
        case .businessDays(let days):
            guard days > 0 else { return 0 }
            return calendar.businessSeconds(from: start, to: calendar.addBusinessDays(days, to: start))
        case .endOfNextBusinessDay:
            return calendar.businessSeconds(from: start, to: calendar.endOfNextBusinessDay(after: start))
        }
    }

    /// When a clock started at `start` with this target is due, skipping `pauses`.
    public func dueDate(from start: Date, calendar: BusinessCalendar, pauses: [DateInterval] = []) -> Date {
        clockCalendar(calendar).addBusinessTime(seconds(from: start, calendar: calendar), to: start, pauses: pauses)
    }

    public var description: String {
        switch self {
        case .businessTime(let seconds): "\(SLATarget.duration(seconds)) business time"
        case .wallClock(let seconds): "\(SLATarget.duration(seconds)) 24×7"
        case .businessDays(let days): "\(days) business day\(days == 1 ? "" : "s")"
        case .endOfNextBusinessDay: "end of next business day"
        }
    }

    static func duration(_ seconds: Int) -> String {
        if seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        if seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }

    // JSON: {"kind":"businessTime","seconds":7200} · {"kind":"wallClock","seconds":14400}
    //       {"kind":"businessDays","days":3} · {"kind":"endOfNextBusinessDay"}
    private enum Key: String, CodingKey { case kind, seconds, days }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let kind = try c.decode(String.self, forKey: .kind)
        func positive(_ key: Key) throws -> Int {
            let value = try c.decode(Int.self, forKey: key)
            guard value > 0 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "must be greater than 0")
            }
            return value
        }
        switch kind {
        case "businessTime": self = .businessTime(seconds: try positive(.seconds))
        case "wallClock": self = .wallClock(seconds: try positive(.seconds))
        case "businessDays": self = .businessDays(try positive(.days))
        case "endOfNextBusinessDay": self = .endOfNextBusinessDay
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription: "unknown target kind \"\(kind)\" (businessTime, wallClock, businessDays, endOfNextBusinessDay)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .businessTime(let seconds):
            try c.encode("businessTime", forKey: .kind)
            try c.encode(seconds, forKey: .seconds)
        case .wallClock(let seconds):
            try c.encode("wallClock", forKey: .kind)
            try c.encode(seconds, forKey: .seconds)
        case .businessDays(let days):
            try c.encode("businessDays", forKey: .kind)
            try c.encode(days, forKey: .days)
        case .endOfNextBusinessDay:
            try c.encode("endOfNextBusinessDay", forKey: .kind)
        }
    }
}

/// The two targets of one priority.
public struct SLATargets: Sendable, Hashable, Codable {
    public var firstResponse: SLATarget
    public var resolution: SLATarget

    public init(firstResponse: SLATarget, resolution: SLATarget) {
        self.firstResponse = firstResponse
        self.resolution = resolution
    }
}

/// An SLA policy: targets per priority, which statuses pause the resolution clock, and when
/// to warn. The first-response clock never pauses.
public struct SLAPolicy: Sendable, Hashable, Codable {
    public var name: String
    public var critical: SLATargets
    public var high: SLATargets
    public var medium: SLATargets
    public var low: SLATargets
    /// Statuses in which the resolution clock stops (resolved and closed always stop it).
    public var pausingStatuses: Set<TicketStatus>
    /// Warn when this fraction of the target has elapsed; outside 0 < f < 1 there is no warning.
    public var warningFraction: Double

    public init(
        name: String, critical: SLATargets, high: SLATargets, medium: SLATargets, low: SLATargets,
        pausingStatuses: Set<TicketStatus> = TicketStatus.defaultPausing, warningFraction: Double = 0.75
    ) {
        self.name = name
        self.critical = critical
        self.high = high
        self.medium = medium
        self.low = low
        self.pausingStatuses = pausingStatuses
        self.warningFraction = warningFraction
    }

    /// The defaults for a 50–200 person client: critical 1 h / 4 h round the clock; high 2 h /
    /// 8 h, medium 4 h / 3 business days, low end of next business day / 10 business days.
    public static let standard = SLAPolicy(
        name: "Standard",
        critical: SLATargets(firstResponse: .wallClockHours(1), resolution: .wallClockHours(4)),
        high: SLATargets(firstResponse: .businessHours(2), resolution: .businessHours(8)),
        medium: SLATargets(firstResponse: .businessHours(4), resolution: .businessDays(3)),
        low: SLATargets(firstResponse: .endOfNextBusinessDay, resolution: .businessDays(10)))

    public func targets(for priority: Priority) -> SLATargets {
        switch priority {
        case .critical: critical
        case .high: high
        case .medium: medium
        case .low: low
        }
    }

    private enum Key: String, CodingKey { case name, critical, high, medium, low, pausingStatuses, warningFraction }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let fraction = try c.decodeIfPresent(Double.self, forKey: .warningFraction) ?? 0.75
        guard fraction > 0, fraction < 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .warningFraction, in: c, debugDescription: "must be between 0 and 1 (exclusive)")
        }
        let pausing = try c.decodeIfPresent([TicketStatus].self, forKey: .pausingStatuses)
        if let done = pausing?.first(where: \.isDone) {
            throw DecodingError.dataCorruptedError(
                forKey: .pausingStatuses, in: c, debugDescription: "\(done.rawValue) already stops the clock")
        }
        self.init(
            name: try c.decode(String.self, forKey: .name),
            critical: try c.decode(SLATargets.self, forKey: .critical),
            high: try c.decode(SLATargets.self, forKey: .high),
            medium: try c.decode(SLATargets.self, forKey: .medium),
            low: try c.decode(SLATargets.self, forKey: .low),
            pausingStatuses: pausing.map(Set.init) ?? TicketStatus.defaultPausing,
            warningFraction: fraction)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: .name)
        try c.encode(critical, forKey: .critical)
        try c.encode(high, forKey: .high)
        try c.encode(medium, forKey: .medium)
        try c.encode(low, forKey: .low)
        try c.encode(TicketStatus.allCases.filter(pausingStatuses.contains), forKey: .pausingStatuses)
        try c.encode(warningFraction, forKey: .warningFraction)
    }
}
