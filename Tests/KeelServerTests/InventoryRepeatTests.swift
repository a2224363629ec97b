import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// The same inventory bytes again are recognised by their hash before anything is inflated or
/// read: "last seen" moves, nothing else; other bytes, and other organisations, take the full path.
extension InventoryIntakeTests {
    func testTheSameBytesAgainOnlyMoveLastSeen() async throws {
        let key = try await issueKey(green)
        let body = try fixture("linux-debian12-agent26.zlib")
        var (status, reply) = try await post(key, body)
        XCTAssertEqual(status, .ok, reply)
        let found = try await Asset.query(on: app.db).filter(\.$organization.$id == green).first()
        let first = try XCTUnwrap(found)
        XCTAssertEqual(first.inventoryBodyHash, "xml:" + Secrets.sha256Hex(bytes: body))
        // The software links (handed to SQLite as one JSON array there) read back as the catalogue's rows.
        let software = try await InstalledSoftware.list(of: first.requireID(), on: app.db)
        XCTAssertGreaterThan(software.count, 500)
        XCTAssertEqual(Set(software.map(\.identity)).count, software.count)
        XCTAssertTrue(software.contains { $0.name.lowercased().contains("openssl") && !$0.version.isEmpty }, "names and versions kept")
        // Pretend the last inventory was long ago; the same bytes bring it to now.
        first.lastInventoryAt = Date().addingTimeInterval(-30 * 86_400)
        try await first.save(on: app.db)
        (status, reply) = try await post(key, body)
        XCTAssertEqual(status, .ok)
        XCTAssertTrue(reply.contains("<REPLY>"), "the agent's own answer: \(reply)")
        let seen = try await Asset.find(first.id, on: app.db)
        XCTAssertGreaterThan(try XCTUnwrap(seen?.lastInventoryAt), Date().addingTimeInterval(-60))
        let count = try await Asset.query(on: app.db).filter(\.$organization.$id == green).count()
        XCTAssertEqual(count, 1)
        // The same document uncompressed: other bytes, the full path, still the same device.
        (status, _) = try await post(key, try fixture("linux-debian12-agent26.xml"), contentType: "application/xml")
        XCTAssertEqual(status, .ok)
        let switched = try await Asset.find(first.id, on: app.db)
        XCTAssertTrue(switched?.inventoryBodyHash?.hasPrefix("xml:") ?? false)
        XCTAssertNotEqual(switched?.inventoryBodyHash, first.inventoryBodyHash, "the ledger remembers the last body")
        // Another organisation sending those bytes gets its own asset (flagged), not a touch of ours.
        let otherKey = try await issueKey(bloom)
        (status, _) = try await post(otherKey, body)
        XCTAssertEqual(status, .ok)
        let theirs = try await Asset.query(on: app.db).filter(\.$organization.$id == bloom).count()
        XCTAssertEqual(theirs, 1)
        // A prolog never matches an asset's body.
        (status, reply) = try await post(key, try fixture("prolog-request.xml"), contentType: "application/xml")
        XCTAssertTrue(reply.contains("<RESPONSE>SEND</RESPONSE>"), reply)
    }
}
