import Foundation
import KeelDomain
import XCTest

/// RFC 4180 reading with spreadsheet leniency, encodings, delimiters and limits.
final class CSVTableTests: XCTestCase {
    private func cells(_ table: CSVTable?) -> [[String]] {
        table?.rows.map(\.cells) ?? []
    }

    // MARK: - Quoting

    func testQuotedCellsHoldDelimitersQuotesAndLineEnds() throws {
        let csv = "Name,Notes,Serial\n\"Dell, OptiPlex\",\"He said \"\"hi\"\"\",A1\n\"PC-2\",\"line one\r\nline two\rthree\",\"\"\n"
        let table = try XCTUnwrap(ImportFixtures.parse(csv))
        XCTAssertEqual(table.headers, ["Name", "Notes", "Serial"])
        XCTAssertEqual(cells(table), [["Dell, OptiPlex", "He said \"hi\"", "A1"],
                                      ["PC-2", "line one\nline two\nthree", ""]])
        XCTAssertEqual(table.rows.map(\.number), [2, 3], "a quoted line end does not start a spreadsheet row")
    }

    func testQuoteEdgeCases() throws {
        // A quote inside an unquoted cell is literal; text after a closing quote is kept; spaces
        // before an opening quote are dropped; an empty quoted cell is empty; """" is one quote.
        let csv = "a,b,c,d,e\n5\" disk,\"ab\"c,  \"x, y\",\"\",\"\"\"\"\n"
        let table = try XCTUnwrap(ImportFixtures.parse(csv))
        XCTAssertEqual(cells(table), [["5\" disk", "abc", "x, y", "", "\""]])
    }

    func testTrailingDelimiterMakesAnEmptyLastCell() throws {
        let table = try XCTUnwrap(ImportFixtures.parse("a,b,\n1,2,"))
        XCTAssertEqual(table.headers, ["a", "b"], "trailing empty header cells are dropped")
        XCTAssertEqual(cells(table), [["1", "2", ""]])
    }

    func testUnterminatedQuoteReportsTheLineItOpenedOn() {
        let csv = "Name,Notes\nPC-1,ok\nPC-2,\"never closed\nmore\nand more\n"
        XCTAssertEqual(ImportFixtures.refusal(Array(csv.utf8)), .unterminatedQuote(line: 3))
        XCTAssertEqual(CSVError.unterminatedQuote(line: 3).code, "import.unterminated_quote")
        // Line ends inside earlier quoted cells count as lines.
        let later = "Name,Notes\n\"a\nb\",x\nPC,\"open"
        XCTAssertEqual(ImportFixtures.refusal(Array(later.utf8)), .unterminatedQuote(line: 4))
    }

    // MARK: - Line ends and blank rows

    func testCRLFLFAndCRLineEnds() throws {
        for end in ["\r\n", "\n", "\r"] {
            let table = try XCTUnwrap(ImportFixtures.parse(["Name,Serial", "PC-1,S1", "PC-2,S2", ""].joined(separator: end)))
            XCTAssertEqual(cells(table), [["PC-1", "S1"], ["PC-2", "S2"]], "line end \(end.debugDescription)")
            XCTAssertEqual(table.rows.map(\.number), [2, 3])
        }
        // Mixed, as files edited on two systems are.
        let mixed = try XCTUnwrap(ImportFixtures.parse("Name\r\nA\nB\rC"))
        XCTAssertEqual(cells(mixed), [["A"], ["B"], ["C"]])
    }

    func testBlankRowsAreSkippedButCountedAndTrailingOnesIgnored() throws {
        let table = try XCTUnwrap(ImportFixtures.parse("Name,Serial\nPC-1,S1\n\n,\n  ,  \nPC-2,S2\n\n\n,,\n"))
        XCTAssertEqual(cells(table), [["PC-1", "S1"], ["PC-2", "S2"]])
        XCTAssertEqual(table.rows.map(\.number), [2, 6], "row numbers are what a spreadsheet shows")
    }

