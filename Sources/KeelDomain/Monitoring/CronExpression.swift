import Foundation

/// One of the five fields of a cron expression, in order.
public enum CronField: String, Sendable, Hashable, Codable, CaseIterable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    /// The smallest and largest value the field takes (day of week accepts 7 for Sunday).
    public var bounds: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }
}

/// Why a cron expression was refused. Codes, not sentences: the server words them.
public enum CronError: Error, Sendable, Hashable {
    /// Not five fields (after expanding a macro); `found` is how many there were.
    case fieldCount(found: Int)
    /// An `@name` that is not one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.
    case unknownMacro(String)
    /// `token` in `field` is not a number, a known name, `*`, a range or a step.
    case syntax(field: CronField, token: String)
    /// A value outside the field's bounds.
    case outOfRange(field: CronField, token: String)
    /// A range whose start is after its end (`5-1`).
    case reversedRange(field: CronField, token: String)
    /// A step that is zero or not a number (`*/0`).
    case badStep(field: CronField, token: String)
    /// The days of the month chosen exist in none of the months chosen (`0 0 31 2 *`).
    case neverMatches(field: CronField)

    /// The field at fault, when there is one.
    public var field: CronField? {
        switch self {
        case .fieldCount, .unknownMacro: nil
        case .syntax(let field, _), .outOfRange(let field, _), .reversedRange(let field, _),
             .badStep(let field, _), .neverMatches(let field):
            field
        }
    }
}

/// A standard five-field cron expression: `minute hour day-of-month month day-of-week`.
///
/// Syntax (as Vixie cron / cronie): each field is a comma-separated list of `*`, `N`, `N-M`,
/// each optionally followed by `/STEP`; `N/STEP` means `N-max/STEP`. Months take `JAN`–`DEC`
/// and days of the week `SUN`–`SAT` (any case, also inside ranges); day of week 7 is Sunday.
/// Macros: `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`.
///
/// Day matching follows Vixie cron: when the day-of-month and the day-of-week fields both
/// start with something other than `*`, a day matches when *either* matches
/// (`0 0 1 * MON` is the 1st and every Monday); otherwise both must match. Like cron, a
/// field that starts with `*` (also `*/2`) counts as unrestricted for this rule.
///
/// Codable as its source text.
public struct CronExpression: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text as given (trimmed).
    public let source: String
    let minutes: UInt64
    let hours: UInt32
    let daysOfMonth: UInt32
    let months: UInt16
    let daysOfWeek: UInt8
    let dayOfMonthStar: Bool
    let dayOfWeekStar: Bool
    /// The minute or hour field starts with `*`: cron runs such jobs by the real clock across
    /// daylight-saving changes (see `next(after:in:)`).
    let wildcardTime: Bool

    public var description: String { source }

    public init(_ text: String) throws(CronError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var body = trimmed
        if trimmed.hasPrefix("@") {
            switch trimmed.lowercased() {
            case "@yearly", "@annually": body = "0 0 1 1 *"
            case "@monthly": body = "0 0 1 * *"
            case "@weekly": body = "0 0 * * 0"
            case "@daily", "@midnight": body = "0 0 * * *"
            case "@hourly": body = "0 * * * *"
            default: throw .unknownMacro(trimmed)
            }
        }
        let parts = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else { throw .fieldCount(found: parts.count) }
        source = trimmed
        minutes = try CronExpression.bits(parts[0], .minute)
        hours = UInt32(truncatingIfNeeded: try CronExpression.bits(parts[1], .hour))
        daysOfMonth = UInt32(truncatingIfNeeded: try CronExpression.bits(parts[2], .dayOfMonth))
        months = UInt16(truncatingIfNeeded: try CronExpression.bits(parts[3], .month))
        let dow = try CronExpression.bits(parts[4], .dayOfWeek)
        daysOfWeek = UInt8(truncatingIfNeeded: (dow | (dow >> 7)) & 0x7F)
        dayOfMonthStar = parts[2].hasPrefix("*")
        dayOfWeekStar = parts[4].hasPrefix("*")
        wildcardTime = parts[0].hasPrefix("*") || parts[1].hasPrefix("*")
        // With the day of week unrestricted only the day of month decides.
        if dayOfWeekStar { try checkSomeDayExists() }
    }

    /// A day-of-month list such as `30,31` with February as the only month never runs; cron
    /// accepts it silently, we refuse it.
    private func checkSomeDayExists() throws(CronError) {
        let longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for month in 1...12 where months & (1 << month) != 0 {
            let mask: UInt32 = longest[month] == 31 ? 0xFFFF_FFFE : (UInt32(1) << (longest[month] + 1)) - 2
            if daysOfMonth & mask != 0 { return }
        }
        throw .neverMatches(field: .dayOfMonth)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid cron expression")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(source)
    }

    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.source == rhs.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
    }

    // MARK: - Parsing

    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// The set of values a field selects, as bit `v` for value `v`.
    static func bits(_ text: String, _ field: CronField) throws(CronError) -> UInt64 {
        var result: UInt64 = 0
        let bounds = field.bounds
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            let token = String(element)
            let pieces = token.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !pieces[0].isEmpty else { throw .syntax(field: field, token: token) }
            var step = 1
            if pieces.count == 2 {
                guard (1...4).contains(pieces[1].count), pieces[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                      let value = Int(pieces[1]), value > 0
                else { throw .badStep(field: field, token: token) }
                step = value
            }
            let low: Int
            let high: Int
            if pieces[0] == "*" {
                low = bounds.lowerBound
                high = field == .dayOfWeek ? 6 : bounds.upperBound
            } else {
                let ends = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2 else { throw .syntax(field: field, token: token) }
                low = try value(ends[0], field, token)
                if ends.count == 2 {
                    high = try value(ends[1], field, token)
                    guard low <= high else { throw .reversedRange(field: field, token: token) }
                } else {
                    high = pieces.count == 2 ? (field == .dayOfWeek ? 6 : bounds.upperBound) : low
                }
            }
            var v = low
            while v <= high {
                result |= 1 << UInt64(v)
                v += step
            }
        }
        return result
    }

    private static func value(_ text: Substring, _ field: CronField, _ token: String) throws(CronError) -> Int {
        if let first = text.first, first.isASCII, first.isNumber {
            guard text.count <= 4, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text) else {
                throw .syntax(field: field, token: token)
            }
            guard field.bounds.contains(number) else { throw .outOfRange(field: field, token: token) }
            return number
        }
        let names = field == .month ? monthNames : field == .dayOfWeek ? dayNames : []
        if let index = names.firstIndex(of: text.uppercased()) {
            return field == .month ? index + 1 : index
        }
        throw .syntax(field: field, token: token)
    }
}
