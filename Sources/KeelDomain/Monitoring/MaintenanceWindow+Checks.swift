import Foundation

extension MaintenanceWindow {
    /// Whether `check` is in maintenance at `now` under any of `windows`.
    public static func isInMaintenance(_ check: MonitorCheckRef, at now: Date, windows: [MaintenanceWindow]) -> Bool {
        windows.contains { $0.applies(to: check) && $0.contains(now) }
    }

    /// The maintenance time of `check` within `interval`, clipped to it, sorted and merged.
    public static func intervals(
        for check: MonitorCheckRef, in interval: DateInterval, windows: [MaintenanceWindow]
    ) -> [DateInterval] {
        var all: [DateInterval] = []
        for window in windows where window.applies(to: check) {
            all.append(contentsOf: window.occurrences(in: interval))
        }
        return MonitorSpans(all).clipped(to: interval).intervals
    }

    /// The earliest upcoming occurrence, among `windows` covering `check`, whose 48 h notice is
    /// due at `now`, with its window.
    public static func upcomingNotice(
        for check: MonitorCheckRef, now: Date, windows: [MaintenanceWindow]
    ) -> (window: MaintenanceWindow, occurrence: DateInterval)? {
        var best: (window: MaintenanceWindow, occurrence: DateInterval)?
        for window in windows where window.applies(to: check) {
            if let next = window.upcomingNotice(now: now), best.map({ next.start < $0.occurrence.start }) ?? true {
                best = (window, next)
            }
        }
        return best
    }
}

/// Sorted, disjoint, half-open time spans in seconds since 1970, for excluding maintenance.
struct MonitorSpans: Sendable, Equatable {
    private(set) var starts: [Double] = []
    private(set) var ends: [Double] = []

    init(_ intervals: [DateInterval]) {
        let sorted = intervals.filter { $0.duration > 0 }.sorted { $0.start < $1.start }
        starts.reserveCapacity(sorted.count)
        ends.reserveCapacity(sorted.count)
        for interval in sorted {
            let start = interval.start.timeIntervalSince1970
            let end = interval.end.timeIntervalSince1970
            if let last = ends.last, start <= last {
                ends[ends.count - 1] = max(last, end)
            } else {
                starts.append(start)
                ends.append(end)
            }
        }
    }

    var isEmpty: Bool { starts.isEmpty }

    var intervals: [DateInterval] {
        zip(starts, ends).map { DateInterval(start: Date(timeIntervalSince1970: $0), end: Date(timeIntervalSince1970: $1)) }
    }

    func clipped(to interval: DateInterval) -> MonitorSpans {
        let low = interval.start.timeIntervalSince1970
        let high = interval.end.timeIntervalSince1970
        var copy = MonitorSpans([])
        for (start, end) in zip(starts, ends) where end > low && start < high {
            copy.starts.append(max(start, low))
            copy.ends.append(min(end, high))
        }
        return copy
    }

    /// The index of the first span that ends after `t`.
    private func firstEnding(after t: Double) -> Int {
        var lo = 0
        var hi = ends.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ends[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Whether `t` lies in a span (start ≤ t < end). O(log n).
    func contains(_ t: Double) -> Bool {
        let i = firstEnding(after: t)
        return i < starts.count && starts[i] <= t
    }

    /// Seconds of [a, b) covered by the spans. O(log n + spans inside).
    func covered(from a: Double, to b: Double) -> Double {
        guard b > a else { return 0 }
        var total = 0.0
        var i = firstEnding(after: a)
        while i < starts.count, starts[i] < b {
            total += min(ends[i], b) - max(starts[i], a)
            i += 1
        }
        return total
    }
}
