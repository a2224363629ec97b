import Foundation

/// A local time of day, `"HH:MM"` in JSON.
public struct MaintenanceTimeOfDay: Sendable, Hashable, Codable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses exactly `HH:MM`.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 5, b[2] == UInt8(ascii: ":"), let h = CivilDate.digits(b, 0, 2), let m = CivilDate.digits(b, 3, 2)
        else { return nil }
        self.init(hour: h, minute: m)
    }

    var minuteOfDay: Int { hour * 60 + minute }

    public var description: String { CivilDate.pad(hour, 2) + ":" + CivilDate.pad(minute, 2) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = MaintenanceTimeOfDay(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected HH:MM")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// When a maintenance window is open.
///
/// Recurring windows start at a local time in an IANA zone and last `durationSeconds` of real
/// time. A start time the clocks skip (spring forward) moves to the first instant after the
/// gap; a start time that occurs twice (fall back) uses the first occurrence, as cron does for
/// fixed-time jobs. A monthly day past the month's end (29–31) falls on its last day.
public enum MaintenanceRecurrence: Sendable, Hashable, Codable {
    case once(start: Date, end: Date)
    /// On each of `weekdays` (sorted, no repeats) at `at` local time.
    case weekly(weekdays: [Weekday], at: MaintenanceTimeOfDay, durationSeconds: Int, timeZone: String)
    /// On `dayOfMonth` (1–31) of every month at `at` local time.
    case monthly(dayOfMonth: Int, at: MaintenanceTimeOfDay, durationSeconds: Int, timeZone: String)
}

/// What a window covers: a check is covered when its id, its organisation, its site or its
/// asset is listed.
public struct MaintenanceTargets: Sendable, Hashable, Codable {
    public var organizationIDs: Set<UUID>
    public var siteIDs: Set<UUID>
    public var assetIDs: Set<UUID>
    public var checkIDs: Set<UUID>

    public init(
        organizationIDs: Set<UUID> = [], siteIDs: Set<UUID> = [], assetIDs: Set<UUID> = [], checkIDs: Set<UUID> = []
    ) {
        self.organizationIDs = organizationIDs
        self.siteIDs = siteIDs
        self.assetIDs = assetIDs
        self.checkIDs = checkIDs
    }

    public var isEmpty: Bool {
        organizationIDs.isEmpty && siteIDs.isEmpty && assetIDs.isEmpty && checkIDs.isEmpty
    }
}

/// A check and what it belongs to, for maintenance and availability.
public struct MonitorCheckRef: Sendable, Hashable, Codable {
    public var checkID: UUID
    public var organizationID: UUID
    public var siteID: UUID?
    public var assetID: UUID?

    public init(checkID: UUID, organizationID: UUID, siteID: UUID? = nil, assetID: UUID? = nil) {
        self.checkID = checkID
        self.organizationID = organizationID
        self.siteID = siteID
        self.assetID = assetID
    }
}

/// Why a maintenance window was refused; the case names the field.
public enum MaintenanceError: String, Error, Sendable, Hashable {
    case end, weekdays, dayOfMonth, durationSeconds, timeZone, targets
}

/// A planned maintenance window: no alerts for what it covers while it is open, and its time
/// is left out of availability.
public struct MaintenanceWindow: Sendable, Hashable, Codable, Identifiable {
    public var id: UUID
    public var recurrence: MaintenanceRecurrence
    public var targets: MaintenanceTargets

    /// How long before an occurrence its advance notice goes out (48 h).
    public static let advanceNotice: TimeInterval = 48 * 3600
    /// Longest occurrence of a recurring window (31 days).
    public static let maximumDurationSeconds = 31 * 86400
    /// `occurrences(in:)` lists at most this many days of an interval (about ten years).
    public static let maximumListedDays = 3660

    public init(id: UUID, recurrence: MaintenanceRecurrence, targets: MaintenanceTargets) {
        self.id = id
        self.recurrence = recurrence
        self.targets = targets
    }

    /// The window with its weekdays sorted and de-duplicated, when every field is acceptable.
    public func validated() throws(MaintenanceError) -> MaintenanceWindow {
        guard !targets.isEmpty else { throw .targets }
        var copy = self
        switch recurrence {
        case .once(let start, let end):
            guard end > start else { throw .end }
        case .weekly(let days, let at, let duration, let zone):
            guard !days.isEmpty else { throw .weekdays }
            try Self.check(duration: duration, zone: zone)
            let sorted = Set(days).sorted { $0.index < $1.index }
            copy.recurrence = .weekly(weekdays: sorted, at: at, durationSeconds: duration, timeZone: zone)
        case .monthly(let day, _, let duration, let zone):
            guard (1...31).contains(day) else { throw .dayOfMonth }
            try Self.check(duration: duration, zone: zone)
        }
        return copy
    }

    private static func check(duration: Int, zone: String) throws(MaintenanceError) {
        guard (60...maximumDurationSeconds).contains(duration) else { throw .durationSeconds }
        guard MonitorZone(identifier: zone) != nil else { throw .timeZone }
    }

    /// Whether the window covers a check.
    public func applies(to check: MonitorCheckRef) -> Bool {
        if targets.checkIDs.contains(check.checkID) || targets.organizationIDs.contains(check.organizationID) {
            return true
        }
        if let site = check.siteID, targets.siteIDs.contains(site) { return true }
        if let asset = check.assetID, targets.assetIDs.contains(asset) { return true }
        return false
    }

    /// Whether the window is open at `date` (occurrences are half-open: start ≤ date < end).
    public func contains(_ date: Date) -> Bool {
        occurrence(containing: date) != nil
    }

    /// The occurrence open at `date`, if any.
    public func occurrence(containing date: Date) -> DateInterval? {
        if case .once(let start, let end) = recurrence {
            return start <= date && date < end ? DateInterval(start: start, end: end) : nil
        }
        let t = monitorSeconds(date)
        var found: DateInterval?
        forEachOccurrence(from: t - durationSeconds, to: t + 1) { start, end in
            if start <= t, t < end {
                found = DateInterval(start: monitorDate(start), end: monitorDate(end))
                return false
            }
            return true
        }
        return found
    }

    /// The occurrences that overlap `interval`, in order (at most `maximumListedDays` of it are
    /// looked at, so an unbounded interval cannot make an unbounded list).
    public func occurrences(in interval: DateInterval) -> [DateInterval] {
        if case .once(let start, let end) = recurrence {
            return start < interval.end && end > interval.start ? [DateInterval(start: start, end: end)] : []
        }
        var list: [DateInterval] = []
        let from = monitorSeconds(interval.start)
        let to = min(monitorSeconds(interval.end) + 1, from + Self.maximumListedDays * 86400)
        forEachOccurrence(from: from - durationSeconds, to: to) { start, end in
            let occurrence = DateInterval(start: monitorDate(start), end: monitorDate(end))
            if occurrence.start < interval.end, occurrence.end > interval.start { list.append(occurrence) }
            return true
        }
        return list
    }

    /// The first occurrence that starts strictly after `date`.
    public func nextOccurrence(after date: Date) -> DateInterval? {
        if case .once(let start, let end) = recurrence {
            return start > date ? DateInterval(start: start, end: end) : nil
        }
        let t = monitorSeconds(date)
        var found: DateInterval?
        // Every month has an occurrence, so 62 days always reach the next one.
        forEachOccurrence(from: t, to: t + 62 * 86400) { start, end in
            if monitorDate(start) > date {
                found = DateInterval(start: monitorDate(start), end: monitorDate(end))
                return false
            }
            return true
        }
        return found
    }

    /// The next occurrence when it starts within `advanceNotice` after `now` (the 48 h notice is due).
    public func upcomingNotice(now: Date) -> DateInterval? {
        guard let next = nextOccurrence(after: now), next.start.timeIntervalSince(now) <= Self.advanceNotice else {
            return nil
        }
        return next
    }

    private var durationSeconds: Int {
        switch recurrence {
        case .once(let start, let end): Int(end.timeIntervalSince(start).rounded(.up))
        case .weekly(_, _, let duration, _), .monthly(_, _, let duration, _): max(0, duration)
        }
    }

    /// Calls `body(start, end)` for the recurring occurrences on the local days from the day of
    /// `from` (minus one, for zone offsets) to the day of `to`, in order, while it returns true.
    private func forEachOccurrence(from: Int, to: Int, _ body: (Int, Int) -> Bool) {
        let zone: MonitorZone
        let at: MaintenanceTimeOfDay
        let duration: Int
        switch recurrence {
        case .once: return
        case .weekly(_, let time, let length, let identifier), .monthly(_, let time, let length, let identifier):
            guard let known = MonitorZone(identifier: identifier) else { return }
            zone = known
            at = time
            duration = max(0, length)
        }
        let firstDay = zone.day(of: from) - 1
        let lastDay = zone.day(of: to)
        guard firstDay <= lastDay else { return }
        for day in firstDay...lastDay where occurs(onDay: day) {
            let start = zone.resolve(local: day * 86400 + at.minuteOfDay * 60).instant
            if !body(start, start + duration) { return }
        }
    }

    private func occurs(onDay day: Int) -> Bool {
        switch recurrence {
        case .once: return false
        case .weekly(let weekdays, _, _, _):
            let weekday = Weekday(index: CivilDate.weekdayIndex(ofDay: day))
            return weekdays.contains(weekday)
        case .monthly(let dayOfMonth, _, _, _):
            let (y, m, d) = CivilDate.civil(fromDays: day)
            return d == min(dayOfMonth, CivilDate.daysInMonth(m, year: y))
        }
    }
}
