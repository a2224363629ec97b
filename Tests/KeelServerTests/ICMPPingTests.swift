import Foundation
import XCTest
@testable import KeelServer
#if canImport(Glibc)
import Glibc
#endif

/// The ICMP echo probe of ping checks, over real sockets on loopback.
final class ICMPPingTests: XCTestCase {
    /// Replies need a process that may send ICMP (root or CAP_NET_RAW, or ping_group_range).
    private func requireICMP() throws {
        if ICMPPing.probe(host: "127.0.0.1", timeoutSeconds: 1) == .notPermitted { throw XCTSkip("this process may not send ICMP") }
    }

    /// Fails unless the outcome is a reply from `address`.
    private func assertReply(_ outcome: ICMPPing.Outcome, from address: String, file: StaticString = #filePath, line: UInt = #line) {
        guard case .reply(let ms, let from) = outcome else {
            return XCTFail("expected a reply, got \(outcome)", file: file, line: line)
        }
        XCTAssertEqual(from, address, file: file, line: line)
        XCTAssertGreaterThanOrEqual(ms, 0, file: file, line: line)
        XCTAssertLessThan(ms, 1000, file: file, line: line)
    }

    /// True when ping_group_range lets gid 0 open datagram ICMP sockets.
    private func datagramAllowedForRoot() -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ping_group_range", encoding: .utf8) else { return false }
        let bounds = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
        return bounds.count == 2 && bounds[0] <= 0 && 0 <= bounds[1]
    }

    func testLoopbackRaw() throws {
        try requireICMP()
        assertReply(ICMPPing.probe(host: "127.0.0.1", timeoutSeconds: 2, mode: .rawOnly), from: "127.0.0.1")
    }

    func testLoopbackAutomatic() throws {
        try requireICMP()
        assertReply(ICMPPing.probe(host: "127.0.0.1", timeoutSeconds: 2), from: "127.0.0.1")
    }

    func testIPv6Loopback() throws {
        try requireICMP()
        // Skip when the host has no usable ::1 (IPv6 disabled, or no loopback address).
        let fd = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw XCTSkip("no IPv6 stack") }
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        address.sin6_port = UInt16(9).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
        guard bound == 0 else { throw XCTSkip("IPv6 loopback unavailable (errno \(errno))") }
        assertReply(ICMPPing.probe(host: "::1", timeoutSeconds: 2, mode: .rawOnly), from: "::1")
        assertReply(ICMPPing.probe(host: "::1", timeoutSeconds: 2), from: "::1")
    }

    func testDatagramOnlyNotPermittedHere() throws {
        if datagramAllowedForRoot() { throw XCTSkip("ping_group_range allows gid 0 here") }
        XCTAssertEqual(ICMPPing.probe(host: "127.0.0.1", timeoutSeconds: 1, mode: .datagramOnly), .notPermitted)
    }

    func testDisabled() {
        XCTAssertEqual(ICMPPing.probe(host: "127.0.0.1", timeoutSeconds: 1, mode: .disabled), .notPermitted)
    }

    func testUnresolved() {
        XCTAssertEqual(ICMPPing.probe(host: "nonexistent.invalid", timeoutSeconds: 1), .unresolved)
        XCTAssertEqual(ICMPPing.probe(host: "", timeoutSeconds: 1), .unresolved)
        XCTAssertEqual(ICMPPing.probe(host: String(repeating: "a", count: 254), timeoutSeconds: 1), .unresolved)
        XCTAssertEqual(ICMPPing.probe(host: "127.0.0.1\0evil", timeoutSeconds: 1), .unresolved)
    }

    func testOddTimeoutsDoNotCrash() {
        for timeout in [-1, 0, .nan, -.infinity] as [Double] {
            let outcome = ICMPPing.probe(host: "127.0.0.1", timeoutSeconds: timeout)
            switch outcome {
            case .timeout, .reply: break
            default: XCTFail("timeout \(timeout): \(outcome)")
            }
        }
    }

    func testUnroutableAddress() {
        // TEST-NET-3: documentation space that nobody should answer.
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome = ICMPPing.probe(host: "203.0.113.1", timeoutSeconds: 0.5)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        XCTAssertTrue([.timeout, .unreachable, .notPermitted].contains(outcome), "got \(outcome)")
        XCTAssertLessThan(elapsed, 1.0)
    }

    func testConcurrentProbesDoNotCross() throws {
        try requireICMP()
        let count = 50
        let results = Results(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            results.set(index, ICMPPing.probe(host: "127.0.0.1", timeoutSeconds: 3))
        }
        for (index, outcome) in results.all.enumerated() {
            guard case .reply(_, let from)? = outcome else { return XCTFail("probe \(index): \(String(describing: outcome))") }
            XCTAssertEqual(from, "127.0.0.1")
        }
    }

    func testChecksum() {
        // Echo request, id 0x1234, seq 1, no payload: 0x0800 + 0x1234 + 0x0001 = 0x1A35, complement 0xE5CA.
        XCTAssertEqual(ICMPPing.checksum([8, 0, 0, 0, 0x12, 0x34, 0, 1]), 0xE5CA)
        // A packet with its checksum filled in sums to zero (odd length pads with a zero byte).
        var packet: [UInt8] = [8, 0, 0, 0, 0xAB, 0xCD, 0x00, 0x07, 0x41, 0x42, 0x43]
        let sum = ICMPPing.checksum(packet)
        packet[2] = UInt8(sum >> 8)
        packet[3] = UInt8(sum & 0xff)
        XCTAssertEqual(ICMPPing.checksum(packet), 0)
    }
}

/// Results written from many threads at once.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [ICMPPing.Outcome?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: ICMPPing.Outcome) {
        lock.lock()
        defer { lock.unlock() }
        values[index] = outcome
    }

    var all: [ICMPPing.Outcome?] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
