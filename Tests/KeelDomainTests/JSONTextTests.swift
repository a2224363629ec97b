import Foundation
import XCTest
@testable import KeelDomain

/// Hand-written JSON strings must read back as the text they came from.
final class JSONTextTests: XCTestCase {
    func testQuotedTextReadsBackExactly() throws {
        for text in ["", "plain", "WPS Office 2019 个人版", "say \"hi\"", "C:\\Program Files", "line\nbreak\ttab\r", "bell\u{07}del\u{7F}",
                     "separators \u{2028} and \u{2029}", "emoji 🧑‍💻", "€ and ₤"] {
            let json = JSONText.quoted(text)
            let decoded = try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [String]
            XCTAssertEqual(decoded?.first, text, json)
            XCTAssertFalse(json.dropFirst().dropLast().contains("\n"), "no raw line breaks: \(json)")
            XCTAssertFalse(json.contains("\u{2028}"), "no raw line separators (they end a line in JavaScript): \(json)")
        }
    }
}