    func testRaggedRowsAreKeptAndReported() throws {
        let table = try XCTUnwrap(ImportFixtures.parse("a,b,c\n1,2,3\n1\n1,2,3,4\n"))
        XCTAssertEqual(cells(table), [["1", "2", "3"], ["1"], ["1", "2", "3", "4"]])
        XCTAssertEqual(table.raggedRows, [3, 4])
        XCTAssertEqual(table.rows[1][2], "", "a missing cell reads as empty")
        XCTAssertEqual(table.rows[1][-1], "")
    }

    // MARK: - Header

    func testHeaderNamesAreTrimmedAndMadeUnique() throws {
        let table = try XCTUnwrap(ImportFixtures.parse(" Name ,,备注,备注,\"Multi\nline\",#2,,\n1,2,3,4,5,6\n"))
        XCTAssertEqual(table.headers, ["Name", "#2", "备注", "备注 #2", "Multi line", "#2 #2"])
        XCTAssertEqual(table.column(named: "备注 #2"), 3)
    }

    func testTitleRowAboveTheHeaderIsSkipped() throws {
        let csv = "固定资产清单,,,\n\n名称,型号,序列号,备注\nPC-1,X1,S1,\n"
        let table = try XCTUnwrap(ImportFixtures.parse(csv))
        XCTAssertEqual(table.headerRow, 3)
        XCTAssertEqual(table.headers, ["名称", "型号", "序列号", "备注"])
        XCTAssertEqual(table.rows.map(\.number), [4])
        // A one-column file keeps its header.
        let single = try XCTUnwrap(ImportFixtures.parse("Name\nPC-1\nPC-2\n"))
        XCTAssertEqual(single.headers, ["Name"])
        XCTAssertEqual(single.headerRow, 1)
        XCTAssertEqual(cells(single), [["PC-1"], ["PC-2"]])
    }

    func testExcelSeparatorLine() throws {
        let table = try XCTUnwrap(ImportFixtures.parse("sep=;\r\nName;Notes\r\nPC-1;a,b\r\n"))
        XCTAssertEqual(table.delimiter, .semicolon)
        XCTAssertEqual(table.headers, ["Name", "Notes"])
        XCTAssertEqual(table.headerRow, 1, "Excel hides the sep= line")
        XCTAssertEqual(cells(table), [["PC-1", "a,b"]])
    }

    // MARK: - Delimiters

    func testSniffsSemicolonAndTab() throws {
        let semicolon = try XCTUnwrap(ImportFixtures.parse("Name;Cost;Notes\nPC-1;1234,50;a, b\nPC-2;99,00;c, d\n"))
        XCTAssertEqual(semicolon.delimiter, .semicolon)
        XCTAssertEqual(cells(semicolon), [["PC-1", "1234,50", "a, b"], ["PC-2", "99,00", "c, d"]])

        let tab = try XCTUnwrap(ImportFixtures.parse("Name\tModel\tNotes\nPC-1\tT14, Gen 3\tx;y\n"))
        XCTAssertEqual(tab.delimiter, .tab)
        XCTAssertEqual(cells(tab), [["PC-1", "T14, Gen 3", "x;y"]])

        let comma = try XCTUnwrap(ImportFixtures.parse("Name,Notes\nPC-1,a;b\nPC-2,c;d;e\n"))
        XCTAssertEqual(comma.delimiter, .comma)
    }

    func testSniffingIgnoresDelimitersInsideQuotes() throws {
        let csv = "Name,Notes\n\"PC;1\",\"a;b;c\"\n\"PC;2\",\"d;e;f\"\n"
        let table = try XCTUnwrap(ImportFixtures.parse(csv))
        XCTAssertEqual(table.delimiter, .comma)
        XCTAssertEqual(cells(table), [["PC;1", "a;b;c"], ["PC;2", "d;e;f"]])
    }

