import Foundation
import KeelDomain
import XCTest

final class InventoryFusionReaderTests: XCTestCase {
    func testRecordedDebianInventoryReadsEveryLedgerField() throws {
        let (inventory, deviceID) = try InventoryFixtures.read(try InventoryFixtures.linux())

        XCTAssertEqual(deviceID, "vm-2026-11-23-14-14-17")
        XCTAssertEqual(inventory.ids.deviceID, deviceID)
        XCTAssertEqual(inventory.software.count, 788)
        XCTAssertEqual(inventory.software.first, InventorySoftware(name: "adduser", version: "3.134", publisher: "Debian",
                                                                   architecture: "all", source: "deb"))
        XCTAssertTrue(inventory.software.contains { $0.name == "fusioninventory-agent" && $0.version == "1:2.6-3" })
        XCTAssertEqual(inventory.os, InventoryOS(name: "Debian GNU/Linux", version: "12.11",
                                                 fullName: "Debian GNU/Linux 12 (bookworm)", architecture: "x86_64",
                                                 kernelVersion: "6.18.44-fc-v657"))
        XCTAssertEqual(inventory.volumes.count, 1)
        XCTAssertEqual(inventory.volumes.first?.mount, "/")
        XCTAssertEqual(inventory.volumes.first?.device, "/dev/vda")
        XCTAssertEqual(inventory.volumes.first?.filesystem, "ext4")
        XCTAssertEqual(inventory.volumes.first?.totalMB, 258_019)
        XCTAssertNotNil(inventory.volumes.first?.freeMB)
        XCTAssertEqual(inventory.storages, [InventoryStorage(name: "vda", manufacturer: "Red Hat, Inc.", serial: "overlayblk",
                                                             sizeMB: 274_877, type: "disk")])
        XCTAssertEqual(inventory.cpus, [InventoryCPU(name: "Intel(R) Xeon(R) Processor @ 2.80GHz", manufacturer: "Intel",
                                                     cores: 2, threads: 2, speedMHz: 2800)])
        XCTAssertEqual(inventory.memoryMB, 24105)
        XCTAssertEqual(inventory.tag, "KEEL-FIXTURE")
        XCTAssertEqual(inventory.agentVersion, "FusionInventory-Agent_v2.6-3")
        XCTAssertEqual(inventory.inventoryDate, "2026-11-23 14:16:52")
        XCTAssertEqual(inventory.hardware.hostname, "vm")
        XCTAssertEqual(inventory.hardware.vmSystem, "Docker")
        XCTAssertEqual(inventory.hardware.kind, .virtual)
        // A container: dmidecode has nothing, so the agent sends <SSN></SSN> and no UUID.
        XCTAssertNil(inventory.hardware.serial)
        XCTAssertNil(inventory.ids.biosSerial)
        XCTAssertNil(inventory.ids.hardwareUUID)
        XCTAssertTrue(inventory.antivirus.isEmpty)
    }

    func testAgentsOneRecordPerAddressMergesIntoOneInterface() throws {
        let (inventory, _) = try InventoryFixtures.read(try InventoryFixtures.linux())
        let eth0 = try XCTUnwrap(inventory.networks.first { $0.name == "eth0" })
        XCTAssertEqual(eth0.mac, "02:fc:00:00:00:01")
        XCTAssertEqual(eth0.ipv4, ["192.0.2.2"])
        XCTAssertEqual(eth0.ipv6, ["fd00::2", "fe80::fc:ff:fe00:1"])
        XCTAssertFalse(eth0.isVirtual)
        XCTAssertEqual(inventory.networks.map(\.name), ["lo", "ifb0", "ifb1", "eth0"])
        // eth0's MAC is locally administered (assigned by the hypervisor) and the others are
        // loopback or virtual: none identifies the machine.
        XCTAssertEqual(inventory.ids.macs, [])
    }

    func testCompressedBodyAsTheAgentSentItIsRecognisedAsZlib() throws {
        XCTAssertEqual(InventoryBody.detect(try InventoryFixtures.linuxCompressed()), .zlib)
        XCTAssertEqual(InventoryBody.detect(try InventoryFixtures.linux()), .xml)
    }

