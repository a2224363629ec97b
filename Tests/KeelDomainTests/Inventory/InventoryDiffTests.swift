import Foundation
import KeelDomain
import XCTest

final class InventoryDiffTests: XCTestCase {
    private func software(_ entries: [(String, String?)]) -> [InventorySoftware] {
        entries.map { InventorySoftware(name: $0.0, version: $0.1) }
    }

    func testUnchangedInventoryHasNoChanges() throws {
        let (inventory, _) = try InventoryFixtures.read(try InventoryFixtures.windows())
        XCTAssertEqual(InventoryDiff.between(inventory, inventory), [])
    }

    func testSoftwareInstalledRemovedUpgradedAndDowngraded() {
        let old = Inventory(software: software([("curl", "7.88.1-10"), ("vim", "2:9.0.1378-2"), ("nano", "7.2-1"),
                                                ("zsh", "5.9-4")]))
        let new = Inventory(software: software([("curl", "7.88.1-10+deb12u5"), ("vim", "2:9.0.1378-2"), ("htop", "3.2.2-2"),
                                                ("zsh", "5.8-6")]))
        XCTAssertEqual(InventoryDiff.between(old, new), [
            .softwareUpgraded(name: "curl", from: "7.88.1-10", to: "7.88.1-10+deb12u5"),
            .softwareInstalled(name: "htop", version: "3.2.2-2"),
            .softwareRemoved(name: "nano", version: "7.2-1"),
            .softwareDowngraded(name: "zsh", from: "5.9-4", to: "5.8-6"),
        ])
    }

    func testProductWhoseNameCarriesTheVersionIsOneUpgrade() {
        let old = Inventory(software: [InventorySoftware(name: "Mozilla Firefox (x64 zh-CN) 118.0.1", version: "118.0.1",
                                                         publisher: "Mozilla")])
        let new = Inventory(software: [InventorySoftware(name: "Mozilla Firefox 120.0 (x64 en-US)", version: "120.0",
                                                         publisher: "Mozilla")])
        XCTAssertEqual(InventoryDiff.between(old, new),
                       [.softwareUpgraded(name: "Mozilla Firefox 120.0 (x64 en-US)", from: "118.0.1", to: "120.0")])
    }

    func testSeveralInstallationsOfOneProductPairInVersionOrder() {
        let old = Inventory(software: [
            InventorySoftware(name: "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.36.32532", version: "14.36.32532.0"),
            InventorySoftware(name: "Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.36.32532", version: "14.36.32532.0"),
        ])
        let new = Inventory(software: [
            InventorySoftware(name: "Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.38.33130", version: "14.38.33130.0"),
            InventorySoftware(name: "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130", version: "14.38.33130.0"),
        ])
        let changes = InventoryDiff.between(old, new)
        XCTAssertEqual(changes.count, 2)
        for change in changes {
            guard case .softwareUpgraded(_, "14.36.32532.0", "14.38.33130.0") = change else { return XCTFail("\(change)") }
        }
    }

    func testHardwareOSAndDiskChanges() {
        let old = Inventory(
            hardware: InventoryHardware(serial: "PF3ABCDE"),
            os: InventoryOS(name: "Windows", version: "21H2", fullName: "Microsoft Windows 10 Pro", kernelVersion: "10.0.19044"),
            cpus: [InventoryCPU(name: "Intel i5")], memoryMB: 8192,
            volumes: [InventoryVolume(mount: "C:", totalMB: 237_000, freeMB: 10_000),
                      InventoryVolume(mount: "E:", totalMB: 30_000, freeMB: 1_000)],
            storages: [InventoryStorage(name: "disk0", serial: "S1", sizeMB: 256_000)])
        let new = Inventory(
            hardware: InventoryHardware(serial: "PF9ZZZZZ"),
            os: InventoryOS(name: "Windows", version: "22H2", fullName: "Microsoft Windows 10 Pro", kernelVersion: "10.0.19045"),
            cpus: [InventoryCPU(name: "Intel i7")], memoryMB: 16384,
            volumes: [InventoryVolume(mount: "C:", totalMB: 476_000, freeMB: 300_000),
                      InventoryVolume(mount: "D:", totalMB: 900_000, freeMB: 800_000)],
            storages: [InventoryStorage(name: "disk0", serial: "S2", sizeMB: 512_000)])
        XCTAssertEqual(InventoryDiff.between(old, new), [
            .serialChanged(from: "PF3ABCDE", to: "PF9ZZZZZ"),
            .memoryChanged(fromMB: 8192, toMB: 16384),
            .cpuChanged(from: "Intel i5", to: "Intel i7"),
            .osUpgraded(from: "Microsoft Windows 10 Pro 21H2", to: "Microsoft Windows 10 Pro 22H2"),
            .volumeResized(mount: "C:", fromMB: 237_000, toMB: 476_000),
            .volumeAdded(mount: "D:", totalMB: 900_000),
            .volumeRemoved(mount: "E:", totalMB: 30_000),
            .storageAdded(name: "disk0", serial: "S2", sizeMB: 512_000),
            .storageRemoved(name: "disk0", serial: "S1", sizeMB: 256_000),
        ])
    }