    func testForcedDelimiterAndEncoding() throws {
        let table = try CSVTable.parse(Array("a,b;c\n1,2;3\n".utf8), maxRows: 10, maxBytes: 100, delimiter: .semicolon)
        XCTAssertEqual(table.headers, ["a,b", "c"])
        let gbk = ImportFixtures.encode("名称\nPC\n", to: "GB18030")
        let forced = try CSVTable.parse(gbk, maxRows: 10, maxBytes: 100, encoding: .windows1252)
        XCTAssertEqual(forced.encoding, .windows1252)
        XCTAssertNotEqual(forced.headers, ["名称"])
    }

    // MARK: - Encodings

    func testUTF8WithAndWithoutBOM() throws {
        let plain = try XCTUnwrap(ImportFixtures.parse(Array("名称,序列号\n笔记本,S1\n".utf8)))
        XCTAssertEqual(plain.encoding, .utf8)
        XCTAssertEqual(plain.headers, ["名称", "序列号"])
        let bom = try XCTUnwrap(ImportFixtures.parse([0xEF, 0xBB, 0xBF] + Array("名称,序列号\n笔记本,S1\n".utf8)))
        XCTAssertEqual(bom.encoding, .utf8BOM)
        XCTAssertEqual(bom.headers, ["名称", "序列号"], "the BOM is not part of the first header")
        XCTAssertEqual(cells(bom), [["笔记本", "S1"]])
    }

    func testGB18030LiteralBytesOfAChineseHeader() throws {
        // "序列号,名称\r\n" and a row "SN1,笔记本" as Chinese Excel writes them.
        let bytes: [UInt8] = [0xD0, 0xF2, 0xC1, 0xD0, 0xBA, 0xC5, 0x2C, 0xC3, 0xFB, 0xB3, 0xC6, 0x0D, 0x0A,
                              0x53, 0x4E, 0x31, 0x2C, 0xB1, 0xCA, 0xBC, 0xC7, 0xB1, 0xBE, 0x0D, 0x0A]
        let table = try XCTUnwrap(ImportFixtures.parse(bytes))
        XCTAssertEqual(table.encoding, .gb18030)
        XCTAssertEqual(table.headers, ["序列号", "名称"])
        XCTAssertEqual(cells(table), [["SN1", "笔记本"]])
    }

    func testGB18030FromIconvWithSemicolons() throws {
        let text = "资产编号;设备名称;备注\r\nA-001;财务部台式机;\"含分号;和换行\r\n第二行\"\r\n"
        let table = try XCTUnwrap(ImportFixtures.parse(ImportFixtures.encode(text, to: "GB18030")))
        XCTAssertEqual(table.encoding, .gb18030)
        XCTAssertEqual(table.delimiter, .semicolon)
        XCTAssertEqual(cells(table), [["A-001", "财务部台式机", "含分号;和换行\n第二行"]])
    }

    func testUTF16WithBOM() throws {
        let text = "名称\t型号\r\n笔记本\tT14\r\n"
        let le = try XCTUnwrap(ImportFixtures.parse([0xFF, 0xFE] + ImportFixtures.encode(text, to: "UTF-16LE")))
        XCTAssertEqual(le.encoding, .utf16LE)
        XCTAssertEqual(le.delimiter, .tab)
        XCTAssertEqual(le.headers, ["名称", "型号"])
        XCTAssertEqual(cells(le), [["笔记本", "T14"]])
        let be = try XCTUnwrap(ImportFixtures.parse([0xFE, 0xFF] + ImportFixtures.encode(text, to: "UTF-16BE")))
        XCTAssertEqual(be.encoding, .utf16BE)
        XCTAssertEqual(cells(be), [["笔记本", "T14"]])
    }

    func testBytesNeitherUTF8NorGB18030FallBackToWindows1252() throws {
        // 0xFF is invalid in both; Windows-1252 reads it as "ÿ", 0xFC as "ü".
        let table = try XCTUnwrap(ImportFixtures.parse([0x4E, 0x61, 0x6D, 0x65, 0x0A, 0x4D, 0xFC, 0xFF, 0x0A]))
        XCTAssertEqual(table.encoding, .windows1252)
        XCTAssertEqual(cells(table), [["Müÿ"]])
    }

