import Foundation

/// Run times of a cron expression in a time zone.
///
/// Daylight saving time, decided as cronie does (its `cron.c` "time warp" handling):
///
/// - **Fixed-time jobs** (neither the minute nor the hour field starts with `*`, e.g.
///   `30 1 * * *`, `@daily`): a run whose local time the clocks skip (spring forward) happens
///   at the first instant after the gap — `30 1 * * *` in Europe/London on 29 March 2026 runs
///   at 02:00 BST (01:00 UTC), once, however many skipped times matched. A local time that
///   occurs twice (fall back) runs once, at its first occurrence (the summer-time one).
/// - **Wildcard jobs** (the minute or the hour field starts with `*`, e.g. `*/15 * * * *`,
///   `@hourly`, `5 * * * *`) follow the real clock: skipped local times do not run, and
///   repeated local times run on both passes, so an every-15-minutes job keeps running every
///   15 minutes of elapsed time through either change.
///
/// Times are whole seconds; a run is always strictly after the given instant. Expressions
/// that match nothing within `searchYears` answer nil.
extension CronExpression {
    /// How far ahead `next` looks before giving up (only reached by expressions such as
    /// `0 0 29 2 */2`, Feb 29 on an even weekday, which may be decades apart).
    public static let searchYears = 60

    /// The first run strictly after `date` in `timeZone`, or nil when none is found.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        next(after: date, zone: MonitorZone(timeZone))
    }

    /// The next `count` runs after `date` (fewer when the search runs out).
    public func runs(after date: Date, in timeZone: TimeZone, count: Int) -> [Date] {
        let zone = MonitorZone(timeZone)
        var result: [Date] = []
        result.reserveCapacity(max(0, count))
        var cursor = date
        while result.count < count, let run = next(after: cursor, zone: zone) {
            result.append(run)
            cursor = run
        }
        return result
    }

    /// Whether the expression selects a local date and time (seconds are ignored).
    public func matches(year: Int, month: Int, day: Int, hour: Int, minute: Int) -> Bool {
        guard let date = CivilDate(year: year, month: month, day: day), (0...23).contains(hour),
              (0...59).contains(minute)
        else { return false }
        return months & (1 << UInt16(month)) != 0 && dayMatches(date.dayNumber, dayOfMonth: day) && hours & (1 << UInt32(hour)) != 0 && minutes & (1 << UInt64(minute)) != 0
    }

    func next(after date: Date, zone: MonitorZone) -> Date? {
        let after = monitorSeconds(date)
        let limit = after + CronExpression.searchYears * 366 * 86400
        let table = zone.table
        let bounds = table.bounds
        let offsets = table.offsets
        var p = table.pieceIndex(containing: after)
        while true {
            let pieceStart = p == 0 ? Int.min : bounds[p - 1]
            let pieceEnd = p == bounds.count ? limit : min(bounds[p], limit)
            if pieceStart > limit { return nil }
            let offset = offsets[p]
            var from = max(after + 1, pieceStart) + offset
            if p > 0, !wildcardTime {
                let previous = offsets[p - 1]
                if previous < offset, pieceStart > after,
                   firstMatch(localFrom: pieceStart + previous, before: pieceStart + offset) != nil {
                    return monitorDate(pieceStart)
                }
                // Local times repeated after a fall back already ran in the previous piece.
                if previous > offset { from = max(from, pieceStart + previous) }
            }
            if pieceEnd > max(after, pieceStart), let local = firstMatch(localFrom: from, before: pieceEnd + offset) {
                return monitorDate(local - offset)
            }
            if p == bounds.count || pieceEnd >= limit { return nil }
            p += 1
        }
    }

    @inline(__always)
    func dayMatches(_ dayNumber: Int, dayOfMonth d: Int) -> Bool {
        let dom = daysOfMonth & (1 << UInt32(d)) != 0
        let weekday = (CivilDate.weekdayIndex(ofDay: dayNumber) + 1) % 7 // 0 = Sunday
        let dow = daysOfWeek & (1 << UInt8(weekday)) != 0
        return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow
    }

    /// The first matching local minute at or after `localFrom` and before `before`.
    func firstMatch(localFrom: Int, before: Int) -> Int? {
        var t = floorDiv(localFrom + 59, 60) * 60
        var day = floorDiv(t, 86400)
        var secondOfDay = t - day * 86400
        while t < before {
            let (y, m, d) = CivilDate.civil(fromDays: day)
            if months & (1 << UInt16(m)) == 0 {
                day = CivilDate.days(fromCivil: m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1)
            } else if !dayMatches(day, dayOfMonth: d) {
                day += 1
            } else if let minuteOfDay = firstTime(atOrAfter: secondOfDay / 60) {
                let local = day * 86400 + minuteOfDay * 60
                return local < before ? local : nil
            } else {
                day += 1
            }
            secondOfDay = 0
            t = day * 86400
        }
        return nil
    }

    /// The first selected minute of the day (0…1439) at or after `minuteOfDay`.
    @inline(__always)
    private func firstTime(atOrAfter minuteOfDay: Int) -> Int? {
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        while hour < 24 {
            let hourBits = hours >> UInt32(hour)
            if hourBits == 0 { return nil }
            let skip = hourBits.trailingZeroBitCount
            if skip > 0 {
                hour += skip
                minute = 0
            }
            let minuteBits = minutes >> UInt64(minute)
            if minuteBits != 0 { return hour * 60 + minute + minuteBits.trailingZeroBitCount }
            hour += 1
            minute = 0
        }
        return nil
    }
}
