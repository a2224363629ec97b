import Foundation

extension CalendarEngine {
    // MARK: - Operations on seconds since 1970

    /// The earliest instant at which `seconds` of unpaused business time have passed since `s`;
    /// `.infinity` when the calendar never has that much business time.
    func add(_ seconds: Double, to s: Double, pauses: [Span]) -> Double {
        guard seconds > 0, s.isFinite, abs(s) < CalendarEngine.instantLimit else { return s }
        guard seconds < CalendarEngine.horizon else { return .infinity }
        if alwaysOpen { return CalendarEngine.wallAdd(seconds, to: s, pauses: pauses) }
        var w = walk(from: s)
        var remaining = seconds
        let horizon = s + CalendarEngine.horizon
        while next(&w, pauses) {
            if w.lo > horizon { return .infinity }
            let length = w.hi - w.lo
            if remaining <= length { return w.lo + remaining }
            remaining -= length
        }
        return .infinity
    }

    /// Unpaused business seconds in `s ..< e`.
    func duration(from s: Double, to e: Double, pauses: [Span]) -> Double {
        guard e > s, s.isFinite, abs(s) < CalendarEngine.instantLimit else { return 0 }
        let e = min(e, s + CalendarEngine.horizon)
        if alwaysOpen { return CalendarEngine.wallDuration(from: s, to: e, pauses: pauses) }
        var w = walk(from: s)
        var total = 0.0
        while next(&w, pauses) {
            if w.lo >= e { break }
            total += min(w.hi, e) - w.lo
        }
        return total
    }

    func isBusiness(_ t: Double) -> Bool {
        if alwaysOpen { return true }
        guard t.isFinite, abs(t) < CalendarEngine.instantLimit else { return false }
        var c = cursor(at: Int(t.rounded(.down)))
        while advance(&c) {
            if Double(c.hi) > t { return Double(c.lo) <= t }
        }
        return false
    }

    /// `t` itself when it is business time, else the start of the next business period.
    func firstBusinessInstant(atOrAfter t: Double) -> Double {
        if alwaysOpen { return t }
        guard t.isFinite, abs(t) < CalendarEngine.instantLimit else { return t }
        var c = cursor(at: Int(t.rounded(.down)))
        while advance(&c) {
            if Double(c.hi) > t { return max(Double(c.lo), t) }
        }
        return .infinity
    }

    /// The first instant after `t` at which business time starts after a stretch without it
    /// (adjacent ranges such as 22:00–24:00 and 00:00–06:00 form one period).
    func nextStart(after t: Double) -> Double {
        if alwaysOpen { return .infinity }
        guard t.isFinite, abs(t) < CalendarEngine.instantLimit else { return .infinity }
        var c = cursor(at: Int(t.rounded(.down)))
        var previousEnd = Int.min
        while advance(&c) {
            if Double(c.lo) > t && c.lo != previousEnd { return Double(c.lo) }
            previousEnd = c.hi
        }
        return .infinity
    }

    /// The due instant of a target of `days` business days from `s` (see `SLATarget`).
    ///
    /// Let s′ be the first business instant at or after `s`, D the business day (local date)
    /// that contains s′, and k the business seconds of D before s′. With `endOfDay` the result
    /// is the end of the business hours of the `days`-th business day after D; otherwise it is
    /// the instant at which k business seconds of that day have passed (its end when the day
    /// is shorter than k).
    func businessDaysDue(from s: Double, days: Int, endOfDay: Bool) -> Double {
        guard days > 0, s.isFinite, abs(s) < CalendarEngine.instantLimit else { return s }
        guard days <= 366 * 1000 else { return .infinity }
        var c = cursor(at: Int(s.rounded(.down)))
        var found = false
        while advance(&c) {
            if Double(c.hi) > s {
                found = true
                break
            }
        }
        guard found else { return .infinity }
        let startInstant = max(Double(c.lo), s)
        let startDay = c.intervalDay
        var offsetInDay = 0.0
        if !endOfDay {
            var d = cursor(at: startDay * 86400 - 2 * 86400)
            while advance(&d) {
                if d.intervalDay > startDay || Double(d.lo) >= startInstant { break }
                if d.intervalDay == startDay { offsetInDay += min(Double(d.hi), startInstant) - Double(d.lo) }
            }
        }
        var lastDay = startDay
        var counted = 0
        var consumed = 0.0
        var lastEnd = Double.infinity
        let horizon = s + CalendarEngine.horizon
        while advance(&c) {
            if Double(c.lo) > horizon { return .infinity }
            if c.intervalDay > lastDay {
                if counted == days { return lastEnd }
                lastDay = c.intervalDay
                counted += 1
                consumed = 0
            }
            if counted == days {
                let lo = Double(c.lo)
                let hi = Double(c.hi)
                if !endOfDay {
                    if offsetInDay - consumed <= hi - lo { return lo + (offsetInDay - consumed) }
                    consumed += hi - lo
                }
                lastEnd = hi
            }
        }
        return counted == days ? lastEnd : .infinity
    }

    // MARK: - Wall-clock (24×7) arithmetic

    static func wallAdd(_ seconds: Double, to s: Double, pauses: [Span]) -> Double {
        guard seconds > 0 else { return s }
        var t = s
        var remaining = seconds
        for pause in pauses where pause.end > t {
            if pause.start > t {
                let gap = pause.start - t
                if remaining <= gap { return t + remaining }
                remaining -= gap
            }
            t = pause.end
        }
        return t + remaining
    }

    static func wallDuration(from s: Double, to e: Double, pauses: [Span]) -> Double {
        guard e > s else { return 0 }
        var total = e - s
        for pause in pauses {
            let lo = max(pause.start, s)
            let hi = min(pause.end, e)
            if hi > lo { total -= hi - lo }
        }
        return total
    }
}
