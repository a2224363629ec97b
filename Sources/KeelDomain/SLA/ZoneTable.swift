import Foundation

/// The UTC offsets of one IANA time zone as a sorted table of transitions, so the SLA engine
/// never asks Foundation for an offset on its hot path.
///
/// The table is built once per zone identifier per process (about a millisecond for a zone
/// with daylight saving time) from `TimeZone.nextDaylightSavingTimeTransition(after:)`, which
/// reports every offset change the tz database knows (daylight saving time and changes of
/// standard offset alike), over the window 1900-01-01 … 2200-01-01. Outside that window
/// the nearest known offset applies. Tables are immutable and shared between calendars.
final class ZoneTable: Sendable {
    let identifier: String
    /// Transition instants, seconds since 1970 (UTC), ascending.
    let bounds: [Int]
    /// `offsets[i]` is the offset (seconds east of UTC) in force before `bounds[i]` and, for
    /// `i > 0`, from `bounds[i - 1]`; so `offsets.count == bounds.count + 1`.
    let offsets: [Int]

    static let windowStart = -2_208_988_800 // 1900-01-01T00:00:00Z
    static let windowEnd = 7_258_118_400 // 2200-01-01T00:00:00Z

    init(identifier: String, bounds: [Int], offsets: [Int]) {
        self.identifier = identifier
        self.bounds = bounds
        self.offsets = offsets
    }

    /// A fixed-offset table (UTC for the 24×7 calendar).
    static let utc = ZoneTable(identifier: "UTC", bounds: [], offsets: [0])

    /// The shared table for a zone identifier Foundation knows, or nil.
    static func named(_ identifier: String) -> ZoneTable? {
        cache.table(for: identifier)
    }

    private static let cache = ZoneTableCache()

    fileprivate static func build(_ identifier: String) -> ZoneTable? {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
        var bounds: [Int] = []
        var offsets: [Int] = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(windowStart)))]
        var cursor = Date(timeIntervalSince1970: Double(windowStart))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next > cursor {
            let instant = Int(next.timeIntervalSince1970.rounded())
            guard instant < windowEnd else { break }
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
            if offset != offsets[offsets.count - 1] {
                bounds.append(instant)
                offsets.append(offset)
            }
            cursor = next
        }
        return ZoneTable(identifier: identifier, bounds: bounds, offsets: offsets)
    }

    /// The number of transitions at or before `t`: the index into `offsets` for instant `t`.
    @inline(__always)
    func pieceIndex(containing t: Int) -> Int {
        var lo = 0
        var hi = bounds.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if bounds[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Seconds east of UTC at instant `t` (seconds since 1970).
    func offset(at t: Int) -> Int {
        offsets[pieceIndex(containing: t)]
    }
}

/// Process-wide cache of zone tables. `@unchecked Sendable` because the dictionary is only
/// touched while `lock` is held; the tables it hands out are immutable.
private final class ZoneTableCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: [String: ZoneTable] = [:]

    func table(for identifier: String) -> ZoneTable? {
        lock.lock()
        defer { lock.unlock() }
        if let table = tables[identifier] { return table }
        guard let table = ZoneTable.build(identifier) else { return nil }
        tables[identifier] = table
        return table
    }
}
