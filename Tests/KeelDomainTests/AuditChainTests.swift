import Foundation
import KeelDomain
import XCTest

final class AuditChainTests: XCTestCase {
    /// A stand-in digest: the chain logic does not depend on which hash is used.
    private func digest(_ text: String) -> String {
        var value: UInt64 = 1469598103934665603
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 1099511628211 }
        return String(value, radix: 16)
    }

    private func chain(_ count: Int) -> [AuditRecord] {
        var previous = AuditChain.genesisHash
        return (1...count).map { index in
            var record = AuditRecord(sequence: index, at: Date(timeIntervalSince1970: Double(index) * 60), actorID: nil,
                                     actorLabel: "admin@keel.test", via: "session", credentialID: nil, address: "127.0.0.1",
                                     organizationID: nil, action: "organization.update", entityType: "organization",
                                     entityID: "e\(index)", changes: "{\"name\":{\"after\":\"v\(index)\"}}",
                                     previousHash: previous, hash: "")
            record.hash = digest(record.canonicalText)
            previous = record.hash
            return record
        }
    }

    func testAnIntactChainVerifies() {
        XCTAssertEqual(AuditChain.verify(chain(5), hash: digest).0, .intact(rows: 5))
    }

    func testAnEditedRowIsNamed() {
        var records = chain(5)
        records[2].changes = "{\"name\":{\"after\":\"forged\"}}"
        XCTAssertEqual(AuditChain.verify(records, hash: digest).0, .tampered(sequence: 3, reason: "hash_mismatch"))
    }

    func testADeletedRowBreaksTheNextLink() {
        var records = chain(5)
        records.remove(at: 1)
        XCTAssertEqual(AuditChain.verify(records, hash: digest).0, .tampered(sequence: 3, reason: "previous_hash_mismatch"))
    }

    func testARecomputedRowStillBreaksItsSuccessor() {
        var records = chain(4)
        records[1].action = "user.delete"
        records[1].hash = digest(records[1].canonicalText)
        XCTAssertEqual(AuditChain.verify(records, hash: digest).0, .tampered(sequence: 3, reason: "previous_hash_mismatch"))
    }

    func testPagesCarryTheChainAcross() {
        let records = chain(6)
        let (first, last) = AuditChain.verify(Array(records[0..<3]), hash: digest)
        XCTAssertEqual(first, .intact(rows: 3))
        XCTAssertEqual(AuditChain.verify(Array(records[3...]), startingAfter: last, count: 3, hash: digest).0, .intact(rows: 6))
    }

    func testFieldBoundariesCannotBeShifted() {
        var one = chain(1)[0]
        var two = one
        one.actorLabel = "ab"; one.via = "c"
        two.actorLabel = "a"; two.via = "bc"
        XCTAssertNotEqual(one.canonicalText, two.canonicalText)
    }
}
