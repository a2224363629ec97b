import Foundation

/// When checks run.
///
/// Each check runs on a fixed grid: the instants `k × interval + offset` (k an integer,
/// counted from 1970-01-01T00:00:00Z), where `offset` ∈ [0, interval) comes from a stable
/// hash (FNV-1a, 64-bit) of the check's id. So checks with the same interval are spread evenly
/// over it instead of all starting together (no thundering herd), a check keeps its slot
/// across restarts and across nodes, and all arithmetic is in whole milliseconds (exact).
///
/// Catch-up: a check whose previous due time is several intervals in the past (the server was
/// down) runs once, at the latest missed slot, then continues on its grid; missed runs are
/// never replayed.
public enum MonitorSchedule {
    /// The check's place within its interval, in seconds (a multiple of 1 ms in [0, interval)).
    public static func offset(checkID: UUID, interval: TimeInterval) -> TimeInterval {
        let period = periodMillis(interval)
        return Double(Int64(truncatingIfNeeded: stableHash(checkID) % UInt64(period))) / 1000
    }

    /// The first slot at or after `now`.
    public static func firstDue(checkID: UUID, interval: TimeInterval, now: Date) -> Date {
        let period = periodMillis(interval)
        let phase = Int64(truncatingIfNeeded: stableHash(checkID) % UInt64(period))
        let t = millis(now)
        // Smallest k × period + phase ≥ t.
        let k = ceilDiv(t - phase, period)
        return date(k * period + phase)
    }

    /// The slot to run after the one due at `due`: normally `due + interval`; when that is
    /// more than one interval in the past at `now` (missed runs), the latest slot ≤ `now`,
    /// so the check runs once, immediately, and stays on its grid.
    public static func nextDue(after due: Date, interval: TimeInterval, now: Date) -> Date {
        let period = periodMillis(interval)
        let last = millis(due)
        let next = last + period
        let current = millis(now)
        guard current - next >= period else { return date(next) }
        let missed = (current - next) / period
        return date(next + missed * period)
    }

    /// How many slots were skipped by `nextDue(after:interval:now:)` (0 in normal running).
    public static func missedRuns(after due: Date, interval: TimeInterval, now: Date) -> Int {
        let period = periodMillis(interval)
        let gap = millis(now) - millis(due) - period
        return gap >= period ? Int(gap / period) : 0
    }

    /// FNV-1a over the 16 bytes of the id, finished with a SplitMix64 mix so that ids that
    /// differ in one byte land far apart.
    static func stableHash(_ id: UUID) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        withUnsafeBytes(of: id.uuid) { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        hash ^= hash >> 30
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        hash ^= hash >> 27
        hash = hash &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }

    @inline(__always)
    private static func periodMillis(_ interval: TimeInterval) -> Int64 {
        guard interval.isFinite else { return 1000 }
        return max(1, Int64((min(max(interval, 0), 1e9) * 1000).rounded()))
    }

    @inline(__always)
    private static func millis(_ date: Date) -> Int64 {
        let t = date.timeIntervalSince1970
        guard t.isFinite else { return 0 }
        return Int64((max(-1e12, min(1e12, t)) * 1000).rounded(.down))
    }

    @inline(__always)
    private static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    @inline(__always)
    private static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a > 0) == (b > 0)) ? q + 1 : q
    }
}
