import Foundation
import KeelDomain
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers for the CSV and asset import tests.
enum ImportFixtures {
    static let standardMaxRows = 10_000
    static let standardMaxBytes = 5 << 20

    /// Text encoded with iconv (GB18030, UTF-16LE…), as Chinese Excel or WPS would write it.
    static func encode(_ text: String, to charset: String) -> [UInt8] {
        guard let cd = iconv_open(charset, "UTF-8"), cd != UnsafeMutableRawPointer(bitPattern: -1) else {
            XCTFail("iconv lacks \(charset)")
            return []
        }
        defer { iconv_close(cd) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        let written = input.withUnsafeMutableBufferPointer { inBuffer -> Int in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                let rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                XCTAssertNotEqual(rc, -1, "iconv failed for \(charset)")
                return outBuffer.count - outLeft
            }
        }
        return Array(output.prefix(written))
    }

    static func parse(_ text: String, maxRows: Int = standardMaxRows, maxBytes: Int = standardMaxBytes,
                      file: StaticString = #filePath, line: UInt = #line) -> CSVTable? {
        parse(Array(text.utf8), maxRows: maxRows, maxBytes: maxBytes, file: file, line: line)
    }

    static func parse(_ bytes: [UInt8], maxRows: Int = standardMaxRows, maxBytes: Int = standardMaxBytes,
                      file: StaticString = #filePath, line: UInt = #line) -> CSVTable? {
        do {
            return try CSVTable.parse(bytes, maxRows: maxRows, maxBytes: maxBytes)
        } catch {
            XCTFail("refused: \(error)", file: file, line: line)
            return nil
        }
    }

    static func refusal(_ bytes: [UInt8], maxRows: Int = standardMaxRows, maxBytes: Int = standardMaxBytes,
                        maxColumns: Int = CSVTable.defaultMaxColumns) -> CSVError? {
        do {
            _ = try CSVTable.parse(bytes, maxRows: maxRows, maxBytes: maxBytes, maxColumns: maxColumns)
            return nil
        } catch {
            return error
        }
    }

    /// A plan for CSV text with the guessed mapping (or the one given).
    static func plan(_ text: String, mapping: AssetImportMapping? = nil,
                     defaults: AssetImportDefaults = AssetImportDefaults(currency: "CNY"),
                     file: StaticString = #filePath, line: UInt = #line) -> AssetImportPlan? {
        guard let table = parse(text, file: file, line: line) else { return nil }
        return AssetImportPlan.build(table: table, mapping: mapping ?? .guess(headers: table.headers), defaults: defaults)
    }
}
