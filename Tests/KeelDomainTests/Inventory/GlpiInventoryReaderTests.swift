import Foundation
import KeelDomain
import XCTest

final class GlpiInventoryReaderTests: XCTestCase {
    func testWindowsInventoryReadsEveryLedgerField() throws {
        let (inventory, deviceID, details) = try GlpiInventoryFixtures.read(try GlpiInventoryFixtures.windows())

        XCTAssertEqual(deviceID, "BJ-LT-0932-2024-01-08-09-40-12")
        XCTAssertEqual(details, GlpiInventoryDetails(itemType: "Computer", isPartial: false, sections: [
            .accessLog, .antivirus, .bios, .cpus, .drives, .hardware, .memories, .networks, .operatingSystem,
            .softwares, .storages, .users, .versionClient, .versionProvider,
        ]))
        XCTAssertEqual(inventory.ids, InventoryDeviceIDs(deviceID: deviceID, biosSerial: "7XK2HV3",
                                                         hardwareUUID: "4C4C4544-0058-4B10-8032-B7C04F485633",
                                                         macs: ["58:6c:25:3a:9d:e1"]))
        XCTAssertEqual(inventory.hardware, InventoryHardware(hostname: "BJ-LT-0932", manufacturer: "Dell Inc.",
                                                             model: "Latitude 7440", serial: "7XK2HV3", chassisType: "Laptop",
                                                             vmSystem: "Physical", kind: .laptop, workgroup: "acme.local"))
        XCTAssertEqual(inventory.os, InventoryOS(name: "Windows", version: "23H2", fullName: "Microsoft Windows 11 Pro",
                                                 architecture: "64-bit", kernelVersion: "10.0.22631",
                                                 installDate: "2024-01-08 09:15:22"))
        XCTAssertEqual(inventory.memoryMB, 32768, "the modules, not the 32442 MB Windows reports")
        XCTAssertEqual(inventory.memoryModules.map(\.capacityMB), [16384, 16384])
        XCTAssertEqual(inventory.memoryModules.first?.slot, "DIMM A")
        XCTAssertEqual(inventory.cpus, [InventoryCPU(name: "13th Gen Intel(R) Core(TM) i7-1365U", manufacturer: "Intel",
                                                     cores: 10, threads: 12, speedMHz: 1800)])
        XCTAssertEqual(inventory.volumes, [
            InventoryVolume(mount: "C:", label: "Windows", filesystem: "NTFS", totalMB: 486_640, freeMB: 201_355),
            InventoryVolume(mount: "D:", label: "数据", filesystem: "NTFS", totalMB: 488_384, freeMB: 402_117),
        ])
        XCTAssertEqual(inventory.storages, [InventoryStorage(name: "\\\\.\\PHYSICALDRIVE0", model: "KXG80ZNV1T02 KIOXIA",
                                                             manufacturer: "KIOXIA", serial: "8CE3_8E03_00A1_2B47.",
                                                             sizeMB: 976_762, type: "Fixed hard disk media",
                                                             interface: "SCSI")])
        XCTAssertEqual(inventory.networks, [
            InventoryNetworkInterface(name: "Intel(R) Wi-Fi 6E AX211 160MHz", mac: "58:6c:25:3a:9d:e1",
                                      ipv4: ["192.168.31.45"], ipv6: ["fe80::3d2a:91c4:7b0e:5f12"], type: "wifi"),
            InventoryNetworkInterface(name: "Hyper-V Virtual Ethernet Adapter", mac: "00:15:5d:1f:60:0a",
                                      ipv4: ["172.29.96.1"], isVirtual: true, type: "ethernet"),
        ])
        XCTAssertEqual(inventory.antivirus, [
            InventoryAntivirus(name: "Microsoft Defender Antivirus", company: "Microsoft Corporation",
                               version: "4.18.24090.11", enabled: false, upToDate: true, signatureVersion: "1.419.163.0"),
            InventoryAntivirus(name: "火绒安全软件", company: "北京火绒网络科技有限公司", version: "6.0.5.3",
                               enabled: true, upToDate: true),
        ])
        XCTAssertEqual(inventory.software.count, 11)
        XCTAssertEqual(inventory.software.first, InventorySoftware(
            name: "微信", version: "3.9.12.17", publisher: "腾讯科技(深圳)有限公司", installDate: "2026-11-02",
            guid: "WeChat", architecture: "x86_64", source: "registry"))
        let names = inventory.software.map(\.name)
        for expected in ["WPS Office (12.1.0.18608)", "钉钉", "腾讯会议", "搜狗输入法 15.2正式版", "Microsoft 365 企业应用版 - zh-cn"] {
            XCTAssertTrue(names.contains(expected), expected)
        }
        XCTAssertEqual(inventory.software.last?.name, "Tom & Jerry's <Toolbox> 😀 \"beta\"", "escapes and a surrogate pair")
        XCTAssertEqual(inventory.software.last?.publisher, "AT&T")
        XCTAssertEqual(inventory.lastLoggedUser, "li.na")
        XCTAssertEqual(inventory.tag, "acme-beijing")
        XCTAssertEqual(inventory.agentVersion, "GLPI-Agent_v1.11")
        XCTAssertEqual(inventory.inventoryDate, "2026-11-24 10:05:41")
    }