    func testWindowsInventoryWithChineseSoftware() throws {
        let (inventory, deviceID) = try InventoryFixtures.read(try InventoryFixtures.windows())

        XCTAssertEqual(deviceID, "SH-LT-0457-2022-03-14-11-02-45")
        XCTAssertEqual(inventory.hardware.manufacturer, "LENOVO")
        XCTAssertEqual(inventory.hardware.model, "ThinkPad X1 Carbon Gen 9")
        XCTAssertEqual(inventory.hardware.serial, "PF3ABCDE")
        XCTAssertEqual(inventory.hardware.kind, .laptop)
        XCTAssertEqual(inventory.ids.biosSerial, "PF3ABCDE")
        XCTAssertEqual(inventory.ids.hardwareUUID, "4C4C4544-0042-3910-8052-B4C04F4A3332")
        // Wi-Fi and Ethernet; not VMware's VMnet8 nor the WAN miniport every Windows PC has.
        XCTAssertEqual(inventory.ids.macs, ["54:05:db:9a:11:c7", "a4:c3:f0:85:1e:2b"])
        XCTAssertEqual(inventory.os.name, "Windows")
        XCTAssertEqual(inventory.os.fullName, "Microsoft Windows 10 Pro")
        XCTAssertEqual(inventory.os.version, "22H2")
        XCTAssertEqual(inventory.os.architecture, "64-bit")
        XCTAssertEqual(inventory.os.installDate, "2022-03-14 10:26:31")
        XCTAssertEqual(inventory.memoryMB, 16384, "the modules, not the 16236 MB Windows reports")
        XCTAssertEqual(inventory.memoryModules.count, 2)
        XCTAssertEqual(inventory.lastLoggedUser, "zhang.wei")
        XCTAssertEqual(inventory.tag, "acme-shanghai")
        XCTAssertEqual(inventory.volumes, [
            InventoryVolume(mount: "C:", label: "Windows", filesystem: "NTFS", totalMB: 487_268, freeMB: 128_417),
            InventoryVolume(mount: "D:", label: "数据", filesystem: "NTFS", totalMB: 476_937, freeMB: 401_223),
        ])
        XCTAssertEqual(inventory.antivirus, [
            InventoryAntivirus(name: "Windows Defender", company: "Microsoft Corporation", version: "4.18.23110.3",
                               enabled: false, upToDate: true, signatureVersion: "1.401.1180.0"),
            InventoryAntivirus(name: "360安全卫士", company: "360安全中心", version: "13.0.0.2005",
                               enabled: true, upToDate: false),
        ])
        let names = inventory.software.map(\.name)
        for expected in ["微信", "钉钉", "WPS Office (11.1.0.14309)", "360安全卫士", "腾讯会议"] {
            XCTAssertTrue(names.contains(expected), expected)
        }
        XCTAssertEqual(inventory.software.first { $0.name == "微信" },
                       InventorySoftware(name: "微信", version: "3.9.8.25", publisher: "腾讯科技(深圳)有限公司",
                                         installDate: "02/11/2026", guid: "WeChat", architecture: "x86_64", source: "registry"))
        XCTAssertTrue(names.contains("Tom & Jerry's <Toolbox> 😀"), "entities and character references resolved")
        XCTAssertEqual(inventory.software.last?.publisher, "AT&T")
        XCTAssertEqual(inventory.storages.first?.serial, "0025_3889_1B40_2E5C.")
        XCTAssertEqual(inventory.agentVersion, "FusionInventory-Agent_v2.6")
    }

    func testPrologAsTheAgentSendsIt() throws {
        let message = try FusionInventoryReader.read(try InventoryFixtures.prolog())
        XCTAssertEqual(message, .prolog(deviceID: "vm-2026-11-23-14-14-17"))
    }

    func testPrologWithoutXMLDeclarationOrIndentation() throws {
        let body = "<REQUEST><DEVICEID>host-2026-11-23-07-26-05</DEVICEID><QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>"
        XCTAssertEqual(try FusionInventoryReader.read(Data(body.utf8)), .prolog(deviceID: "host-2026-11-23-07-26-05"))
    }

    func testInventoryWithoutContentIsAnEmptyInventory() throws {
        let body = "<REQUEST><DEVICEID>d-1</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"
        let (inventory, _) = try InventoryFixtures.read(Array(body.utf8))
        XCTAssertEqual(inventory.software, [])
        XCTAssertEqual(inventory.ids, InventoryDeviceIDs(deviceID: "d-1"))
    }

    func testUnknownSectionsAndNestedFieldsAreSkipped() throws {
        let body = """
            <REQUEST><CONTENT><PROCESSES><CMD>x</CMD></PROCESSES>
            <OPERATINGSYSTEM><NAME>Windows</NAME><TIMEZONE><NAME>UTC</NAME><OFFSET>+0000</OFFSET></TIMEZONE></OPERATINGSYSTEM>
            <SOFTWARES><NAME><![CDATA[A & B]]></NAME><UNKNOWN>1</UNKNOWN><VERSION> 1.0 </VERSION></SOFTWARES>
            </CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>
            """
        let (inventory, _) = try InventoryFixtures.read(Array(body.utf8))
        XCTAssertEqual(inventory.os.name, "Windows")
        XCTAssertEqual(inventory.software, [InventorySoftware(name: "A & B", version: "1.0")])
    }

