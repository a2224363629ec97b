import Foundation

/// A holiday read from an iCalendar file, with the event's SUMMARY.
public struct ICSHoliday: Sendable, Hashable {
    public var holiday: Holiday
    public var summary: String

    public init(holiday: Holiday, summary: String) {
        self.holiday = holiday
        self.summary = summary
    }
}

/// Why an iCalendar file could not be read. Line numbers are 1-based physical lines.
public enum ICSError: Error, Sendable, Equatable, CustomStringConvertible {
    case notUTF8
    case notACalendar
    case malformedLine(line: Int)
    case unbalanced(line: Int, component: String)
    case unterminated(line: Int, component: String)
    case missingStart(line: Int)
    case badDate(line: Int, value: String)
    case timedEvent(line: Int, value: String)
    case endNotAfterStart(line: Int)
    case unsupportedRule(line: Int, rule: String)
    case tooLong(line: Int, days: Int)

    public var description: String {
        switch self {
        case .notUTF8: "the calendar file is not UTF-8 text"
        case .notACalendar: "not an iCalendar file (no BEGIN:VCALENDAR)"
        case .malformedLine(let line): "line \(line): expected NAME:value"
        case .unbalanced(let line, let component): "line \(line): END:\(component) without a matching BEGIN"
        case .unterminated(let line, let component): "line \(line): BEGIN:\(component) is never ended"
        case .missingStart(let line): "line \(line): the event has no DTSTART"
        case .badDate(let line, let value): "line \(line): \"\(value)\" is not a date YYYYMMDD"
        case .timedEvent(let line, let value):
            "line \(line): \"\(value)\" has a time of day; only all-day events (DTSTART;VALUE=DATE:YYYYMMDD) are holidays"
        case .endNotAfterStart(let line): "line \(line): the event ends before it starts"
        case .unsupportedRule(let line, let rule):
            "line \(line): unsupported repeat rule \"\(rule)\" (only FREQ=YEARLY on a fixed date, optionally with COUNT or UNTIL)"
        case .tooLong(let line, let days): "line \(line): an event of \(days) days is too long for a holiday (at most 366)"
        }
    }
}