    func testFreeSpaceAndMemoryJitterAreNotHistory() {
        let old = Inventory(memoryMB: 16236, volumes: [InventoryVolume(mount: "/", totalMB: 258_019, freeMB: 65_818)])
        let new = Inventory(memoryMB: 16230, volumes: [InventoryVolume(mount: "/", totalMB: 258_019, freeMB: 65_001)])
        XCTAssertEqual(InventoryDiff.between(old, new), [])
    }

    func testKernelUpdateWithoutOSChange() {
        let old = Inventory(os: InventoryOS(name: "Debian GNU/Linux", version: "12.11", kernelVersion: "6.1.0-25-amd64"))
        let new = Inventory(os: InventoryOS(name: "Debian GNU/Linux", version: "12.11", kernelVersion: "6.1.0-26-amd64"))
        XCTAssertEqual(InventoryDiff.between(old, new), [.kernelChanged(from: "6.1.0-25-amd64", to: "6.1.0-26-amd64")])
    }

    func testAntivirusChanges() {
        let old = Inventory(antivirus: [
            InventoryAntivirus(name: "Windows Defender", version: "4.18.2", enabled: true, upToDate: true),
            InventoryAntivirus(name: "360安全卫士", version: "13.0", enabled: true, upToDate: true),
        ])
        let new = Inventory(antivirus: [
            InventoryAntivirus(name: "Windows Defender", version: "4.18.3", enabled: false, upToDate: false),
            InventoryAntivirus(name: "火绒安全软件", version: "5.0", enabled: true, upToDate: true),
        ])
        XCTAssertEqual(InventoryDiff.between(old, new), [
            .antivirusRemoved(name: "360安全卫士", version: "13.0"),
            .antivirusStateChanged(name: "Windows Defender", from: InventoryAntivirusState(enabled: true, upToDate: true),
                                   to: InventoryAntivirusState(enabled: false, upToDate: false)),
            .antivirusUpdated(name: "Windows Defender", from: "4.18.2", to: "4.18.3"),
            .antivirusAdded(name: "火绒安全软件", version: "5.0"),
        ])
    }

    func testRealInventoryAgainstAModifiedCopy() throws {
        let (old, _) = try InventoryFixtures.read(try InventoryFixtures.linux())
        var new = old
        new.software.removeAll { $0.name == "adduser" }
        new.software.append(InventorySoftware(name: "keel-agent", version: "1.0"))
        if let index = new.software.firstIndex(where: { $0.name == "fusioninventory-agent" }) {
            new.software[index].version = "1:2.6-4"
        }
        new.os.version = "12.12"
        new.volumes[0].freeMB = 1
        XCTAssertEqual(InventoryDiff.between(old, new), [
            .osUpgraded(from: "Debian GNU/Linux 12 (bookworm) 12.11", to: "Debian GNU/Linux 12 (bookworm) 12.12"),
            .softwareRemoved(name: "adduser", version: "3.134"),
            .softwareUpgraded(name: "fusioninventory-agent", from: "1:2.6-3", to: "1:2.6-4"),
            .softwareInstalled(name: "keel-agent", version: "1.0"),
        ])
    }

    func testChangesAreCodable() throws {
        let change = InventoryChange.softwareUpgraded(name: "微信", from: "3.9.8", to: "3.9.9")
        let data = try JSONEncoder().encode([change])
        XCTAssertEqual(try JSONDecoder().decode([InventoryChange].self, from: data), [change])
    }

    func testVersionOrdering() {
        XCTAssertTrue(InventoryVersion.isNewer("1.10", than: "1.9"))
        XCTAssertTrue(InventoryVersion.isNewer("2.0.1", than: "2.0"))
        XCTAssertTrue(InventoryVersion.isNewer("1:2.3-1", than: "2.4"))
        XCTAssertTrue(InventoryVersion.isNewer("7.88.1-10+deb12u5", than: "7.88.1-10"))
        XCTAssertTrue(InventoryVersion.isNewer("131.0.6778.86", than: "131.0.6778.69"))
        XCTAssertFalse(InventoryVersion.isNewer("1.0", than: "1.0"))
        XCTAssertEqual(InventoryVersion.compare("99999999999999999999999", "1"), 1)
    }
}
