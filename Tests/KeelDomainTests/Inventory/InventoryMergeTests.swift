import KeelDomain
import XCTest

final class InventoryMergeTests: XCTestCase {
    private var previous: Inventory {
        Inventory(ids: InventoryDeviceIDs(deviceID: "pc-1", biosSerial: "SN1", hardwareUUID: "U1", macs: ["aa:bb:cc:dd:ee:01"]),
                  hardware: InventoryHardware(hostname: "PC-1", manufacturer: "Dell", model: "Latitude", serial: "SN1", kind: .laptop),
                  os: InventoryOS(name: "Windows", fullName: "Microsoft Windows 11 Pro"), memoryMB: 16384,
                  volumes: [InventoryVolume(mount: "C:", totalMB: 500_000, freeMB: 100_000)],
                  software: [InventorySoftware(name: "微信", version: "3.9"), InventorySoftware(name: "WPS Office", version: "12.1")])
    }

    func testAbsentSectionsStayAndSentSectionsReplace() {
        // The agent sends only the software that changed: the rest of the device is kept.
        let partial = Inventory(ids: InventoryDeviceIDs(deviceID: "pc-1"), software: [InventorySoftware(name: "微信", version: "4.0")])
        let merged = partial.merged(over: previous, sections: [.softwares])
        XCTAssertEqual(merged.software.map(\.version), ["4.0"])
        XCTAssertEqual(merged.hardware.serial, "SN1")
        XCTAssertEqual(merged.ids.macs, ["aa:bb:cc:dd:ee:01"])
        XCTAssertEqual(merged.volumes.first?.freeMB, 100_000)
        XCTAssertEqual(merged.os.fullName, "Microsoft Windows 11 Pro")
        XCTAssertEqual(merged.memoryMB, 16384)
    }

    func testSentSectionsReplaceEvenWhenEmpty() {
        let partial = Inventory(ids: InventoryDeviceIDs(deviceID: "pc-1"), volumes: [InventoryVolume(mount: "C:", totalMB: 500_000, freeMB: 20_000)],
                                antivirus: [])
        let merged = partial.merged(over: previous, sections: [.drives, .antivirus])
        XCTAssertEqual(merged.volumes.first?.freeMB, 20_000)
        XCTAssertTrue(merged.antivirus.isEmpty)
        XCTAssertEqual(merged.software.count, 2, "software was not sent, so it is unchanged")
        let nothing = Inventory(ids: InventoryDeviceIDs(deviceID: "pc-1")).merged(over: previous, sections: [])
        XCTAssertEqual(nothing, previous)
    }
}
