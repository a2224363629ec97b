import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// ICMP echo ("ping") probe for Linux, IPv4 and IPv6.
/// `probe` blocks the calling thread for up to the timeout: run it on a thread pool.
enum ICMPPing {
    /// Which kinds of ICMP socket a probe may open.
    enum Mode: Sendable, Equatable {
        /// Unprivileged datagram socket first, then a raw socket.
        case automatic
        /// Only `SOCK_DGRAM` (needs net.ipv4.ping_group_range to cover our gid).
        case datagramOnly
        /// Only `SOCK_RAW` (needs CAP_NET_RAW).
        case rawOnly
        /// Never touch the network: every probe is `.notPermitted`.
        case disabled
    }

    /// What one probe found.
    enum Outcome: Sendable, Equatable {
        /// An echo reply arrived; `address` is the numeric address that sent it.
        case reply(milliseconds: Double, address: String)
        /// No reply before the deadline.
        case timeout
        /// An ICMP error (destination unreachable, time exceeded) came back, or sending failed.
        case unreachable
        /// The host name did not resolve.
        case unresolved
        /// No ICMP socket could be opened (or the mode is `.disabled`).
        case notPermitted
    }

    /// Sends one echo request to `host` and waits up to `timeoutSeconds` for the reply.
    static func probe(host: String, timeoutSeconds: Double, mode: Mode = .automatic) -> Outcome {
        if mode == .disabled { return .notPermitted }
        guard var target = resolve(host) else { return .unresolved }
        guard let (fd, raw) = openSocket(family: target.family, mode: mode) else { return .notPermitted }
        defer { close(fd) }
        let v6 = target.family == AF_INET6

        // The request: type, code, checksum, identifier, sequence, then a random token.
        let request = Request()
        var packet: [UInt8] = [v6 ? 128 : 8, 0, 0, 0,
                               UInt8(request.ident >> 8), UInt8(request.ident & 0xff),
                               UInt8(request.sequence >> 8), UInt8(request.sequence & 0xff)] + request.token
        if !v6 {  // The kernel fills in the ICMPv6 checksum (it covers a pseudo-header).
            let sum = checksum(packet)
            packet[2] = UInt8(sum >> 8)
            packet[3] = UInt8(sum & 0xff)
        }

        let timeout = timeoutSeconds.isNaN ? 0 : min(max(timeoutSeconds, 0), 3600)
        let start = monotonicNanos()
        let deadline = start + UInt64(timeout * 1e9)
        var sent: Int
        repeat {
            sent = withUnsafePointer(to: &target.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, packet, packet.count, 0, $0, target.length) }
            }
        } while sent < 0 && errno == EINTR
        // EHOSTUNREACH / ENETUNREACH and any other send failure: the host cannot be reached.
        guard sent == packet.count else { return .unreachable }

        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let now = monotonicNanos()
            guard now < deadline else { return .timeout }
            let waitMs = Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, waitMs)
            if ready < 0 && errno != EINTR { return .timeout }
            if ready <= 0 { continue }  // Interrupted or timed out: the loop re-checks the deadline.

            var from = sockaddr_storage()
            var fromLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, &fromLength)
                    }
                }
            }
            let arrived = monotonicNanos()
            if count < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN || code == EWOULDBLOCK { continue }
                // Datagram sockets (with IP_RECVERR) report ICMP errors as a receive error.
                return .unreachable
            }
            switch classify(buffer, count: count, v6: v6, raw: raw, request: request) {
            case .reply:
                return .reply(milliseconds: Double(arrived - start) / 1e6, address: numericHost(&from, fromLength))
            case .unreachable:
                return .unreachable
            case .foreign:
                continue  // Someone else's packet (raw sockets see every ICMP message): keep waiting.
            }
        }
    }

    // MARK: - Pieces

    /// The values that identify our request among all ICMP traffic.
    private struct Request {
        let ident = UInt16.random(in: 0...UInt16.max)
        let sequence = UInt16.random(in: 0...UInt16.max)
        let token = (0..<16).map { _ in UInt8.random(in: 0...UInt8.max) }
    }

    /// A resolved destination address.
    private struct Target {
        var storage = sockaddr_storage()
        var length: socklen_t = 0
        var family: Int32 = 0
    }

    private enum Verdict { case reply, unreachable, foreign }

    /// First IPv4 or IPv6 address of `host`, or nil.
    private static func resolve(_ host: String) -> Target? {
        let size = host.utf8.count
        guard size > 0, size <= 253 || (size == 254 && host.hasSuffix(".")), !host.utf8.contains(0) else { return nil }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)  // One entry per address instead of one per socket type.
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor?.pointee {
            cursor = entry.ai_next
            let length = Int(entry.ai_addrlen)
            guard entry.ai_family == AF_INET || entry.ai_family == AF_INET6, let address = entry.ai_addr,
                  length <= MemoryLayout<sockaddr_storage>.size else { continue }
            var target = Target(length: entry.ai_addrlen, family: entry.ai_family)
            withUnsafeMutableBytes(of: &target.storage) {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: length))
            }
            return target
        }
        return nil
    }

    /// Opens an ICMP socket as `mode` allows: datagram first, then raw. Nil when none may be opened
    /// (EPERM / EACCES; other failures such as a missing IPv6 stack are treated the same way).
    private static func openSocket(family: Int32, mode: Mode) -> (fd: Int32, raw: Bool)? {
        let proto = family == AF_INET6 ? Int32(IPPROTO_ICMPV6) : Int32(IPPROTO_ICMP)
        let kinds: [Bool] = mode == .datagramOnly ? [false] : mode == .rawOnly ? [true] : [false, true]
        for raw in kinds {
            let type = (raw ? SOCK_RAW : SOCK_DGRAM).rawValue | SOCK_CLOEXEC.rawValue
            let fd = socket(family, Int32(type), proto)
            guard fd >= 0 else { continue }
            if !raw {  // Have the kernel report ICMP errors for datagram sockets as receive errors.
                var on: Int32 = 1
                let level = family == AF_INET6 ? Int32(IPPROTO_IPV6) : Int32(IPPROTO_IP)
                let option = family == AF_INET6 ? IPV6_RECVERR : IP_RECVERR
                _ = setsockopt(fd, level, option, &on, socklen_t(MemoryLayout<Int32>.size))
            }
            return (fd, raw)
        }
        return nil
    }

    /// Decides whether a received packet is our reply, an ICMP error about our request, or neither.
    private static func classify(_ bytes: [UInt8], count: Int, v6: Bool, raw: Bool, request: Request) -> Verdict {
        func word(_ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
        var start = 0
        if raw && !v6 {  // Raw IPv4 sockets deliver the IP header too: skip IHL * 4 bytes.
            guard count >= 20 else { return .foreign }
            start = Int(bytes[0] & 0x0f) * 4
            guard start >= 20 else { return .foreign }
        }
        guard count >= start + 8 else { return .foreign }
        let type = bytes[start]
        if type == (v6 ? 129 : 0) {
            // Datagram sockets: the kernel rewrites the identifier, so rely on sequence and token.
            guard !raw || word(start + 4) == request.ident, word(start + 6) == request.sequence,
                  count >= start + 8 + request.token.count,
                  bytes[(start + 8)..<(start + 8 + request.token.count)].elementsEqual(request.token)
            else { return .foreign }
            return .reply
        }
        // Raw sockets receive ICMP errors as packets: destination unreachable and time exceeded
        // (IPv4 3 and 11, IPv6 1 and 3). They quote our request's IP header and first 8 bytes.
        guard raw, v6 ? (type == 1 || type == 3) : (type == 3 || type == 11) else { return .foreign }
        var inner = start + 8
        if v6 {
            inner += 40
        } else {
            guard count >= inner + 20 else { return .foreign }
            inner += Int(bytes[inner] & 0x0f) * 4
        }
        guard count >= inner + 8, bytes[inner] == (v6 ? 128 : 8),
              word(inner + 4) == request.ident, word(inner + 6) == request.sequence else { return .foreign }
        return .unreachable
    }

    /// RFC 1071 internet checksum over big-endian 16-bit words.
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// The numeric form of a socket address ("127.0.0.1", "::1", "fe80::1%eth0").
    private static func numericHost(_ address: inout sockaddr_storage, _ length: socklen_t) -> String {
        var name = [CChar](repeating: 0, count: 1025)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST)
            }
        }
        guard status == 0 else { return "?" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Monotonic clock in nanoseconds (unaffected by wall-clock changes).
    private static func monotonicNanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