    func testAssemblerTakesSectionsFromAnyReader() {
        // What a GLPI agent JSON reader would do with {"content":{"softwares":[…],"hardware":{…}}}.
        var assembler = InventoryAssembler()
        assembler.beginRecord(InventorySection(tagName: "HARDWARE")!)
        assembler.set(InventoryField(tagName: "NAME")!, "pc-7")
        assembler.set(.chassisType, "Laptop")
        assembler.set(.uuid, "4c4c4544-0042-3910-8052-b4c04f4a3332")
        assembler.endRecord()
        assembler.beginRecord(.softwares)
        assembler.set(.name, "微信")
        assembler.set(.version, "3.9.8.25")
        assembler.endRecord()
        let inventory = assembler.finish(deviceID: "pc-7-2026-01-01-00-00-00")
        XCTAssertEqual(inventory.hardware.hostname, "pc-7")
        XCTAssertEqual(inventory.hardware.kind, .laptop)
        XCTAssertEqual(inventory.ids.hardwareUUID, "4C4C4544-0042-3910-8052-B4C04F4A3332")
        XCTAssertEqual(inventory.software, [InventorySoftware(name: "微信", version: "3.9.8.25")])
        XCTAssertNil(InventorySection(tagName: "PROCESSES"))
        XCTAssertEqual(InventoryField.allCases.map { InventoryField(tagName: $0.tagName) }, InventoryField.allCases)
        XCTAssertEqual(InventorySection.allCases.map { InventorySection(tagName: $0.tagName) }, InventorySection.allCases)
    }

    func testComputerKindFromChassisAndVirtualisation() {
        XCTAssertEqual(InventoryIdentity.computerKind(chassisType: "Notebook", vmSystem: "Physical", osName: nil), .laptop)
        XCTAssertEqual(InventoryIdentity.computerKind(chassisType: "Mini Tower", vmSystem: nil, osName: nil), .desktop)
        XCTAssertEqual(InventoryIdentity.computerKind(chassisType: "Rack Mount Chassis", vmSystem: "Physical", osName: nil), .server)
        XCTAssertEqual(InventoryIdentity.computerKind(chassisType: "Other", vmSystem: "VMware", osName: nil), .virtual)
        XCTAssertEqual(InventoryIdentity.computerKind(chassisType: nil, vmSystem: nil,
                                                      osName: "Microsoft Windows Server 2022 Standard"), .server)
        XCTAssertEqual(InventoryIdentity.computerKind(chassisType: nil, vmSystem: "Physical", osName: "Windows"), .unknown)
    }

    func testPrologReplyMakesTheAgentSend() {
        XCTAssertEqual(FusionInventoryReply.prolog(),
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><PROLOG_FREQ>24</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>\n")
        XCTAssertEqual(FusionInventoryReply.prolog(frequencyHours: 0, send: false),
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><PROLOG_FREQ>1</PROLOG_FREQ></REPLY>\n")
        XCTAssertEqual(FusionInventoryReply.inventoryAccepted, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY></REPLY>\n")
        XCTAssertEqual(FusionInventoryReply.contentType, "application/xml")
    }

    func testRepliesAreWellFormedForOurOwnParser() throws {
        struct Root: InventoryXMLHandler {
            var names: [String] = []
            mutating func startElement(_ name: InventoryXMLBytes, attributes: [InventoryXMLAttribute], depth: Int) {
                names.append(name.string)
            }
            mutating func endElement(depth: Int) {}
            mutating func text(_ text: InventoryXMLText, depth: Int) {}
        }
        var handler = Root()
        try InventoryXMLParser.parse(Array(FusionInventoryReply.prolog().utf8), into: &handler)
        XCTAssertEqual(handler.names, ["REPLY", "PROLOG_FREQ", "RESPONSE"])
    }

    func testBodyDetectionFromFirstBytes() {
        XCTAssertEqual(InventoryBody.detect([0x78, 0x9C, 0x01]), .zlib)
        XCTAssertEqual(InventoryBody.detect([0x78, 0x01]), .zlib)
        XCTAssertEqual(InventoryBody.detect([0x78, 0xDA]), .zlib)
        XCTAssertEqual(InventoryBody.detect([0x78, 0x9D]), .unknown, "header checksum must hold")
        XCTAssertEqual(InventoryBody.detect([0x1F, 0x8B, 0x08, 0x00]), .gzip)
        XCTAssertEqual(InventoryBody.detect(Array("<?xml version=\"1.0\"?><REQUEST/>".utf8)), .xml)
        XCTAssertEqual(InventoryBody.detect([0xEF, 0xBB, 0xBF] + Array("\r\n <REQUEST>".utf8)), .xml)
        XCTAssertEqual(InventoryBody.detect(Array(" {\"deviceid\":\"x\"}".utf8)), .json)
        XCTAssertEqual(InventoryBody.detect(Data("<REQUEST>".utf8)), .xml)
        XCTAssertEqual(InventoryBody.detect([UInt8]()), .unknown)
        XCTAssertEqual(InventoryBody.detect(Array("PK\u{3}\u{4}".utf8)), .unknown)
        XCTAssertEqual(InventoryBody.detect([0xFF, 0xFE, 0x3C, 0x00]), .unknown, "UTF-16 is not what agents send")
    }
}
