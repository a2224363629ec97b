import Foundation

/// Local wall-clock arithmetic for monitoring schedules (cron, maintenance windows, daily
/// bars), on top of the SLA engine's offset table (`ZoneTable`), so no `Calendar` or
/// `DateComponents` call is made on the hot path. "Local" values are seconds since
/// 1970-01-01T00:00 on the zone's wall clock.
struct MonitorZone: Sendable {
    let table: ZoneTable

    init(table: ZoneTable) {
        self.table = table
    }

    /// The zone of an IANA identifier, or nil when Foundation does not know it.
    init?(identifier: String) {
        guard let table = ZoneTable.named(identifier) else { return nil }
        self.table = table
    }

    /// The zone of a Foundation `TimeZone`; a zone without an identifier Foundation can look
    /// up again falls back to its current fixed offset.
    init(_ timeZone: TimeZone) {
        if let table = ZoneTable.named(timeZone.identifier) {
            self.table = table
        } else {
            table = ZoneTable(identifier: timeZone.identifier, bounds: [], offsets: [timeZone.secondsFromGMT()])
        }
    }

    static let utc = MonitorZone(table: .utc)

    /// The wall-clock reading of instant `t`.
    @inline(__always)
    func local(_ t: Int) -> Int {
        t + table.offset(at: t)
    }

    /// Where a local time falls: its earliest instant, or, when the clocks skipped it (a
    /// spring-forward gap), the first instant after the gap with `skipped` set.
    func resolve(local l: Int) -> (instant: Int, skipped: Bool) {
        let bounds = table.bounds
        let offsets = table.offsets
        if bounds.isEmpty { return (l - offsets[0], false) }
        // Offsets never exceed a day, so every instant that can read `l` lies within a day of it.
        let low = table.pieceIndex(containing: l - 86400)
        let high = table.pieceIndex(containing: l + 86400)
        for p in low...high {
            let t = l - offsets[p]
            if table.pieceIndex(containing: t) == p { return (t, false) }
        }
        for p in max(low, 1)...max(high, 1) where p < offsets.count {
            let start = bounds[p - 1]
            if offsets[p] > offsets[p - 1], start + offsets[p - 1] <= l, l < start + offsets[p] {
                return (start, true)
            }
        }
        return (l - offsets[high], false)
    }

    /// The first instant of local day `day` (days since 1970-01-01 on the wall clock).
    func startOfDay(_ day: Int) -> Int {
        resolve(local: day * 86400).instant
    }

    /// The local day (days since 1970-01-01) that instant `t` falls on.
    func day(of t: Int) -> Int {
        floorDiv(local(t), 86400)
    }
}

/// Whole seconds since 1970 (floor) of a date, clamped to a range every calendar routine
/// here handles (about ±300,000 years), so absurd inputs cannot overflow.
@inline(__always)
func monitorSeconds(_ date: Date) -> Int {
    let t = date.timeIntervalSince1970
    guard t.isFinite else { return t > 0 ? 10_000_000_000_000 : -10_000_000_000_000 }
    return Int(max(-1e13, min(1e13, t.rounded(.down))))
}

@inline(__always)
func monitorDate(_ seconds: Int) -> Date {
    Date(timeIntervalSince1970: Double(seconds))
}
