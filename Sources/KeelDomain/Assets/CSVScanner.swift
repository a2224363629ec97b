import Foundation

/// Splits UTF-8 text into CSV records (RFC 4180) one at a time.
///
/// Quoted cells may hold delimiters, doubled quotes and line ends (CRLF, LF or CR; kept as
/// "\n"). Records end at CRLF, LF or CR. Leniencies, as in spreadsheets: spaces before an
/// opening quote are dropped; a quote inside an unquoted cell is literal; text after a closing
/// quote is kept (`"ab"c` reads `abc`). A quote left open at the end of the text is an error,
/// except while sniffing a sample that may be cut short.
struct CSVScanner {
    private static let quote = UInt8(ascii: "\"")
    private static let cr: UInt8 = 13
    private static let lf: UInt8 = 10
    private static let space: UInt8 = 32

    private let text: [UInt8]
    private let delimiter: UInt8
    private let lenientEnd: Bool
    private var position = 0
    /// The physical line (1-based) at `position`.
    private(set) var line: Int
    private var buffer: [UInt8] = []

    init(text: [UInt8], delimiter: UInt8, lineOffset: Int = 0, lenientEnd: Bool = false) {
        self.text = text
        self.delimiter = delimiter
        self.lenientEnd = lenientEnd
        self.line = 1 + lineOffset
    }

    /// The next record's cells, or nil at the end of the text.
    mutating func next() throws(CSVError) -> [String]? {
        guard position < text.count else { return nil }
        var cells: [String] = []
        while true {
            cells.append(try cell())
            guard position < text.count else { return cells }
            let b = text[position]
            if b == delimiter {
                position += 1
                if position == text.count { cells.append(""); return cells }
                continue
            }
            // A line end.
            position += 1
            if b == Self.cr, position < text.count, text[position] == Self.lf { position += 1 }
            line += 1
            return cells
        }
    }

    /// Reads one cell and stops at the delimiter, a line end or the end of the text.
    private mutating func cell() throws(CSVError) -> String {
        var p = position
        if delimiter != Self.space {
            while p < text.count, text[p] == Self.space { p += 1 }
        }
        guard p < text.count, text[p] == Self.quote else {
            let start = position
            while position < text.count, !isCellEnd(text[position]) { position += 1 }
            return String(decoding: text[start..<position], as: UTF8.self)
        }
        let openedOn = line
        position = p + 1
        buffer.removeAll(keepingCapacity: true)
        while true {
            guard position < text.count else {
                if lenientEnd { return String(decoding: buffer, as: UTF8.self) }
                throw .unterminatedQuote(line: openedOn)
            }
            let b = text[position]
            position += 1
            switch b {
            case Self.quote:
                if position < text.count, text[position] == Self.quote {
                    buffer.append(Self.quote)
                    position += 1
                    continue
                }
                // Closed: anything up to the cell's end is kept as written.
                while position < text.count, !isCellEnd(text[position]) {
                    buffer.append(text[position])
                    position += 1
                }
                return String(decoding: buffer, as: UTF8.self)
            case Self.cr:
                if position < text.count, text[position] == Self.lf { position += 1 }
                buffer.append(Self.lf)
                line += 1
            case Self.lf:
                buffer.append(Self.lf)
                line += 1
            default:
                buffer.append(b)
            }
        }
    }

    @inline(__always)
    private func isCellEnd(_ b: UInt8) -> Bool {
        b == delimiter || b == Self.lf || b == Self.cr
    }

    // MARK: - Delimiter

    /// Bytes looked at to choose the delimiter, and records compared.
    static let sniffBytes = 64 << 10
    static let sniffRecords = 40

    /// The delimiter that splits the first records most consistently into more than one cell:
    /// the one whose most common cell count (above 1) is shared by the most records, then the
    /// one with more cells; ties go to comma, then semicolon, then tab. Comma when nothing splits.
    static func sniff(_ text: [UInt8]) -> CSVDelimiter {
        let sample = Array(text.prefix(sniffBytes))
        var best: (delimiter: CSVDelimiter, rows: Int, cells: Int)?
        for candidate in CSVDelimiter.allCases {
            var scanner = CSVScanner(text: sample, delimiter: candidate.byte, lenientEnd: true)
            var frequency: [Int: Int] = [:]
            var seen = 0
            while seen < sniffRecords, let cells = try? scanner.next() {
                if CSVTable.isBlank(cells) { continue }
                seen += 1
                if cells.count > 1 { frequency[cells.count, default: 0] += 1 }
            }
            guard let mode = frequency.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { continue }
            if best == nil || (mode.value, mode.key) > (best!.rows, best!.cells) {
                best = (candidate, mode.value, mode.key)
            }
        }
        return best?.delimiter ?? .comma
    }

    /// Excel's `sep=;` first line: the delimiter it names and the bytes to drop (line end included).
    static func excelSeparatorHint(_ text: [UInt8]) -> (delimiter: CSVDelimiter, length: Int)? {
        guard text.count >= 5 else { return nil }
        let prefix = text.prefix(4).map { $0 | 0x20 }
        guard prefix == Array("sep=".utf8) else { return nil }
        let delimiter: CSVDelimiter
        switch text[4] {
        case UInt8(ascii: ","): delimiter = .comma
        case UInt8(ascii: ";"): delimiter = .semicolon
        case 9: delimiter = .tab
        default: return nil
        }
        var length = 5
        if length < text.count, text[length] == cr { length += 1 }
        if length < text.count, text[length] == lf { length += 1 }
        guard length > 5 || length == text.count else { return nil }
        return (delimiter, length)
    }
}
