import Foundation

/// One stored probe outcome, compact: when, up or down, and the latency if measured.
public struct MonitorSample: Sendable, Hashable, Codable {
    public var at: Date
    public var isUp: Bool
    public var latencyMilliseconds: Double?

    public init(at: Date, isUp: Bool, latencyMilliseconds: Double? = nil) {
        self.at = at
        self.isUp = isUp
        self.latencyMilliseconds = latencyMilliseconds
    }

    public init(_ result: MonitorResult) {
        self.init(at: result.at, isUp: result.isUp, latencyMilliseconds: result.latencyMilliseconds)
    }
}

/// The results of one check over a bucket of time [start, end): counts and latency figures.
public struct MonitorRollup: Sendable, Hashable, Codable {
    public var start: Date
    public var end: Date
    public var upCount: Int
    public var downCount: Int
    /// How many results carried a latency, their sum, smallest and largest.
    public var latencyCount: Int
    public var latencySum: Double
    public var latencyMin: Double?
    public var latencyMax: Double?

    public init(
        start: Date, end: Date, upCount: Int = 0, downCount: Int = 0, latencyCount: Int = 0, latencySum: Double = 0,
        latencyMin: Double? = nil, latencyMax: Double? = nil
    ) {
        self.start = start
        self.end = end
        self.upCount = upCount
        self.downCount = downCount
        self.latencyCount = latencyCount
        self.latencySum = latencySum
        self.latencyMin = latencyMin
        self.latencyMax = latencyMax
    }

    public var meanLatency: Double? { latencyCount > 0 ? latencySum / Double(latencyCount) : nil }
    public var total: Int { upCount + downCount }

    public mutating func add(_ sample: MonitorSample) {
        if sample.isUp { upCount += 1 } else { downCount += 1 }
        if let latency = sample.latencyMilliseconds, latency.isFinite {
            latencyCount += 1
            latencySum += latency
            latencyMin = Swift.min(latencyMin ?? latency, latency)
            latencyMax = Swift.max(latencyMax ?? latency, latency)
        }
    }

    /// Adds another roll-up's figures and widens the bucket to cover both.
    public mutating func merge(_ other: MonitorRollup) {
        start = Swift.min(start, other.start)
        end = Swift.max(end, other.end)
        upCount += other.upCount
        downCount += other.downCount
        latencyCount += other.latencyCount
        latencySum += other.latencySum
        if let low = other.latencyMin { latencyMin = Swift.min(latencyMin ?? low, low) }
        if let high = other.latencyMax { latencyMax = Swift.max(latencyMax ?? high, high) }
    }

    /// Hourly roll-ups gathered into local days of `timeZone` (each hour goes to the day its
    /// start falls on; exact for zones whose offsets are whole hours).
    public static func daily(fromHourly hourly: [MonitorRollup], timeZone: String) -> [MonitorRollup] {
        let zone = MonitorZone(identifier: timeZone) ?? .utc
        var days: [Int: MonitorRollup] = [:]
        for rollup in hourly {
            let day = zone.day(of: monitorSeconds(rollup.start))
            var bucket = days[day] ?? MonitorRollup(
                start: monitorDate(zone.startOfDay(day)), end: monitorDate(zone.startOfDay(day + 1)))
            bucket.merge(rollup)
            bucket.start = monitorDate(zone.startOfDay(day))
            bucket.end = monitorDate(zone.startOfDay(day + 1))
            days[day] = bucket
        }
        return days.keys.sorted().compactMap { days[$0] }
    }
}

/// The bucket size of a roll-up builder.
public enum MonitorRollupPeriod: Sendable, Hashable {
    /// Clock hours (UTC; the same hours in every zone with whole-hour offsets).
    case hour
    /// Local days of an IANA zone (23 or 25 hours on daylight-saving days).
    case day(timeZone: String)
}

/// Gathers results into hourly or daily roll-ups, O(1) per result. Results inside `excluding`
/// (maintenance) are counted in `excludedCount` only, so roll-ups built this way leave
/// maintenance out exactly.
public struct MonitorRollupBuilder: Sendable {
    public let period: MonitorRollupPeriod
    private let zone: MonitorZone
    private let excluded: MonitorSpans
    private var buckets: [Int: MonitorRollup] = [:]
    public private(set) var excludedCount = 0

    public init(period: MonitorRollupPeriod, excluding: [DateInterval] = []) {
        self.period = period
        switch period {
        case .hour: zone = .utc
        case .day(let identifier): zone = MonitorZone(identifier: identifier) ?? .utc
        }
        excluded = MonitorSpans(excluding)
    }

    public mutating func add(_ sample: MonitorSample) {
        let t = sample.at.timeIntervalSince1970
        guard t.isFinite else { return }
        if !excluded.isEmpty, excluded.contains(t) {
            excludedCount += 1
            return
        }
        let seconds = monitorSeconds(sample.at)
        let key: Int
        switch period {
        case .hour: key = floorDiv(seconds, 3600)
        case .day: key = zone.day(of: seconds)
        }
        if buckets[key] == nil {
            let (start, end) = bounds(of: key)
            buckets[key] = MonitorRollup(start: monitorDate(start), end: monitorDate(end))
        }
        buckets[key]?.add(sample)
    }

    public mutating func add<S: Sequence>(contentsOf samples: S) where S.Element == MonitorSample {
        for sample in samples { add(sample) }
    }

    /// The roll-ups so far, in time order.
    public var rollups: [MonitorRollup] {
        buckets.keys.sorted().compactMap { buckets[$0] }
    }

    private func bounds(of key: Int) -> (Int, Int) {
        switch period {
        case .hour: (key * 3600, key * 3600 + 3600)
        case .day: (zone.startOfDay(key), zone.startOfDay(key + 1))
        }
    }
}