    func testSameMachineAsFusionInventoryXMLGivesTheSameInventory() throws {
        let json = try GlpiInventoryFixtures.windows()
        let (fromJSON, jsonDeviceID, _) = try GlpiInventoryFixtures.read(json)
        let (fromXML, xmlDeviceID) = try InventoryFixtures.read(try GlpiInventoryFixtures.fusionXML(fromGlpi: json))
        XCTAssertEqual(jsonDeviceID, xmlDeviceID)
        XCTAssertEqual(fromJSON, fromXML)
        XCTAssertEqual(fromJSON.fingerprint, fromXML.fingerprint)
        XCTAssertEqual(fromJSON.software.count, 11)
    }

    func testContactAsTheAgentSendsIt() throws {
        let body = """
            {
               "action": "contact",
               "deviceid": "BJ-LT-0932-2024-01-08-09-40-12",
               "enabled-tasks": ["collect", "deploy", "inventory", "remoteinventory"],
               "httpd-plugins": { "basic-authentication-server-plugin": { "port": 0 } },
               "httpd-port": 62354,
               "installed-tasks": ["collect", "deploy", "esx", "inventory", "netdiscovery", "netinventory",
                                   "remoteinventory", "wakeonlan"],
               "name": "GLPI-Agent",
               "tag": "acme-beijing",
               "version": "1.11"
            }
            """
        let message = try GlpiInventoryReader.read(Data(body.utf8))
        XCTAssertEqual(message, .contact(GlpiAgentContact(
            deviceID: "BJ-LT-0932-2024-01-08-09-40-12", agentName: "GLPI-Agent", agentVersion: "1.11",
            installedTasks: ["collect", "deploy", "esx", "inventory", "netdiscovery", "netinventory", "remoteinventory",
                             "wakeonlan"],
            enabledTasks: ["collect", "deploy", "inventory", "remoteinventory"], tag: "acme-beijing", httpdPort: 62354)))
        XCTAssertEqual(message.deviceID, "BJ-LT-0932-2024-01-08-09-40-12")
    }

    func testMinimalContactAndActionSpelling() throws {
        XCTAssertEqual(try GlpiInventoryReader.read(Array("{\"deviceid\":\"d\",\"action\":\" CONTACT \"}".utf8)),
                       .contact(GlpiAgentContact(deviceID: "d")))
        // GLPI and the agent take a request without `action` as an inventory.
        let (_, deviceID, details) = try GlpiInventoryFixtures.read("{\"deviceid\":\"d\",\"content\":{}}")
        XCTAssertEqual(deviceID, "d")
        XCTAssertEqual(details, GlpiInventoryDetails())
    }

