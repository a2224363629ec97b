import Foundation

/// Availability over a window: the share of results that were up, leaving out maintenance.
///
/// Arithmetic: results are counted (checks run at a fixed interval, so counts stand for
/// time). A raw result counts when its time t lies in the window (start ≤ t < end) and in no
/// excluded interval. A roll-up counts in proportion to the part of its bucket that lies in
/// the window and outside the excluded intervals (a bucket half inside counts half its up and
/// down results), which is exact for buckets wholly inside or outside, and assumes results
/// spread evenly over a bucket otherwise; build roll-ups with `MonitorRollupBuilder(excluding:)`
/// to leave known maintenance out exactly.
public struct MonitorAvailability: Sendable, Hashable, Codable {
    /// Up and down results counted (fractional when roll-ups were prorated).
    public var up: Double
    public var down: Double
    /// 0…100, or nil when there is no data.
    public var percent: Double?

    public init(up: Double, down: Double) {
        self.up = up
        self.down = down
        percent = up + down > 0 ? 100 * up / (up + down) : nil
    }

    public static let noData = MonitorAvailability(up: 0, down: 0)

    public var band: MonitorAvailabilityBand { MonitorAvailabilityBand(percent: percent) }

    /// From raw results.
    public static func of(
        samples: [MonitorSample], in window: DateInterval, excluding: [DateInterval] = []
    ) -> MonitorAvailability {
        let spans = MonitorSpans(excluding)
        let low = window.start.timeIntervalSince1970
        let high = window.end.timeIntervalSince1970
        var up = 0.0
        var down = 0.0
        for sample in samples {
            let t = sample.at.timeIntervalSince1970
            guard t >= low, t < high, spans.isEmpty || !spans.contains(t) else { continue }
            if sample.isUp { up += 1 } else { down += 1 }
        }
        return MonitorAvailability(up: up, down: down)
    }

    /// From roll-ups (any bucket size, any order).
    public static func of(
        rollups: [MonitorRollup], in window: DateInterval, excluding: [DateInterval] = []
    ) -> MonitorAvailability {
        of(rollups: rollups[...], in: window, spans: MonitorSpans(excluding))
    }

    static func of(rollups: ArraySlice<MonitorRollup>, in window: DateInterval, spans: MonitorSpans) -> MonitorAvailability {
        let low = window.start.timeIntervalSince1970
        let high = window.end.timeIntervalSince1970
        var up = 0.0
        var down = 0.0
        for rollup in rollups where rollup.total > 0 {
            let start = rollup.start.timeIntervalSince1970
            let end = rollup.end.timeIntervalSince1970
            let a = max(start, low)
            let b = min(end, high)
            guard b > a, end > start else { continue }
            let inside = (b - a) - spans.covered(from: a, to: b)
            guard inside > 0 else { continue }
            let share = inside / (end - start)
            up += Double(rollup.upCount) * share
            down += Double(rollup.downCount) * share
        }
        return MonitorAvailability(up: up, down: down)
    }

    /// One check's availability from its roll-ups, leaving out the maintenance windows that cover it.
    public static func of(
        check: MonitorCheckRef, rollups: [MonitorRollup], in window: DateInterval, windows: [MaintenanceWindow]
    ) -> MonitorAvailability {
        let excluded = MaintenanceWindow.intervals(for: check, in: window, windows: windows)
        return of(rollups: rollups, in: window, excluding: excluded)
    }

    /// An organisation's availability: the mean of its checks' percentages, each check with
    /// data weighing the same (a check run every 20 s does not outweigh one run every 5 min).
    /// `up` and `down` are the sums.
    public static func organization(_ checks: [MonitorAvailability]) -> MonitorAvailability {
        var result = MonitorAvailability.noData
        var sum = 0.0
        var count = 0
        for check in checks {
            result.up += check.up
            result.down += check.down
            if let percent = check.percent {
                sum += percent
                count += 1
            }
        }
        result.percent = count > 0 ? sum / Double(count) : nil
        return result
    }
}

/// The colour class of an availability figure: ≥ 99.9 %, ≥ 99 %, below, or no data.
public enum MonitorAvailabilityBand: String, Sendable, Hashable, Codable, CaseIterable {
    case excellent, good, poor, noData

    public init(percent: Double?) {
        guard let percent else {
            self = .noData
            return
        }
        // A hair of tolerance so 999 of 1,000 (99.9 % in decimal) is not lost to binary rounding.
        if percent >= 99.9 - 1e-9 {
            self = .excellent
        } else if percent >= 99 - 1e-9 {
            self = .good
        } else {
            self = .poor
        }
    }
}

/// One day of the availability strip.
public struct MonitorDayBar: Sendable, Hashable, Codable {
    public var date: CivilDate
    public var availability: MonitorAvailability

    public init(date: CivilDate, availability: MonitorAvailability) {
        self.date = date
        self.availability = availability
    }

    public var percent: Double? { availability.percent }
    public var band: MonitorAvailabilityBand { availability.band }
}

/// The day-by-day availability strip (90 days on status pages).
public enum MonitorDailyStrip {
    /// `count` local days of `timeZone` ending with `lastDay`, oldest first, from one check's
    /// roll-ups (non-overlapping, any order, any bucket size: hourly ones place day edges
    /// exactly), leaving out `excluding`. O(days × log roll-ups + roll-ups).
    public static func days(
        rollups: [MonitorRollup], lastDay: CivilDate, count: Int = 90, timeZone: String, excluding: [DateInterval] = []
    ) -> [MonitorDayBar] {
        let zone = MonitorZone(identifier: timeZone) ?? .utc
        let sorted = rollups.sorted { $0.start < $1.start }
        let spans = MonitorSpans(excluding)
        let ends = sorted.map(\.end)
        let last = lastDay.dayNumber
        var bars: [MonitorDayBar] = []
        bars.reserveCapacity(max(0, count))
        var day = last - max(0, count) + 1
        while day <= last {
            let start = monitorDate(zone.startOfDay(day))
            let end = monitorDate(zone.startOfDay(day + 1))
            // Buckets may overlap days; start from the first whose end is after the day's start.
            var i = lowerBound(ends, start)
            var j = i
            while j < sorted.count, sorted[j].start < end { j += 1 }
            if i > j { i = j }
            let availability = MonitorAvailability.of(
                rollups: sorted[i..<j], in: DateInterval(start: start, end: end), spans: spans)
            bars.append(MonitorDayBar(date: CivilDate(dayNumber: day), availability: availability))
            day += 1
        }
        return bars
    }

    private static func lowerBound(_ ends: [Date], _ t: Date) -> Int {
        var lo = 0
        var hi = ends.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ends[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
