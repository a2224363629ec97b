import Foundation

/// A half-open span of time in seconds since 1970 (UTC), used for pauses on the hot path.
struct Span: Sendable, Equatable {
    var start: Double
    var end: Double

    /// Sorted, merged spans that end after `floor`, from arbitrary date intervals.
    static func normalize(_ intervals: [DateInterval], after floor: Double) -> [Span] {
        if intervals.isEmpty { return [] }
        var spans: [Span] = []
        spans.reserveCapacity(intervals.count)
        for interval in intervals {
            let start = interval.start.timeIntervalSince1970
            let end = interval.end.timeIntervalSince1970
            if end > start, end > floor { spans.append(Span(start: start, end: end)) }
        }
        if spans.count < 2 { return spans }
        spans.sort { $0.start < $1.start }
        var merged: [Span] = [spans[0]]
        for span in spans.dropFirst() {
            if span.start <= merged[merged.count - 1].end {
                merged[merged.count - 1].end = max(merged[merged.count - 1].end, span.end)
            } else {
                merged.append(span)
            }
        }
        return merged
    }
}

/// The precomputed, immutable form of a business calendar that the SLA engine walks.
///
/// How it works (and why it is fast): every local day has a *schedule* — a short list of
/// business ranges in seconds after local midnight. There are ten schedules: the seven
/// weekdays, "holiday" (empty) and "workday" (Monday's ranges). A day's schedule is found with
/// integer arithmetic: a binary search in the sorted dated holidays/workdays, then a lookup of
/// (month, day) in a 13×32 table of yearly holidays, else the weekday. UTC offsets come from
/// the zone's transition table (`ZoneTable`), so the walk is plain integer arithmetic on
/// seconds — no `Calendar`, `DateComponents` or `TimeZone` calls.
///
/// DST semantics: business time is exactly the set of instants whose local wall-clock reading
/// (date and time) falls inside a business range of that local date. The walk proceeds in
/// pieces of constant UTC offset; within a piece a local range maps to a UTC interval, which is
/// clipped to the piece. Consequences: a range over a spring-forward gap is shorter by the gap
/// (01:00–03:00 on the UK spring-forward day is one real hour), and a range over a fall-back
/// overlap is longer by the repeated time (01:00–03:00 on the UK fall-back day is three).
final class CalendarEngine: Sendable {
    let zone: ZoneTable
    /// Flat `[start, end, start, end, …]` seconds after local midnight.
    let rangeData: [Int]
    /// Schedule `k` is `rangeData[scheduleStart[k] ..< scheduleStart[k + 1]]`:
    /// k = 0…6 Monday…Sunday, 7 = holiday (empty), 8 = workday (Monday's ranges).
    let scheduleStart: [Int]
    let specialDays: [Int]
    let specialKinds: [Int]
    let minSpecial: Int
    let maxSpecial: Int
    /// Indexed by `month * 32 + day`.
    let yearly: [Bool]
    let hasYearly: Bool
    /// Every instant is business time (00:00–24:00 every day, no holidays).
    let alwaysOpen: Bool
    /// Days after this have no business time (set when only workdays bring business time).
    let lastPossibleDay: Int

    static let holidaySchedule = 7
    static let workdaySchedule = 8
    /// A walk that finds no business time for this many consecutive days gives up.
    static let maxEmptyDays = 366 * 30
    /// Instants further than this from 1970 (about 300,000 years) are not walked.
    static let instantLimit = 1e13
    /// A walk looks at most this far ahead (about 1,000 years); a target not reached by then
    /// is never reached. This keeps absurd inputs (a target of `Int.max` seconds) from hanging.
    static let horizon = 3.2e10

    init(zone: ZoneTable, weekly: [[BusinessRange]], holidays: [Holiday], workdays: [CivilDate]) {
        self.zone = zone
        var data: [Int] = []
        var starts: [Int] = []
        let schedules: [[BusinessRange]] = weekly + [[], weekly[0]]
        for ranges in schedules {
            starts.append(data.count)
            for range in ranges.sorted(by: { $0.startMinute < $1.startMinute }) {
                data.append(range.startMinute * 60)
                data.append(range.endMinute * 60)
            }
        }
        starts.append(data.count)
        rangeData = data
        scheduleStart = starts

        var kinds: [Int: Int] = [:]
        var yearlyTable = [Bool](repeating: false, count: 13 * 32)
        var anyYearly = false
        for holiday in holidays {
            switch holiday {
            case .date(let date): kinds[date.dayNumber] = CalendarEngine.holidaySchedule
            case .yearly(let month, let day):
                yearlyTable[month * 32 + day] = true
                anyYearly = true
            }
        }
        for date in workdays { kinds[date.dayNumber] = CalendarEngine.workdaySchedule }
        let sortedDays = kinds.keys.sorted()
        specialDays = sortedDays
        specialKinds = sortedDays.map { kinds[$0] ?? 0 }
        minSpecial = sortedDays.first ?? Int.max
        maxSpecial = sortedDays.last ?? Int.min
        yearly = yearlyTable
        hasYearly = anyYearly

        alwaysOpen = holidays.isEmpty && weekly.allSatisfy { $0 == [BusinessRange.wholeDay] }
        if weekly.allSatisfy(\.isEmpty) {
            let mondayHasHours = !weekly[0].isEmpty
            lastPossibleDay = mondayHasHours ? (workdays.map(\.dayNumber).max() ?? Int.min) : Int.min
        } else {
            lastPossibleDay = Int.max
        }
    }

