import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Vapor

/// Sends one message through the configured relay: plain, STARTTLS or implicit TLS, with
/// optional AUTH PLAIN. A 4xx answer (or a network failure) is temporary, a 5xx permanent.
struct SMTPRelay: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case temporary(String)
        case permanent(String)
        var description: String {
            switch self {
            case .temporary(let text), .permanent(let text): return text
            }
        }
    }

    let host: String
    let port: Int
    let security: String
    let user: String?
    let password: String?
    let caFile: String?
    let heloName: String

    init?(_ config: KeelConfig) {
        guard let host = config.relayHost else { return nil }
        self.host = host
        port = config.relayPort
        security = config.relaySecurity
        user = config.relayUser
        password = config.relayPassword
        caFile = config.relayCAFile
        heloName = config.mailHostname
    }

    private func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile { configuration.trustRoots = .file(caFile) }
        return try NIOSSLContext(configuration: configuration)
    }

    /// The name to check the certificate against (none for an IP address).
    private var serverHostname: String? { host.first?.isNumber == true ? nil : host }

    func send(from sender: String, to recipient: String, data: [UInt8], group: any EventLoopGroup) async throws {
        let implicitTLS = security == "tls" ? try tlsContext() : nil
        let hostname = serverHostname
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(15))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: implicitTLS, serverHostname: hostname))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure.temporary("connect \(host):\(port): \(error)")
        }
        let raw = channel.channel
        do {
            try await channel.executeThenClose { inbound, outbound in
                var lines = SMTPLineReader(inbound.makeAsyncIterator())
                func reply() async throws -> (Int, String) {
                    var text = ""
                    while let raw = try await lines.next(limit: 8192) {
                        guard let line = raw else { continue }
                        let value = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                        text += value + " "
                        let code = Int(value.prefix(3)) ?? 0
                        if value.count < 4 || value[value.index(value.startIndex, offsetBy: 3)] != "-" { return (code, text) }
                    }
                    throw Failure.temporary("connection closed by \(host)")
                }
                func command(_ line: String, expect: ClosedRange<Int>) async throws -> String {
                    try await outbound.write(ByteBuffer(string: line + "\r\n"))
                    return try check(try await reply(), expect: expect)
                }
                func check(_ answer: (Int, String), expect: ClosedRange<Int>) throws -> String {
                    if expect.contains(answer.0) { return answer.1 }
                    if (500..<600).contains(answer.0) { throw Failure.permanent(answer.1) }
                    throw Failure.temporary(answer.1)
                }
                _ = try check(try await reply(), expect: 220...220)
                var extensions = try await command("EHLO \(heloName)", expect: 250...250)
                if security == "starttls" {
                    guard extensions.uppercased().contains("STARTTLS") else { throw Failure.permanent("\(host) offers no STARTTLS") }
                    _ = try await command("STARTTLS", expect: 220...220)
                    let context = try tlsContext()
                    try await raw.eventLoop.submit {
                        try raw.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: hostname),
                                                                   position: .first)
                    }.get()
                    extensions = try await command("EHLO \(heloName)", expect: 250...250)
                }
                if let user, let password {
                    let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                    _ = try await command("AUTH PLAIN \(token)", expect: 235...235)
                }
                _ = try await command("MAIL FROM:<\(sender)>", expect: 250...250)
                _ = try await command("RCPT TO:<\(recipient)>", expect: 250...251)
                _ = try await command("DATA", expect: 354...354)
                try await outbound.write(ByteBuffer(bytes: Self.dotStuffed(data)))
                _ = try check(try await reply(), expect: 250...250)
                try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.temporary("\(host): \(error)")
        }
    }

    /// The message with leading dots doubled and the end-of-data line appended.
    static func dotStuffed(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 64)
        var lineStart = true
        for byte in data {
            if lineStart && byte == UInt8(ascii: ".") { out.append(byte) }
            out.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
        }
        if !(out.suffix(2) == [13, 10]) { out += [13, 10] }
        out += Array(".\r\n".utf8)
        return out
    }
}
