import Foundation

/// How the bytes of a CSV file were read.
public enum CSVEncoding: String, Sendable, Hashable, Codable, CaseIterable {
    case utf8
    /// UTF-8 starting with the byte order mark Excel writes ("CSV UTF-8").
    case utf8BOM = "utf8_bom"
    /// Excel's "Unicode text" export (tab-separated, with a byte order mark).
    case utf16LE = "utf16le"
    case utf16BE = "utf16be"
    /// Chinese Excel and WPS "CSV" exports (GBK is a subset).
    case gb18030
    /// Last resort when the bytes are neither UTF-8 nor GB18030.
    case windows1252
}

/// The character between cells.
public enum CSVDelimiter: String, Sendable, Hashable, Codable, CaseIterable {
    case comma, semicolon, tab

    var byte: UInt8 {
        switch self {
        case .comma: UInt8(ascii: ",")
        case .semicolon: UInt8(ascii: ";")
        case .tab: 9
        }
    }
}

/// Why a CSV file could not be read at all. Row-level problems are not errors here: they are
/// reported by `AssetImportPlan`.
public enum CSVError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// No bytes, or only a byte order mark.
    case empty
    /// More than `maxBytes` bytes.
    case tooLarge(maxBytes: Int)
    /// More than `maxRows` data rows (blank rows are not counted).
    case tooManyRows(maxRows: Int)
    /// A row with more than `maxColumns` cells; `row` is numbered as in a spreadsheet.
    case tooManyColumns(row: Int, maxColumns: Int)
    /// Text, but nothing in any cell: only blank lines, spaces or delimiters.
    case noHeader
    /// A quoted cell opened on physical line `line` (1-based) is never closed.
    case unterminatedQuote(line: Int)

    /// A stable machine-readable code for API errors and translations.
    public var code: String {
        switch self {
        case .empty: "import.file_empty"
        case .tooLarge: "import.file_too_large"
        case .tooManyRows: "import.too_many_rows"
        case .tooManyColumns: "import.too_many_columns"
        case .noHeader: "import.no_header"
        case .unterminatedQuote: "import.unterminated_quote"
        }
    }

    public var description: String {
        switch self {
        case .empty: "the file is empty"
        case .tooLarge(let max): "the file is larger than \(max) bytes"
        case .tooManyRows(let max): "the file has more than \(max) rows"
        case .tooManyColumns(let row, let max): "row \(row) has more than \(max) cells"
        case .noHeader: "the file has no header row"
        case .unterminatedQuote(let line): "line \(line): a quoted cell is never closed"
        }
    }
}

/// One data row: its number as a spreadsheet shows it and its cells as written (cells are not
/// trimmed; line ends inside quoted cells are "\n"). Short rows are not padded.
public struct CSVRow: Sendable, Hashable, Codable {
    public var number: Int
    public var cells: [String]

    public init(number: Int, cells: [String]) {
        self.number = number
        self.cells = cells
    }

    /// The cell in `column`, or "" when the row is shorter.
    public subscript(column: Int) -> String {
        column >= 0 && column < cells.count ? cells[column] : ""
    }
}

/// A decoded CSV file: a header row and data rows (RFC 4180, with the leniency spreadsheets need).
///
/// Rows are numbered as a spreadsheet opened on the file numbers them: every record counts,
/// blank ones included, and an Excel `sep=;` first line does not. The header is normally row 1;
/// leading blank rows and up to three title rows (a single filled cell above a wider header,
/// as in "固定资产清单,,,,") are skipped, so the header may be row 2 or later.
///
/// Header names are trimmed and made unique so a mapping can key on them: an empty name in the
/// middle becomes "#N" (N the 1-based column), a repeated one "Name #2", "Name #3". Trailing
/// empty header cells are dropped. Blank data rows (only spaces or empty cells) are skipped.
public struct CSVTable: Sendable, Hashable, Codable {
    public var encoding: CSVEncoding
    public var delimiter: CSVDelimiter
    /// The spreadsheet row number of the header.
    public var headerRow: Int
    public var headers: [String]
    public var rows: [CSVRow]

