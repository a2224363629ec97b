import CZlib
import Foundation
import KeelDomain
import XCTest
@testable import KeelServer

/// Bounded zlib/gzip decompression for inventory bodies: round trips, bombs, garbage.
final class InflateTests: XCTestCase {
    private func zlib(_ bytes: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        XCTAssertEqual(compress2(&output, &size, bytes, uLong(bytes.count), 9), Z_OK)
        return Array(output[0..<Int(size)])
    }

    func testZlibRoundTripAndTheLimitStopsABomb() throws {
        let text = Array("<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>pc-2026</DEVICEID></REQUEST>".utf8)
        XCTAssertEqual(try Inflate.decompress(zlib(text), format: .zlib, limit: 1 << 20), text)
        // 64 MiB of zeros compresses to ~64 KiB: refused at the 1 MiB limit, not inflated in full.
        let bomb = zlib([UInt8](repeating: 0, count: 64 << 20))
        XCTAssertLessThan(bomb.count, 128 << 10)
        XCTAssertThrowsError(try Inflate.decompress(bomb, format: .zlib, limit: 1 << 20)) { error in
            XCTAssertEqual(error as? Inflate.Failure, .tooLarge)
        }
    }

    func testTruncatedAndGarbageStreamsAreCorrupt() {
        let stream = zlib(Array(repeating: UInt8(ascii: "a"), count: 10_000) + Array("end".utf8))
        XCTAssertThrowsError(try Inflate.decompress(Array(stream.prefix(stream.count / 2)), format: .zlib, limit: 1 << 20)) { error in
            XCTAssertEqual(error as? Inflate.Failure, .corrupt)
        }
        XCTAssertThrowsError(try Inflate.decompress([0x78, 0x9C, 0xFF, 0xFF, 0x00], format: .zlib, limit: 1 << 20))
        XCTAssertThrowsError(try Inflate.decompress(Array("plain".utf8), format: .gzip, limit: 1 << 20))
    }

    func testGzip() throws {
        // "hi\n" gzipped by gzip(1).
        let gz: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0xc8, 0xe4, 0x02, 0x00,
                           0x7a, 0x7a, 0x6f, 0xed, 0x03, 0x00, 0x00, 0x00]
        XCTAssertEqual(try Inflate.decompress(gz, format: .gzip, limit: 100), Array("hi\n".utf8))
    }

    func testStoredInventoriesAreCompressedAndOldPlainOnesStillRead() throws {
        let inventory = Inventory(ids: InventoryDeviceIDs(deviceID: "pc-1", biosSerial: "SN1"),
                                  software: (0..<500).map { InventorySoftware(name: "package-\($0)", version: "1.\($0)") })
        let stored = AssetInventoryDocument()
        stored.document = try AssetInventoryDocument.encode(inventory)
        XCTAssertTrue(stored.document.hasPrefix("z1:"))
        let plain = try JSONEncoder().encode(inventory)
        XCTAssertLessThan(stored.document.utf8.count, plain.count / 4, "compressed well below the JSON")
        XCTAssertEqual(stored.inventory, inventory)
        stored.document = String(decoding: plain, as: UTF8.self)
        XCTAssertEqual(stored.inventory, inventory, "rows from before compression")
        stored.document = "z1:not-base64!"
        XCTAssertNil(stored.inventory)
        // FusionInventory documents are kept as the agent sent them and read again on demand.
        let xml = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/Inventory/windows10-zh.xml"))
        guard case .inventory(let agent, _) = try FusionInventoryReader.read([UInt8](xml)) else { return XCTFail("fixture") }
        stored.document = AssetInventoryDocument.encode(agentXMLZlib: Inflate.compress([UInt8](xml)))
        XCTAssertTrue(stored.document.hasPrefix("x1:"))
        XCTAssertEqual(stored.inventory, agent)
    }
}

final class OrderedIDTests: XCTestCase {
    func testIDsFollowTimeAndAreVersion7() {
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let ids = (0..<200).map { OrderedID.make(at: start.addingTimeInterval(Double($0) / 100)) }
        XCTAssertEqual(ids.map(\.uuidString), ids.map(\.uuidString).sorted(), "text order is time order")
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertTrue(ids.allSatisfy { $0.uuidString.dropFirst(14).first == "7" })
        XCTAssertTrue(ids.allSatisfy { "89AB".contains($0.uuidString.dropFirst(19).first ?? "0") }, "RFC variant")
        let text = OrderedID.make(at: Date(timeIntervalSince1970: 1_765_000_000.123_4)).uuidString.replacingOccurrences(of: "-", with: "")
        XCTAssertEqual(UInt64(text.prefix(12), radix: 16), 1_765_000_000_123, "the millisecond leads")
        let sameMillisecond = Set((0..<10_000).map { _ in OrderedID.make(at: start) })
        XCTAssertEqual(sameMillisecond.count, 10_000, "random bits keep ids of one millisecond apart")
    }
}
