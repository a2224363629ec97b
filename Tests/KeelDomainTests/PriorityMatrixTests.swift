import Foundation
import KeelDomain
import XCTest

final class PriorityMatrixTests: XCTestCase {
    func testDefaultMatrixIsTheOneInINTEROP() {
        let m = PriorityMatrix.standard
        let expected: [(Impact, Urgency, Priority)] = [
            (.organization, .high, .critical), (.organization, .medium, .high), (.organization, .low, .medium),
            (.department, .high, .high), (.department, .medium, .medium), (.department, .low, .low),
            (.user, .high, .medium), (.user, .medium, .low), (.user, .low, .low),
        ]
        for (impact, urgency, priority) in expected {
            XCTAssertEqual(m.priority(impact: impact, urgency: urgency), priority, "\(impact) × \(urgency)")
        }
    }

    func testRawValuesAreTheAPIStrings() {
        XCTAssertEqual(Impact.allCases.map(\.rawValue), ["organization", "department", "user"])
        XCTAssertEqual(Urgency.allCases.map(\.rawValue), ["high", "medium", "low"])
        XCTAssertEqual(Priority.allCases.map(\.rawValue), ["critical", "high", "medium", "low"])
    }

    func testMatrixIsConfigurable() {
        let strict = PriorityMatrix.standard.setting(.critical, impact: .department, urgency: .high)
        XCTAssertEqual(strict.priority(impact: .department, urgency: .high), .critical)
        XCTAssertEqual(strict.priority(impact: .user, urgency: .high), .medium)
        XCTAssertNotEqual(strict, PriorityMatrix.standard)
        XCTAssertEqual(PriorityMatrix(PriorityMatrix.standard.table), .standard)
        var incomplete = PriorityMatrix.standard.table
        incomplete[.user]?[.low] = nil
        XCTAssertNil(PriorityMatrix(incomplete))
    }

    func testMatrixJSONRoundTripsAndNeedsAllNineCells() throws {
        let data = try JSONEncoder().encode(PriorityMatrix.standard)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String: String]])
        XCTAssertEqual(object["organization"], ["high": "critical", "medium": "high", "low": "medium"])
        XCTAssertEqual(try JSONDecoder().decode(PriorityMatrix.self, from: data), .standard)

        let missing = #"{"organization": {"high": "critical", "medium": "high", "low": "medium"},"#
            + #""department": {"high": "high", "medium": "medium", "low": "low"}, "user": {"high": "medium", "medium": "low"}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(PriorityMatrix.self, from: Data(missing.utf8)))
        let unknownPriority = #"{"organization": {"high": "urgent", "medium": "high", "low": "medium"},"#
            + #""department": {"high": "high", "medium": "medium", "low": "low"}, "user": {"high": "medium", "medium": "low", "low": "low"}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(PriorityMatrix.self, from: Data(unknownPriority.utf8)))
    }
}