    func testNumbersBooleansAndDatesAsStringsAreTolerated() throws {
        let typed = try GlpiInventoryFixtures.inventory(content: """
            "hardware":{"memory":8192,"chassis_type":"Desktop"},
            "cpus":[{"name":"x","core":4,"thread":8,"speed":3600.0}],
            "drives":[{"letter":"C:","total":1.0e5,"free":-0,"filesystem":"NTFS"}],
            "memories":[{"capacity":4096},{"capacity":4096}],
            "antivirus":[{"name":"A","enabled":true,"uptodate":false}],
            "networks":[{"description":"eth","mac":"00:1B:21:AA:BB:CC","virtualdev":false}]
            """)
        let strings = try GlpiInventoryFixtures.inventory(content: """
            "hardware":{"memory":" 8192 ","chassis_type":"Desktop"},
            "cpus":[{"name":"x","core":"4","thread":"8","speed":"3600"}],
            "drives":[{"letter":"C:","total":"100000","free":"0","filesystem":"NTFS"}],
            "memories":[{"capacity":"4096"},{"capacity":"4096"}],
            "antivirus":[{"name":"A","enabled":"1","uptodate":0}],
            "networks":[{"description":"eth","macaddr":"00-1b-21-aa-bb-cc","virtualdev":"false"}]
            """)
        XCTAssertEqual(typed, strings)
        XCTAssertEqual(typed.memoryMB, 8192)
        XCTAssertEqual(typed.cpus, [InventoryCPU(name: "x", cores: 4, threads: 8, speedMHz: 3600)])
        XCTAssertEqual(typed.volumes, [InventoryVolume(mount: "C:", filesystem: "NTFS", totalMB: 100_000, freeMB: 0)])
        XCTAssertEqual(typed.antivirus, [InventoryAntivirus(name: "A", enabled: true, upToDate: false)])
        XCTAssertEqual(typed.ids.macs, ["00:1b:21:aa:bb:cc"])
        XCTAssertEqual(typed.hardware.kind, .desktop)

        for (spelling, virtual) in [("true", true), ("1", true), ("\"1\"", true), ("\"TRUE\"", true), ("\"yes\"", true),
                                    ("false", false), ("0", false), ("\"0\"", false), ("null", false)] {
            let inventory = try GlpiInventoryFixtures.inventory(
                content: "\"networks\":[{\"description\":\"n\",\"mac\":\"00:1B:21:AA:BB:CC\",\"virtualdev\":\(spelling)}]")
            XCTAssertEqual(inventory.networks.first?.isVirtual, virtual, spelling)
        }
    }

    func testRenamedFieldsOldSpellingsAndTagPrecedence() throws {
        let inventory = try GlpiInventoryFixtures.inventory(content: """
            "softwares":[{"name":"a","install_date":"2026-01-02"},{"name":"b","installdate":"03/01/2026"}],
            "operatingsystem":{"name":"Windows","install_date":"2024-01-08 09:15:22"},
            "accountinfo":[{"keyname":"TAG","keyvalue":"from-content"}]
            """)
        XCTAssertEqual(inventory.software.map(\.installDate), ["2026-01-02", "03/01/2026"])
        XCTAssertEqual(inventory.os.installDate, "2024-01-08 09:15:22")
        XCTAssertEqual(inventory.tag, "from-content", "an older agent's accountinfo section")
        let (tagged, _, _) = try GlpiInventoryFixtures.read("""
            {"deviceid":"d","tag":"from-root","content":{"accountinfo":{"keyname":"TAG","keyvalue":"from-content"}}}
            """)
        XCTAssertEqual(tagged.tag, "from-root")
    }

