import Foundation

/// RFC 5322 dates without DateFormatter: tolerant parsing and fixed-format output.
public enum MailDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let dayNames = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "edt": -240, "est": -300, "cdt": -300, "cst": -360,
        "mdt": -360, "mst": -420, "pdt": -420, "pst": -480,
    ]

    /// Parses "Tue, 3 Mar 2026 10:00:00 +0800" and common deviations: no weekday, no seconds,
    /// two-digit years, named or missing zones, comments, and "2026-03-03 10:00:00 +0800".
    public static func parse(_ value: String) -> Date? {
        var cleaned = ""
        var depth = 0
        for ch in value {
            if ch == "(" { depth += 1; continue }
            if ch == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(ch == "," ? " " : ch) }
        }
        var tokens = cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
            .map { $0.mailLowercased }
        if let first = tokens.first, first.count >= 3, first.allSatisfy({ $0.isLetter }), monthIndex(first) == nil {
            tokens.removeFirst()  // weekday
        }
        var day: Int?, month: Int?, year: Int?
        var timeToken: String?
        var offset = 0
        for token in tokens {
            if token.contains(":"), timeToken == nil {
                timeToken = token
            } else if token.contains("-"), token.count >= 8, let parts = isoDate(token) {
                (year, month, day) = parts
            } else if let m = monthIndex(token), month == nil {
                month = m
            } else if let n = Int(token), !token.hasPrefix("+"), !token.hasPrefix("-") {
                if day == nil && n >= 1 && n <= 31 && token.count <= 2 { day = n } else if year == nil { year = n }
            } else if let z = zoneOffset(token) {
                offset = z
            }
        }
        guard let d = day, let m = month, var y = year, let time = timeToken else { return nil }
        if y < 50 { y += 2000 } else if y < 1000 { y += 1900 }
        guard y <= 9999 else { return nil }
        let hms = time.split(separator: ":").map { Int($0) }
        guard hms.count >= 2, hms.allSatisfy({ $0 != nil }) else { return nil }
        let h = hms[0]!, mi = hms[1]!, s = hms.count > 2 ? hms[2]! : 0
        guard (1...12).contains(m), (1...31).contains(d), (0...23).contains(h), (0...59).contains(mi),
              (0...60).contains(s) else { return nil }
        let days = daysFromCivil(y, m, d)
        let seconds = days * 86_400 + h * 3600 + mi * 60 + s - offset * 60
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// "Tue, 03 Mar 2026 10:00:00 +0800" for the given offset from UTC in minutes.
    public static func format(_ date: Date, offsetMinutes: Int = 0) -> String {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offsetMinutes * 60
        let days = Int((Double(local) / 86_400).rounded(.down))
        let secs = local - days * 86_400
        let (y, m, d) = civilFromDays(days)
        let weekday = dayNames[((days % 7) + 7) % 7]
        let sign = offsetMinutes < 0 ? "-" : "+"
        let off = abs(offsetMinutes)
        return "\(weekday), \(pad(d)) \(monthNames[m - 1]) \(y) \(pad(secs / 3600)):\(pad(secs / 60 % 60)):\(pad(secs % 60)) "
            + "\(sign)\(pad(off / 60))\(pad(off % 60))"
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private static func monthIndex(_ token: String) -> Int? {
        guard token.count >= 3 else { return nil }
        let key = String(token.prefix(3))
        guard let i = months.firstIndex(of: key) else { return nil }
        return i + 1
    }

    private static func isoDate(_ token: String) -> (Int, Int, Int)? {
        let parts = token.split(separator: "-").map { Int($0) }
        guard parts.count == 3, let y = parts[0], let m = parts[1], let d = parts[2], y > 999 else { return nil }
        return (y, m, d)
    }

    private static func zoneOffset(_ token: String) -> Int? {
        if let z = zones[token] { return z }
        guard let sign = token.first, sign == "+" || sign == "-" else { return nil }
        let digits = token.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, let v = Int(digits) else { return nil }
        let minutes = (v / 100) * 60 + v % 100
        return sign == "-" ? -minutes : minutes
    }

    // Howard Hinnant's civil calendar algorithms.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
