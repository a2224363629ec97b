import Foundation

/// Strict RFC 3339 timestamps with an explicit offset, parsed and formatted without
/// Foundation formatters (which are slow and locale-dependent).
enum RFC3339 {
    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `T` may also be `t` or a space, `Z` also `z`.
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = CivilDate.digits(b, 0, 4), let month = CivilDate.digits(b, 5, 2),
              let day = CivilDate.digits(b, 8, 2), let hour = CivilDate.digits(b, 11, 2),
              let minute = CivilDate.digits(b, 14, 2), let second = CivilDate.digits(b, 17, 2),
              let date = CivilDate(year: year, month: month, day: day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let digitsStart = i
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
                fraction += Double(b[i] - UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
            }
            guard i > digitsStart else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.count else { return nil }
        } else {
            guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b.count == i + 6,
                  b[i + 3] == UInt8(ascii: ":"),
                  let oh = CivilDate.digits(b, i + 1, 2), let om = CivilDate.digits(b, i + 4, 2),
                  oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        let local = date.dayNumber * 86400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(local - offset) + fraction)
    }

    /// Formats `date` at a UTC offset (seconds east), with milliseconds only when not zero.
    static func format(_ date: Date, offset: Int) -> String {
        let t = date.timeIntervalSince1970
        guard t.isFinite, abs(t) < 2.5e11 else { return "" }
        let millis = Int((t * 1000).rounded())
        let whole = floorDiv(millis, 1000)
        let ms = millis - whole * 1000
        let local = whole + offset
        let day = floorDiv(local, 86400)
        let secondOfDay = local - day * 86400
        let (y, m, d) = CivilDate.civil(fromDays: day)
        var text = CivilDate.pad(y, 4) + "-" + CivilDate.pad(m, 2) + "-" + CivilDate.pad(d, 2) + "T"
            + CivilDate.pad(secondOfDay / 3600, 2) + ":" + CivilDate.pad(secondOfDay / 60 % 60, 2) + ":"
            + CivilDate.pad(secondOfDay % 60, 2)
        if ms != 0 { text += "." + CivilDate.pad(ms, 3) }
        let minutes = abs(offset) / 60
        text += (offset < 0 ? "-" : "+") + CivilDate.pad(minutes / 60, 2) + ":" + CivilDate.pad(minutes % 60, 2)
        return text
    }
}
