import Foundation
import KeelDomain
import XCTest

final class InventoryMatcherTests: XCTestCase {
    private let acme = UUID(uuidString: "00000000-0000-0000-0000-00000000AC3E")!
    private let globex = UUID(uuidString: "00000000-0000-0000-0000-0000000610BE")!
    private let laptop = UUID(uuidString: "10000000-0000-0000-0000-000000000001")!
    private let desktop = UUID(uuidString: "10000000-0000-0000-0000-000000000002")!
    private let server = UUID(uuidString: "10000000-0000-0000-0000-000000000003")!

    private func ids(_ deviceID: String? = nil, serial: String? = nil, uuid: String? = nil,
                     macs: [String] = []) -> InventoryDeviceIDs {
        InventoryDeviceIDs(deviceID: deviceID, biosSerial: serial, hardwareUUID: uuid, macs: macs)
    }

    func testSameDeviceIDMatches() {
        let known = [InventoryDeviceKeys(assetID: laptop, organizationID: acme, deviceID: "pc-2024-01-01-00-00-00")]
        XCTAssertEqual(InventoryMatcher.match(ids("pc-2024-01-01-00-00-00"), candidates: known, organizationID: acme),
                       .existing(assetID: laptop, by: .deviceID))
    }

    func testReinstalledAgentIsRecognisedBySerialThenUUIDThenMAC() {
        let known = [
            InventoryDeviceKeys(assetID: laptop, organizationID: acme, deviceID: "old-1", biosSerial: "PF3ABCDE"),
            InventoryDeviceKeys(assetID: desktop, organizationID: acme, deviceID: "old-2",
                                hardwareUUID: "4c4c4544-0042-3910-8052-b4c04f4a3332"),
            InventoryDeviceKeys(assetID: server, organizationID: acme, deviceID: "old-3", macs: ["54:05:DB:9A:11:C7"]),
        ]
        XCTAssertEqual(InventoryMatcher.match(ids("new", serial: " pf3abcde "), candidates: known, organizationID: acme),
                       .existing(assetID: laptop, by: .biosSerial))
        XCTAssertEqual(InventoryMatcher.match(ids("new", uuid: "{4C4C4544-0042-3910-8052-B4C04F4A3332}"),
                                              candidates: known, organizationID: acme),
                       .existing(assetID: desktop, by: .hardwareUUID))
        XCTAssertEqual(InventoryMatcher.match(ids("new", macs: ["54-05-db-9a-11-c7"]), candidates: known, organizationID: acme),
                       .existing(assetID: server, by: .mac))
        XCTAssertEqual(InventoryMatcher.match(ids("new", serial: "OTHER", macs: ["aa:bb:cc:00:11:22"]),
                                              candidates: known, organizationID: acme), .new)
    }

    func testKeysAreTriedInOrder() {
        // The serial points at one asset, the UUID at another: the serial is tried first.
        let known = [
            InventoryDeviceKeys(assetID: desktop, organizationID: acme, hardwareUUID: "4C4C4544-0042-3910-8052-B4C04F4A3332"),
            InventoryDeviceKeys(assetID: laptop, organizationID: acme, biosSerial: "PF3ABCDE"),
        ]
        XCTAssertEqual(InventoryMatcher.match(ids("new", serial: "PF3ABCDE", uuid: "4C4C4544-0042-3910-8052-B4C04F4A3332"),
                                              candidates: known, organizationID: acme),
                       .existing(assetID: laptop, by: .biosSerial))
    }

    func testPlaceholderSerialsNeverMatch() {
        let junk = ["To be filled by O.E.M.", "0", "Default string", "System Serial Number", "00000000", "  ", "",
                    "Not Specified", "123456789", "XXXXXXXXXX", "0000-0000-0000", "N/A"]
        for serial in junk {
            XCTAssertNil(InventoryIdentity.serial(serial), serial)
            let known = [InventoryDeviceKeys(assetID: laptop, organizationID: acme, biosSerial: serial)]
            XCTAssertEqual(InventoryMatcher.match(ids("new", serial: serial), candidates: known, organizationID: acme), .new, serial)
        }
        XCTAssertEqual(InventoryIdentity.serial(" VMware-56 4d 2e 1a "), "VMWARE-56 4D 2E 1A")
    }

    func testPlaceholderUUIDsNeverMatch() {
        for uuid in ["00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
                     "03000200-0400-0500-0006-000700080009", "not-a-uuid", "1234"] {
            XCTAssertNil(InventoryIdentity.uuid(uuid), uuid)
            let known = [InventoryDeviceKeys(assetID: laptop, organizationID: acme, hardwareUUID: uuid)]
            XCTAssertEqual(InventoryMatcher.match(ids("new", uuid: uuid), candidates: known, organizationID: acme), .new, uuid)
        }
    }

    func testVirtualAndSharedMACsNeverMatch() {
        for mac in ["00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "02:42:ac:11:00:02", "01:00:5e:00:00:01",
                    "00:50:56:C0:00:08", "20:41:53:59:4E:FF", "0a:00:27:00:00:00", "00:11:22", "zz:11:22:33:44:55"] {
            XCTAssertNil(InventoryIdentity.mac(mac), mac)
            let known = [InventoryDeviceKeys(assetID: laptop, organizationID: acme, macs: [mac])]
            XCTAssertEqual(InventoryMatcher.match(ids("new", macs: [mac]), candidates: known, organizationID: acme), .new, mac)
        }
        XCTAssertEqual(InventoryIdentity.mac("A4C3.F085.1E2B"), "a4:c3:f0:85:1e:2b")
    }

