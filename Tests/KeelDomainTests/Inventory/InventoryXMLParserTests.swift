import Foundation
import KeelDomain
import XCTest

/// Records the parser's events as readable lines.
struct InventoryXMLRecorder: InventoryXMLHandler {
    var events: [String] = []

    mutating func startElement(_ name: InventoryXMLBytes, attributes: [InventoryXMLAttribute], depth: Int) {
        let attributeText = attributes.map { " \($0.name.string)=\($0.value.string)" }.joined()
        events.append("start \(depth) \(name.string)\(attributeText)")
    }

    mutating func endElement(depth: Int) {
        events.append("end \(depth)")
    }

    mutating func text(_ text: InventoryXMLText, depth: Int) {
        if !text.isWhitespace { events.append("text \(depth) \(text.string)") }
    }

    static func events(_ xml: String, limits: InventoryReadLimits = .standard) throws -> [String] {
        try events(Array(xml.utf8), limits: limits)
    }

    static func events(_ bytes: [UInt8], limits: InventoryReadLimits = .standard) throws -> [String] {
        var recorder = InventoryXMLRecorder()
        try InventoryXMLParser.parse(bytes, limits: limits, into: &recorder)
        return recorder.events
    }
}

final class InventoryXMLParserTests: XCTestCase {
    func testElementsAttributesTextAndSelfClosingTags() throws {
        let events = try InventoryXMLRecorder.events("""
            <?xml version="1.0" encoding="UTF-8" ?>
            <a x="1" y='two &amp; three'><b>hi</b><c/><d  z = "&#65;&#x42;" /></a>
            """)
        XCTAssertEqual(events, [
            "start 1 a x=1 y=two & three", "start 2 b", "text 2 hi", "end 2", "start 2 c", "end 2",
            "start 2 d z=AB", "end 2", "end 1",
        ])
    }

    func testPredefinedEntitiesCharacterReferencesAndCDATA() throws {
        let events = try InventoryXMLRecorder.events(
            "<a>&lt;&gt;&amp;&quot;&apos;&#20013;&#x6587;<![CDATA[<raw> & ]]>end</a>")
        XCTAssertEqual(events, ["start 1 a", "text 1 <>&\"'中文", "text 1 <raw> & ", "text 1 end", "end 1"])
    }

    func testCommentsProcessingInstructionsAndByteOrderMarkAreSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<!-- c --><?pi x?><a><!-- <b> --></a><!-- after -->\n".utf8)
        XCTAssertEqual(try InventoryXMLRecorder.events(bytes), ["start 1 a", "end 1"])
    }

    func testTrimmedTextKeepsInnerSpaces() throws {
        struct Trim: InventoryXMLHandler {
            var values: [String] = []
            mutating func startElement(_ name: InventoryXMLBytes, attributes: [InventoryXMLAttribute], depth: Int) {}
            mutating func endElement(depth: Int) {}
            mutating func text(_ text: InventoryXMLText, depth: Int) { values.append(text.trimmedString) }
        }
        var handler = Trim()
        try InventoryXMLParser.parse(Array("<a>\n  Google  Chrome &amp; co \t</a>".utf8), into: &handler)
        XCTAssertEqual(handler.values, ["Google  Chrome & co"])
    }

    func testInvalidUTF8IsReplacedNotRefused() throws {
        let bytes = Array("<a>ok".utf8) + [0xFF, 0xC3] + Array("</a>".utf8)
        XCTAssertEqual(try InventoryXMLRecorder.events(bytes), ["start 1 a", "text 1 ok\u{FFFD}\u{FFFD}", "end 1"])
    }

    func testMalformedDocumentsReportTheirLine() {
        let cases: [(String, Int)] = [
            ("<a>\n<b>\n</a>", 3),             // mismatched end tag
            ("<a>\n</a>\n<b/>", 3),            // second root
            ("<a>\n</a>\ntext", 3),            // text after the root
            ("<a>\n&bogus;</a>", 2),           // unknown entity
            ("<a>\n&#0;</a>", 2),              // character XML does not allow
            ("<a>\n&amp</a>", 2),              // unterminated reference
            ("<a b=\"1\"c=\"2\"/>", 1),        // attributes need a space between them
            ("<a b=1/>", 1),                   // unquoted attribute
            ("<a b=\"<\"/>", 1),               // < in an attribute
            ("<>", 1),                         // empty name
            ("<a>\n\n<!-- never closed", 3),   // unterminated comment
            ("<a>", 1),                        // truncated
            ("", 1),                           // empty
            ("   \n  ", 2),                    // no root
        ]
        for (xml, line) in cases {
            XCTAssertThrowsError(try InventoryXMLRecorder.events(xml), xml) { error in
                XCTAssertEqual(error as? InventoryReadError, .malformedXML(line: line), xml)
            }
        }
    }

    func testDeclarationsAreRefusedWhereverTheyAppear() {
        for xml in ["<!DOCTYPE a><a/>", "<a><!ENTITY x \"y\"></a>", "<!doctype html><a/>", "<!ELEMENT a ANY><a/>"] {
            XCTAssertThrowsError(try InventoryXMLRecorder.events(xml), xml) { error in
                XCTAssertEqual(error as? InventoryReadError, .entitiesRefused, xml)
            }
        }
    }
}