    // MARK: - The walk over business intervals

    /// State of a walk over business intervals in ascending UTC order. After `advance`
    /// returns true, `lo ..< hi` is the next interval and `intervalDay` its local day number.
    struct Cursor {
        var piece: Int
        var off: Int
        var pieceLo: Int
        var pieceHi: Int
        var day: Int
        var weekday: Int
        var ri: Int = 0
        var rEnd: Int = 0
        var emptyDays: Int = 0
        var lo: Int = 0
        var hi: Int = 0
        var intervalDay: Int = 0
    }

    /// A walk starting with the local day that contains instant `t`.
    @inline(__always)
    func cursor(at t: Int) -> Cursor {
        let p = zone.pieceIndex(containing: t)
        let off = zone.offsets[p]
        let day = floorDiv(t + off, 86400)
        var c = Cursor(
            piece: p, off: off,
            pieceLo: p == 0 ? Int.min : zone.bounds[p - 1],
            pieceHi: p < zone.bounds.count ? zone.bounds[p] : Int.max,
            day: day, weekday: CivilDate.weekdayIndex(ofDay: day))
        load(&c)
        return c
    }

    @inline(__always)
    func scheduleIndex(day: Int, weekday: Int) -> Int {
        if day >= minSpecial && day <= maxSpecial {
            var lo = 0
            var hi = specialDays.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if specialDays[mid] < day { lo = mid + 1 } else { hi = mid }
            }
            if lo < specialDays.count && specialDays[lo] == day { return specialKinds[lo] }
        }
        if hasYearly {
            let (_, month, dayOfMonth) = CivilDate.civil(fromDays: day)
            if yearly[month * 32 + dayOfMonth] { return CalendarEngine.holidaySchedule }
        }
        return weekday
    }

    @inline(__always)
    func load(_ c: inout Cursor) {
        let k = scheduleIndex(day: c.day, weekday: c.weekday)
        c.ri = scheduleStart[k]
        c.rEnd = scheduleStart[k + 1]
    }

    @inline(__always)
    func switchPiece(_ c: inout Cursor) {
        c.piece += 1
        c.off = zone.offsets[c.piece]
        c.pieceLo = zone.bounds[c.piece - 1]
        c.pieceHi = c.piece < zone.bounds.count ? zone.bounds[c.piece] : Int.max
        c.day = floorDiv(c.pieceLo + c.off, 86400)
        c.weekday = CivilDate.weekdayIndex(ofDay: c.day)
        load(&c)
    }

    /// Moves to the next non-empty business interval; false when there is none.
    @inline(__always)
    func advance(_ c: inout Cursor) -> Bool {
        while true {
            if c.ri < c.rEnd {
                let base = c.day * 86400 - c.off
                var lo = base + rangeData[c.ri]
                var hi = base + rangeData[c.ri + 1]
                c.ri += 2
                if lo >= c.pieceHi {
                    switchPiece(&c)
                    continue
                }
                if lo < c.pieceLo { lo = c.pieceLo }
                if hi > c.pieceHi { hi = c.pieceHi }
                if lo < hi {
                    c.lo = lo
                    c.hi = hi
                    c.intervalDay = c.day
                    c.emptyDays = 0
                    return true
                }
                continue
            }
            c.day += 1
            c.weekday = c.weekday == 6 ? 0 : c.weekday + 1
            c.emptyDays += 1
            if c.day > lastPossibleDay || c.emptyDays > CalendarEngine.maxEmptyDays { return false }
            if c.day * 86400 - c.off >= c.pieceHi {
                switchPiece(&c)
            } else {
                load(&c)
            }
        }
    }

    /// Business intervals minus pauses, from instant `floor` on.
    struct Walk {
        var cursor: Cursor
        let floor: Double
        var pauseIndex = 0
        var active = false
        var cur = 0.0
        var end = 0.0
        var lo = 0.0
        var hi = 0.0
    }

    @inline(__always)
    func walk(from s: Double) -> Walk {
        Walk(cursor: cursor(at: Int(s.rounded(.down))), floor: s)
    }

    /// Moves to the next piece of business time that is not paused; false when there is none.
    @inline(__always)
    func next(_ w: inout Walk, _ pauses: [Span]) -> Bool {
        while true {
            if !w.active {
                guard advance(&w.cursor) else { return false }
                w.end = Double(w.cursor.hi)
                w.cur = max(Double(w.cursor.lo), w.floor)
                if w.end <= w.cur { continue }
                w.active = true
                while w.pauseIndex < pauses.count && pauses[w.pauseIndex].end <= w.cur { w.pauseIndex += 1 }
            }
            if w.pauseIndex < pauses.count {
                let pause = pauses[w.pauseIndex]
                if pause.start <= w.cur {
                    w.cur = pause.end
                    if w.cur >= w.end {
                        w.active = false
                        continue
                    }
                    while w.pauseIndex < pauses.count && pauses[w.pauseIndex].end <= w.cur { w.pauseIndex += 1 }
                    continue
                }
                w.lo = w.cur
                w.hi = min(w.end, pause.start)
            } else {
                w.lo = w.cur
                w.hi = w.end
            }
            w.cur = w.hi
            if w.cur >= w.end { w.active = false }
            return true
        }
    }

}