/// Reads holidays from a minimal iCalendar (RFC 5545) file: all-day VEVENTs with DTSTART
/// (VALUE=DATE), optional DTEND (exclusive) or DURATION (PnD / PnW), SUMMARY, and RRULE
/// FREQ=YEARLY. Lines may end in CRLF or LF and may be folded (a continuation line starts
/// with a space or a tab). A multi-day event gives one holiday per date. A yearly rule
/// without an end gives yearly holidays (`--MM-DD`); with COUNT or UNTIL, dated ones.
/// Cancelled events (STATUS:CANCELLED) and other components (VTIMEZONE, VALARM…) are skipped.
public enum ICSImport {
    public static func parse(data: Data) throws(ICSError) -> [ICSHoliday] {
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8 }
        return try parse(text)
    }

    /// The distinct holidays, in the order they first appear.
    public static func holidays(from text: String) throws(ICSError) -> [Holiday] {
        var seen = Set<Holiday>()
        return try parse(text).map(\.holiday).filter { seen.insert($0).inserted }
    }

    public static func parse(_ text: String) throws(ICSError) -> [ICSHoliday] {
        let lines = unfold(text)
        guard lines.contains(where: { $0.name == "BEGIN" && $0.value.uppercased() == "VCALENDAR" }) else {
            throw .notACalendar
        }
        var stack: [(name: String, line: Int)] = []
        var event: [ContentLine] = []
        var eventLine = 0
        var result: [ICSHoliday] = []
        for line in lines {
            guard !line.malformed else { throw .malformedLine(line: line.number) }
            switch line.name {
            case "BEGIN":
                let component = line.value.uppercased()
                if component == "VEVENT" && stack.last?.name == "VCALENDAR" {
                    event = []
                    eventLine = line.number
                }
                stack.append((component, line.number))
            case "END":
                let component = line.value.uppercased()
                guard let top = stack.last, top.name == component else {
                    throw .unbalanced(line: line.number, component: component)
                }
                stack.removeLast()
                if component == "VEVENT" && stack.last?.name == "VCALENDAR" {
                    result += try holidays(of: event, beginLine: eventLine)
                }
            default:
                if stack.last?.name == "VEVENT" { event.append(line) }
            }
        }
        if let open = stack.last { throw .unterminated(line: open.line, component: open.name) }
        return result
    }

    // MARK: - Lines

    struct ContentLine {
        var number: Int
        var name: String
        var parameters: [String: String]
        var value: String
        var malformed: Bool
    }

    static func unfold(_ text: String) -> [ContentLine] {
        var logical: [(number: Int, text: String)] = []
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            var line = String(raw)
            if number == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if let first = line.first, first == " " || first == "\t", !logical.isEmpty {
                logical[logical.count - 1].text += line.dropFirst()
            } else if !line.isEmpty {
                logical.append((number, line))
            }
        }
        return logical.map { contentLine($0.text, number: $0.number) }
    }

    /// `NAME;PARAM=VALUE;PARAM="quoted:value":value`.
    static func contentLine(_ text: String, number: Int) -> ContentLine {
        var inQuotes = false
        var colon: String.Index?
        for index in text.indices {
            let c = text[index]
            if c == "\"" { inQuotes.toggle() }
            if c == ":" && !inQuotes {
                colon = index
                break
            }
        }
        guard let colon else { return ContentLine(number: number, name: "", parameters: [:], value: "", malformed: true) }
        let head = text[..<colon].split(separator: ";", omittingEmptySubsequences: false)
        let name = head.first.map { $0.trimmingCharacters(in: .whitespaces).uppercased() } ?? ""
        var parameters: [String: String] = [:]
        for part in head.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            parameters[pair[0].uppercased()] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return ContentLine(
            number: number, name: name, parameters: parameters, value: String(text[text.index(after: colon)...]),
            malformed: name.isEmpty)
    }

    static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for c in text {
            if escaped {
                result.append(c == "n" || c == "N" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                result.append(c)
            }
        }
        return result
    }

    // MARK: - Events

    static func date(_ line: ContentLine) throws(ICSError) -> CivilDate {
        let value = line.value.trimmingCharacters(in: .whitespaces)
        if value.contains("T") || line.parameters["VALUE"]?.uppercased() == "DATE-TIME" {
            throw .timedEvent(line: line.number, value: value)
        }
        let b = Array(value.utf8)
        guard b.count == 8, let y = CivilDate.digits(b, 0, 4), let m = CivilDate.digits(b, 4, 2),
              let d = CivilDate.digits(b, 6, 2), let date = CivilDate(year: y, month: m, day: d)
        else { throw .badDate(line: line.number, value: value) }
        return date
    }

    static func holidays(of event: [ContentLine], beginLine: Int) throws(ICSError) -> [ICSHoliday] {
        func property(_ name: String) -> ContentLine? { event.first { $0.name == name } }
        if property("STATUS")?.value.uppercased() == "CANCELLED" { return [] }
        guard let startLine = property("DTSTART") else { throw .missingStart(line: beginLine) }
        let start = try date(startLine)
        var days = 1
        if let endLine = property("DTEND") {
            let end = try date(endLine)
            days = end.dayNumber - start.dayNumber
            guard days > 0 else { throw .endNotAfterStart(line: endLine.number) }
        } else if let durationLine = property("DURATION") {
            days = try durationDays(durationLine)
        }
        guard days <= 366 else { throw .tooLong(line: startLine.number, days: days) }
        let summary = property("SUMMARY").map { unescape($0.value) } ?? ""
        let dates = (0..<days).map { CivilDate(dayNumber: start.dayNumber + $0) }

        guard let ruleLine = property("RRULE") else {
            return dates.map { ICSHoliday(holiday: .date($0), summary: summary) }
        }
        let rule = try yearlyRule(ruleLine)
        if rule.count == nil && rule.until == nil {
            return dates.map { ICSHoliday(holiday: .yearly(month: $0.month, day: $0.day), summary: summary) }
        }
        var result: [ICSHoliday] = []
        var occurrences = 0
        var year = start.year
        while year <= 9999 && occurrences < 1000 {
            if let count = rule.count, occurrences >= count { break }
            if let first = CivilDate(year: year, month: start.month, day: start.day) {
                if let until = rule.until, first > until { break }
                occurrences += 1
                for offset in 0..<days {
                    let day = CivilDate(dayNumber: first.dayNumber + offset)
                    result.append(ICSHoliday(holiday: .date(day), summary: summary))
                }
            }
            year += rule.interval
        }
        return result
    }

    static func durationDays(_ line: ContentLine) throws(ICSError) -> Int {
        let value = line.value.trimmingCharacters(in: .whitespaces).uppercased()
        let body = value.hasPrefix("+") ? String(value.dropFirst()) : value
        guard body.hasPrefix("P"), let unit = body.last, unit == "D" || unit == "W",
              let n = Int(body.dropFirst().dropLast()), n > 0, n <= 400
        else { throw .badDate(line: line.number, value: value) }
        return unit == "W" ? n * 7 : n
    }

    static func yearlyRule(_ line: ContentLine) throws(ICSError) -> (count: Int?, until: CivilDate?, interval: Int) {
        let text = line.value.trimmingCharacters(in: .whitespaces)
        var frequency: String?
        var count: Int?
        var until: CivilDate?
        var interval = 1
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.uppercased() }
            guard pair.count == 2 else { throw .unsupportedRule(line: line.number, rule: text) }
            switch pair[0] {
            case "FREQ": frequency = pair[1]
            case "COUNT":
                guard let n = Int(pair[1]), n > 0 else { throw .unsupportedRule(line: line.number, rule: text) }
                count = n
            case "INTERVAL":
                guard let n = Int(pair[1]), n > 0 else { throw .unsupportedRule(line: line.number, rule: text) }
                interval = n
            case "UNTIL":
                let b = Array(pair[1].utf8)
                guard b.count >= 8, let y = CivilDate.digits(b, 0, 4), let m = CivilDate.digits(b, 4, 2),
                      let d = CivilDate.digits(b, 6, 2), let date = CivilDate(year: y, month: m, day: d)
                else { throw .unsupportedRule(line: line.number, rule: text) }
                until = date
            case "WKST":
                continue
            default:
                throw .unsupportedRule(line: line.number, rule: text)
            }
        }
        guard frequency == "YEARLY" else { throw .unsupportedRule(line: line.number, rule: text) }
        if interval != 1 && count == nil && until == nil { throw .unsupportedRule(line: line.number, rule: text) }
        return (count, until, interval)
    }
}
