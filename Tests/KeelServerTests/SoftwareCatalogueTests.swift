import Fluent
import Foundation
import SQLKit
import XCTest
import XCTVapor
@testable import KeelServer

extension InstalledSoftware {
    /// Installs `rows` on a device without an inventory, for tests that need software in place.
    static func install(_ rows: [Row], on assetID: UUID, db: any Database) async throws {
        let (ids, _) = try await resolve(rows, known: rows.map { _ in nil }, on: db)
        try await replace(on: assetID, with: ids, isNew: false, on: db)
    }
}

/// Software found by inventory is stored as links to one install-wide catalogue of versions
/// (migration 023): devices share rows, a new version string is a new row, reads stay within
/// the caller's organisations, and the id cache learns nothing from a rolled-back write.
extension InventoryIntakeTests {
    private func versionRows() async throws -> Int {
        let row = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM software_versions").first()
        return try row?.decode(column: "n", as: Int.self) ?? -1
    }

    /// The Debian fixture as another machine: its own DEVICEID and serial, `adduser` at `adduserVersion`.
    private func document(device: String, adduserVersion: String = "3.134") throws -> [UInt8] {
        var text = String(decoding: try fixture("linux-debian12-agent26.xml"), as: UTF8.self)
        let start = try XCTUnwrap(text.range(of: "<DEVICEID>")).upperBound
        let end = try XCTUnwrap(text.range(of: "</DEVICEID>", range: start..<text.endIndex)).lowerBound
        text.replaceSubrange(start..<end, with: device)
        text = text.replacingOccurrences(of: "<SSN></SSN>", with: "<SSN>SN-\(device)</SSN>")
        // adduser's is the only 3.134 in the document.
        text = text.replacingOccurrences(of: "<VERSION>3.134</VERSION>", with: "<VERSION>\(adduserVersion)</VERSION>")
        return zlib(Array(text.utf8))
    }

    private func software(of organization: UUID) async throws -> (UUID, [InstalledSoftware.Row]) {
        let found = try await Asset.query(on: app.db).filter(\.$organization.$id == organization).first()
        let asset = try XCTUnwrap(found)
        return (try asset.requireID(), try await InstalledSoftware.list(of: asset.requireID(), on: app.db))
    }

    func testDevicesShareCatalogueRowsAndANewVersionIsANewRow() async throws {
        var (status, reply) = try await post(try await issueKey(green), try document(device: "green-pc-1"))
        XCTAssertEqual(status, .ok, reply)
        let (_, greenSoftware) = try await software(of: green)
        XCTAssertGreaterThan(greenSoftware.count, 500)
        let rows = try await versionRows()
        XCTAssertEqual(rows, greenSoftware.count, "one catalogue row per distinct name, version and publisher")
        // Another organisation's machine with the same software adds links, not rows.
        (status, reply) = try await post(try await issueKey(bloom), try document(device: "bloom-pc-1"))
        XCTAssertEqual(status, .ok, reply)
        let (bloomAsset, bloomSoftware) = try await software(of: bloom)
        XCTAssertEqual(bloomSoftware, greenSoftware)
        let afterSecond = try await versionRows()
        XCTAssertEqual(afterSecond, rows)
        // An upgrade on that machine: one new row; its list has the new version, not the old one.
        (status, reply) = try await post(try await issueKey(bloom), try document(device: "bloom-pc-1", adduserVersion: "3.135"))
        XCTAssertEqual(status, .ok, reply)
        let afterUpgrade = try await versionRows()
        XCTAssertEqual(afterUpgrade, rows + 1)
        let upgraded = try await InstalledSoftware.list(of: bloomAsset, on: app.db).filter { $0.name == "adduser" }.map(\.version)
        XCTAssertEqual(upgraded, ["3.135"])
        let (_, greenAgain) = try await software(of: green)
        XCTAssertEqual(greenAgain.filter { $0.name == "adduser" }.map(\.version), ["3.134"], "the other device keeps its version")
        // Shared rows, separate views: Bloom's admin counts Bloom's one device, and sees one version.
        let bloomAdmin = try await token("owner@bloom.example")
        let (listed, body) = try await call(.GET, "/api/v1/software?q=adduser", token: bloomAdmin)
        XCTAssertEqual(listed, .ok, body)
        let items = object(body)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(items.count, 1, body)
        XCTAssertEqual(items.first?["devices"] as? Int, 1)
        XCTAssertEqual(items.first?["versions"] as? Int, 1)
        let admin = try await token("admin@keel.test")
        let (_, all) = try await call(.GET, "/api/v1/software?q=adduser", token: admin)
        XCTAssertEqual((object(all)["items"] as? [[String: Any]])?.first?["versions"] as? Int, 2, all)
    }

    func testARolledBackWriteTeachesTheCacheNothing() async throws {
        let rows = [InstalledSoftware.Row(key: "keel-test-tool", name: "Keel Test Tool", version: "9.9", publisher: "Keel")]
        let cache = app.softwareVersions
        struct Refused: Error {}
        do {
            _ = try await app.write { db -> Int in
                let (ids, learned) = try await InstalledSoftware.resolve(rows, known: cache.lookup(rows), on: db)
                XCTAssertEqual(ids.count, 1)
                XCTAssertEqual(learned.count, 1)
                throw Refused()
            }
            XCTFail("the write was refused")
        } catch is Refused {}
        XCTAssertEqual(cache.lookup(rows), [nil])
        let stored = try await (app.db as! any SQLDatabase).select().column("id").from("software_versions")
            .where("name", .equal, SQLBind("Keel Test Tool")).all()
        XCTAssertTrue(stored.isEmpty, "rolled back with the write")
    }

    /// Migration 023 moves per-device rows into the catalogue and back without losing any.
    func testTheCatalogueMigrationKeepsEveryDevicesSoftware() async throws {
        let (status, reply) = try await post(try await issueKey(green), try document(device: "green-pc-2"))
        XCTAssertEqual(status, .ok, reply)
        let (assetID, before) = try await software(of: green)
        try await SoftwareCatalogue().revert(on: app.db)
        let old = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM asset_software WHERE asset_id = \(bind: assetID)").first()
        XCTAssertEqual(try old?.decode(column: "n", as: Int.self), before.count)
        try await SoftwareCatalogue().prepare(on: app.db)
        let after = try await InstalledSoftware.list(of: assetID, on: app.db)
        XCTAssertEqual(after, before)
    }
}