    func testSerialInAnotherOrganisationIsAConflictNotAMove() {
        let known = [InventoryDeviceKeys(assetID: laptop, organizationID: globex, deviceID: "old", biosSerial: "PF3ABCDE")]
        XCTAssertEqual(InventoryMatcher.match(ids("new", serial: "PF3ABCDE"), candidates: known, organizationID: acme),
                       .conflict(assetID: laptop, otherOrganizationID: globex, by: .biosSerial))
        XCTAssertEqual(InventoryMatcher.match(ids("old"), candidates: known, organizationID: acme),
                       .conflict(assetID: laptop, otherOrganizationID: globex, by: .deviceID))
    }

    func testUUIDInAnotherOrganisationIsAConflict() {
        let known = [InventoryDeviceKeys(assetID: laptop, organizationID: globex, hardwareUUID: "4C4C4544-0042-3910-8052-B4C04F4A3332")]
        XCTAssertEqual(InventoryMatcher.match(ids("new", uuid: "4C4C4544-0042-3910-8052-B4C04F4A3332"),
                                              candidates: known, organizationID: acme),
                       .conflict(assetID: laptop, otherOrganizationID: globex, by: .hardwareUUID))
    }

    func testOwnOrganisationWinsOverAnotherOnTheSameKey() {
        let known = [
            InventoryDeviceKeys(assetID: desktop, organizationID: globex, biosSerial: "PF3ABCDE"),
            InventoryDeviceKeys(assetID: laptop, organizationID: acme, biosSerial: "PF3ABCDE"),
        ]
        XCTAssertEqual(InventoryMatcher.match(ids("new", serial: "PF3ABCDE"), candidates: known, organizationID: acme),
                       .existing(assetID: laptop, by: .biosSerial))
    }

    func testMACsOfAnotherOrganisationAreNotEnoughToAccuse() {
        let known = [InventoryDeviceKeys(assetID: laptop, organizationID: globex, macs: ["54:05:db:9a:11:c7"])]
        XCTAssertEqual(InventoryMatcher.match(ids("new", macs: ["54:05:db:9a:11:c7"]), candidates: known, organizationID: acme), .new)
    }

    func testClonedImageWithTheSameDeviceIDButAnotherSerialIsANewDevice() {
        let known = [InventoryDeviceKeys(assetID: laptop, organizationID: acme, deviceID: "golden-2024-01-01-00-00-00",
                                         biosSerial: "SERIAL-A")]
        XCTAssertEqual(InventoryMatcher.match(ids("golden-2024-01-01-00-00-00", serial: "SERIAL-B"),
                                              candidates: known, organizationID: acme), .new)
    }

    func testReplacedMainboardKeepingTheSerialStillMatches() {
        // Vendors write the service tag onto a replacement board; the UUID changes.
        let known = [InventoryDeviceKeys(assetID: laptop, organizationID: acme, deviceID: "pc-1", biosSerial: "PF3ABCDE",
                                         hardwareUUID: "4C4C4544-0042-3910-8052-B4C04F4A3332")]
        XCTAssertEqual(InventoryMatcher.match(ids("pc-1", serial: "PF3ABCDE", uuid: "11111111-2222-3333-4444-555555555555"),
                                              candidates: known, organizationID: acme),
                       .existing(assetID: laptop, by: .deviceID))
    }

    func testDockingStationMACDoesNotMergeTwoLaptops() {
        let known = [InventoryDeviceKeys(assetID: laptop, organizationID: acme, biosSerial: "LAPTOP-A", macs: ["54:05:db:9a:11:c7"])]
        XCTAssertEqual(InventoryMatcher.match(ids("new", serial: "LAPTOP-B", macs: ["54:05:db:9a:11:c7"]),
                                              candidates: known, organizationID: acme), .new)
    }

    func testDuplicatesInTheLedgerResolveToTheBestAgreeingAsset() {
        let known = [
            InventoryDeviceKeys(assetID: desktop, organizationID: acme, biosSerial: "PF3ABCDE"),
            InventoryDeviceKeys(assetID: laptop, organizationID: acme, biosSerial: "PF3ABCDE",
                                hardwareUUID: "4C4C4544-0042-3910-8052-B4C04F4A3332"),
        ]
        let incoming = ids("new", serial: "PF3ABCDE", uuid: "4C4C4544-0042-3910-8052-B4C04F4A3332")
        XCTAssertEqual(InventoryMatcher.match(incoming, candidates: known, organizationID: acme),
                       .existing(assetID: laptop, by: .biosSerial))
        XCTAssertEqual(InventoryMatcher.match(incoming, candidates: known.reversed(), organizationID: acme),
                       .existing(assetID: laptop, by: .biosSerial))
    }

    func testParsedWindowsInventoryMatchesItsLedgerRowAfterAgentReinstall() throws {
        var (inventory, _) = try InventoryFixtures.read(try InventoryFixtures.windows())
        let known = [InventoryDeviceKeys(assetID: laptop, organizationID: acme, deviceID: inventory.ids.deviceID,
                                         biosSerial: inventory.ids.biosSerial, hardwareUUID: inventory.ids.hardwareUUID,
                                         macs: inventory.ids.macs)]
        inventory.ids.deviceID = "SH-LT-0457-2026-11-20-09-00-00"
        XCTAssertEqual(InventoryMatcher.match(inventory.ids, candidates: known, organizationID: acme),
                       .existing(assetID: laptop, by: .biosSerial))
    }

    func testNoCandidatesIsNew() {
        XCTAssertEqual(InventoryMatcher.match(ids("x", serial: "PF3ABCDE"), candidates: [], organizationID: acme), .new)
    }
}