    func testUnknownSectionsNestedValuesAndNullsAreSkipped() throws {
        let inventory = try GlpiInventoryFixtures.inventory(content: """
            "processes":[{"cmd":"x"}], "rudder":{"uuid":"r"}, "unknown_section_with_a_very_long_name":[1,"x",{}],
            "operatingsystem":{"name":"Windows","timezone":{"name":"UTC","offset":"+0000"},"version":null},
            "softwares":[{"name":" A \\u0026 B ","version":[1],"publisher":{"p":1},"unknown":"u"},null,{"version":"no name"}],
            "bios":null,
            "versionclient":null
            """)
        XCTAssertEqual(inventory.os.name, "Windows")
        XCTAssertNil(inventory.os.version)
        XCTAssertEqual(inventory.software, [InventorySoftware(name: "A & B")])
        XCTAssertNil(inventory.agentVersion)
    }

    func testPartialInventoryNamesItsSections() throws {
        let (inventory, _, details) = try GlpiInventoryFixtures.read("""
            {"action":"inventory","deviceid":"d","itemtype":"Computer","partial":true,
             "content":{"bios":{"ssn":"7XK2HV3"},"hardware":{"name":"pc"},"softwares":[],"versionclient":"GLPI-Agent_v1.11"}}
            """)
        XCTAssertEqual(details, GlpiInventoryDetails(itemType: "Computer", isPartial: true,
                                                     sections: [.bios, .hardware, .softwares, .versionClient]))
        XCTAssertEqual(inventory.software, [])
        XCTAssertEqual(inventory.ids.biosSerial, "7XK2HV3")
        for spelling in ["1", "\"1\"", "\"true\""] {
            XCTAssertTrue(try GlpiInventoryFixtures.read("{\"deviceid\":\"d\",\"partial\":\(spelling),\"content\":{}}").2.isPartial)
        }
        XCTAssertFalse(try GlpiInventoryFixtures.read("{\"deviceid\":\"d\",\"partial\":false,\"content\":{}}").2.isPartial)
        XCTAssertEqual(try GlpiInventoryFixtures.read("{\"deviceid\":\"d\",\"itemtype\":\"Phone\",\"content\":{}}").2.itemType,
                       "Phone")
    }

    func testDuplicateKeysLastSectionWinsFirstFieldWins() throws {
        let (inventory, deviceID, _) = try GlpiInventoryFixtures.read("""
            {"deviceid":"first","deviceid":"second","content":{
              "softwares":[{"name":"old"}],"softwares":[{"name":"new","name":"ignored","version":"","version":"2"}]}}
            """)
        XCTAssertEqual(deviceID, "second")
        XCTAssertEqual(inventory.software, [InventorySoftware(name: "new", version: "2")])
    }

    func testLargeInventoryReadsInLinearTime() throws {
        // 20,000 packages (≈ 2.5 MB, far beyond an office PC's 750): a quadratic step would show.
        let entries = (0..<20_000).map { index in
            "{\"arch\":\"x86_64\",\"from\":\"registry\",\"guid\":\"App\(index)\",\"install_date\":\"2026-01-01\","
                + "\"name\":\"软件 \(index)\",\"publisher\":\"北京金山办公软件股份有限公司\",\"version\":\"1.\(index)\"}"
        }
        let body = "{\"action\":\"inventory\",\"deviceid\":\"d\",\"content\":{\"softwares\":[" + entries.joined(separator: ",") + "]}}"
        let start = ContinuousClock.now
        let (inventory, _, _) = try GlpiInventoryFixtures.read(body)
        let elapsed = InventoryFixtures.milliseconds(since: start)
        print(String(format: "20,000 packages (%d KB) read in %.1f ms", body.utf8.count / 1024, elapsed))
        XCTAssertEqual(inventory.software.count, 20_000)
        XCTAssertEqual(inventory.software.last?.name, "软件 19999")
        XCTAssertLessThan(elapsed, 10_000)
    }

    func testBodyDetectionSeesTheFixtureAsJSON() throws {
        XCTAssertEqual(InventoryBody.detect(try GlpiInventoryFixtures.windows()), .json)
    }
}