    public init(encoding: CSVEncoding, delimiter: CSVDelimiter, headerRow: Int = 1, headers: [String], rows: [CSVRow]) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.headerRow = headerRow
        self.headers = headers
        self.rows = rows
    }

    /// Rows whose cell count differs from the header's, for a warning in the preview. Short rows
    /// read as if padded with empty cells (old Excel drops trailing empty cells); cells beyond
    /// the header are refused by `AssetImportPlan` when they hold anything.
    public var raggedRows: [Int] {
        rows.filter { $0.cells.count != headers.count }.map(\.number)
    }

    /// The index of the column with this header name.
    public func column(named name: String) -> Int? {
        headers.firstIndex(of: name)
    }

    public static let defaultMaxColumns = 512
    static let maxTitleRows = 3

    /// Reads a CSV file. Work and memory are linear in the input and stop early at a limit.
    ///
    /// - Parameters:
    ///   - maxRows: most data rows accepted (header and blank rows not counted).
    ///   - maxBytes: most bytes accepted, checked before anything is decoded.
    ///   - maxColumns: most cells in one row.
    ///   - encoding: forces an encoding (the preview's "wrong characters?" choice); nil detects it.
    ///   - delimiter: forces a delimiter; nil sniffs it.
    public static func parse(
        _ bytes: [UInt8], maxRows: Int, maxBytes: Int, maxColumns: Int = defaultMaxColumns,
        encoding: CSVEncoding? = nil, delimiter: CSVDelimiter? = nil
    ) throws(CSVError) -> CSVTable {
        guard bytes.count <= maxBytes else { throw .tooLarge(maxBytes: maxBytes) }
        let decoded = CSVDecoding.decode(bytes, forcing: encoding)
        var text = Array(decoded.text.utf8)
        guard !text.isEmpty else { throw .empty }

        var chosen = delimiter
        var lineOffset = 0
        if let hint = CSVScanner.excelSeparatorHint(text) {
            chosen = chosen ?? hint.delimiter
            text.removeFirst(hint.length)
            lineOffset = 1
        }
        let sep = chosen ?? CSVScanner.sniff(text)

        var scanner = CSVScanner(text: text, delimiter: sep.byte, lineOffset: lineOffset)
        var records: [CSVRow] = []
        var nonBlank = 0
        var number = 0
        let cap = maxRows > Int.max - maxTitleRows - 2 ? Int.max : maxRows + maxTitleRows + 1
        while let cells = try scanner.next() {
            number += 1
            guard cells.count <= maxColumns else { throw .tooManyColumns(row: number, maxColumns: maxColumns) }
            if isBlank(cells) { continue }
            nonBlank += 1
            if nonBlank > cap { throw .tooManyRows(maxRows: maxRows) }
            records.append(CSVRow(number: number, cells: cells))
        }
        guard !records.isEmpty else { throw .noHeader }

        let headerIndex = titleRowsBeforeHeader(records)
        let data = Array(records[(headerIndex + 1)...])
        guard data.count <= maxRows else { throw .tooManyRows(maxRows: maxRows) }
        let header = records[headerIndex]
        return CSVTable(encoding: decoded.encoding, delimiter: sep, headerRow: header.number,
                        headers: headerNames(header.cells), rows: data)
    }

    static func isBlank(_ cells: [String]) -> Bool {
        cells.allSatisfy { ImportText.isBlank($0) }
    }

    /// How many leading non-blank records are title rows: one filled cell while a later record
    /// (among the next few) fills several.
    static func titleRowsBeforeHeader(_ records: [CSVRow]) -> Int {
        func filled(_ row: CSVRow) -> Int { row.cells.lazy.filter { !ImportText.isBlank($0) }.count }
        var index = 0
        while index < maxTitleRows, index + 1 < records.count, filled(records[index]) == 1 {
            let ahead = records[(index + 1)..<min(records.count, index + 1 + maxTitleRows + 1)]
            guard ahead.contains(where: { filled($0) >= 2 }) else { break }
            index += 1
        }
        return index
    }

    /// Trimmed, single-line, unique names; trailing empty cells dropped.
    static func headerNames(_ cells: [String]) -> [String] {
        var names = cells.map { ImportText.singleLine($0) }
        while let last = names.last, last.isEmpty { names.removeLast() }
        var used = Set<String>()
        var result: [String] = []
        result.reserveCapacity(names.count)
        for (index, name) in names.enumerated() {
            var candidate = name.isEmpty ? "#\(index + 1)" : name
            var copy = 2
            while used.contains(candidate) {
                candidate = (name.isEmpty ? "#\(index + 1)" : name) + " #\(copy)"
                copy += 1
            }
            used.insert(candidate)
            result.append(candidate)
        }
        return result
    }
}