    // MARK: - Limits and refusals

    func testEmptyAndHeaderless() {
        XCTAssertEqual(ImportFixtures.refusal([]), .empty)
        XCTAssertEqual(ImportFixtures.refusal([0xEF, 0xBB, 0xBF]), .empty)
        XCTAssertEqual(ImportFixtures.refusal(Array("\r\n\n  \n,,,\n".utf8)), .noHeader)
        XCTAssertEqual(CSVError.empty.code, "import.file_empty")
        XCTAssertEqual(CSVError.noHeader.code, "import.no_header")
    }

    func testHeaderOnlyIsATableWithoutRows() throws {
        let table = try XCTUnwrap(ImportFixtures.parse("Name,Serial\r\n\r\n"))
        XCTAssertEqual(table.headers, ["Name", "Serial"])
        XCTAssertTrue(table.rows.isEmpty)
    }

    func testSizeAndRowLimits() throws {
        let csv = Array("Name\nA\nB\n\nC\n".utf8)
        XCTAssertEqual(ImportFixtures.refusal(csv, maxBytes: csv.count - 1), .tooLarge(maxBytes: csv.count - 1))
        XCTAssertNil(ImportFixtures.refusal(csv, maxBytes: csv.count))
        XCTAssertNil(ImportFixtures.refusal(csv, maxRows: 3), "blank rows do not count")
        XCTAssertEqual(ImportFixtures.refusal(csv, maxRows: 2), .tooManyRows(maxRows: 2))
        XCTAssertEqual(ImportFixtures.refusal(Array("a,b,c\n1,2,3,4\n".utf8), maxColumns: 3),
                       .tooManyColumns(row: 2, maxColumns: 3))
        XCTAssertEqual(CSVError.tooLarge(maxBytes: 1).code, "import.file_too_large")
        XCTAssertEqual(CSVError.tooManyRows(maxRows: 1).code, "import.too_many_rows")
    }

    func testRowLimitStopsEarlyOnAHugeFile() {
        var text = "Name,Serial\n"
        for i in 0..<200_000 { text += "PC-\(i),S\(i)\n" }
        let start = Date()
        XCTAssertEqual(ImportFixtures.refusal(Array(text.utf8), maxRows: 100, maxBytes: 1 << 30), .tooManyRows(maxRows: 100))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testHostileInputsDoNotCrash() {
        let inputs: [[UInt8]] = [
            Array("\"".utf8), Array("\"\"\"".utf8), Array(",,,,\n\"".utf8), [0xFF, 0xFE, 0x41], [0xFE, 0xFF],
            Array(repeating: UInt8(ascii: ","), count: 10_000), Array(repeating: 0x0A, count: 10_000),
            [0x00, 0x00, 0x0A, 0x22, 0x00], Array("sep=".utf8), Array("sep=;".utf8), [0xC3], [0xE4, 0xB8],
        ]
        for input in inputs {
            _ = try? CSVTable.parse(input, maxRows: 100, maxBytes: 1 << 20)
        }
    }

    func testLargeTableParsesQuickly() throws {
        var text = "名称,型号,序列号,备注\r\n"
        for i in 0..<5_000 { text += "PC-\(i),ThinkPad T14,SN\(i),\"说明, 第\(i)台\"\r\n" }
        let start = Date()
        let table = try XCTUnwrap(ImportFixtures.parse(ImportFixtures.encode(text, to: "GB18030")))
        XCTAssertEqual(table.rows.count, 5_000)
        XCTAssertEqual(table.rows.last?.cells[3], "说明, 第4999台")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }

    func testCodableRoundTrip() throws {
        let table = try XCTUnwrap(ImportFixtures.parse("Name;Notes\nPC;x\n"))
        let data = try JSONEncoder().encode(table)
        XCTAssertEqual(try JSONDecoder().decode(CSVTable.self, from: data), table)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"semicolon\""))
    }
}
