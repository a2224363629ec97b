import Foundation
import KeelDomain
import XCTest

final class InventoryFingerprintTests: XCTestCase {
    /// What a real agent's second run changes in an unchanged machine's document (compared
    /// byte for byte between two runs of fusioninventory-agent 2.6): the date, one volume's
    /// free space, and the section checksum.
    private func rerun(_ document: [UInt8]) -> [UInt8] {
        var text = String(decoding: document, as: UTF8.self)
        text = text.replacingOccurrences(of: "<LOGDATE>2026-11-23 14:16:52</LOGDATE>", with: "<LOGDATE>2026-11-24 14:16:58</LOGDATE>")
        text = text.replacingOccurrences(of: "<FREE>65815</FREE>", with: "<FREE>65790</FREE>")
        text = text.replacingOccurrences(of: "<CHECKSUM>", with: "<CHECKSUM>1")
        return Array(text.utf8)
    }

    func testUnchangedReinventoryHasTheSameFingerprint() throws {
        let document = try InventoryFixtures.linux()
        let second = rerun(document)
        XCTAssertNotEqual(document, second)
        let (first, _) = try InventoryFixtures.read(document)
        let (again, _) = try InventoryFixtures.read(second)
        XCTAssertNotEqual(first, again, "the free space did change")
        XCTAssertEqual(first.fingerprint, again.fingerprint)
    }

    func testContentChangesChangeTheFingerprint() throws {
        let (base, _) = try InventoryFixtures.read(try InventoryFixtures.windows())
        var mutations: [(String, (inout Inventory) -> Void)] = [
            ("software version", { $0.software[0].version = "3.9.9" }),
            ("software removed", { $0.software.removeLast() }),
            ("memory", { $0.memoryMB = 32768 }),
            ("serial", { $0.hardware.serial = "OTHER" }),
            ("volume size", { $0.volumes[0].totalMB = 1 }),
            ("ipv4", { $0.networks[0].ipv4 = ["10.0.0.9"] }),
            ("antivirus state", { $0.antivirus[0].enabled = true }),
            ("last user", { $0.lastLoggedUser = "li.na" }),
            ("os", { $0.os.version = "23H2" }),
            ("tag", { $0.tag = nil }),
        ]
        mutations.append(("nil versus empty", { $0.hardware.workgroup = "" }))
        var seen: Set<InventoryFingerprint> = [base.fingerprint]
        for (label, mutate) in mutations {
            var copy = base
            mutate(&copy)
            XCTAssertTrue(seen.insert(copy.fingerprint).inserted, label)
        }
    }

    func testVolatileFieldsAndOrderDoNotChangeTheFingerprint() throws {
        let (base, _) = try InventoryFixtures.read(try InventoryFixtures.windows())
        var copy = base
        copy.inventoryDate = "2030-01-01 00:00:00"
        copy.volumes[1].freeMB = 7
        copy.networks[0].ipv6 = ["2001:db8::1234"]
        copy.software.reverse()
        copy.antivirus.reverse()
        XCTAssertEqual(copy.fingerprint, base.fingerprint)
    }

    func testFingerprintIsStableAcrossRunsAndMachines() {
        let inventory = Inventory(ids: InventoryDeviceIDs(deviceID: "pc-1"), memoryMB: 8192,
                                  software: [InventorySoftware(name: "微信", version: "3.9.8.25")])
        XCTAssertEqual(inventory.fingerprint.description.count, 16)
        // Stored fingerprints must keep matching: a changed encoding needs a new `version`.
        XCTAssertEqual(inventory.fingerprint.description, "\(Self.pinned)")
    }

    private static let pinned = "c3829f2015a60ef5"
}
