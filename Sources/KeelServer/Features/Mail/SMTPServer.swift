import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Vapor

/// Keel's own SMTP listener (`KEEL_SMTP_ADDRESS`/`KEEL_SMTP_PORT`): takes mail for the
/// configured recipients, stores each message durably (`MailIntake`) and only then answers
/// 250, so an accepted message survives a crash. Never relays. Size over the limit is 552,
/// too many recipients 452, a storage failure 451 (the sender retries).
struct SMTPListener: LifecycleHandler {
    let address: String
    let port: Int

    func didBootAsync(_ application: Application) async throws {
        var tls: NIOSSLContext?
        if let certificate = application.keel.smtpTLSCertificate, let key = application.keel.smtpTLSKey {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
                let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain,
                                                                             privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
                tls = try NIOSSLContext(configuration: configuration)
            } catch {
                throw KeelConfig.Invalid(setting: "KEEL_SMTP_TLS_CERT", reason: "cannot load the certificate or key: \(error)")
            }
        }
        let context = tls
        let server = try await ServerBootstrap(group: application.eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: address, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        application.storage[ServerKey.self] = server.channel
        application.logger.notice("SMTP listener on \(address):\(port)")
        let app = application
        Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await SMTPSession(app: app, connection: connection, tls: context).run() }
                        }
                    }
                } catch {
                    app.logger.notice("SMTP listener stopped", metadata: ["reason": "\(error)"])
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        try? await application.storage[ServerKey.self]?.close()
    }

    private struct ServerKey: StorageKey { typealias Value = any Channel }
}

/// One SMTP conversation, as plain async code over the connection's byte stream.
struct SMTPSession {
    let app: Application
    let connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    /// Offered as STARTTLS when set.
    let tls: NIOSSLContext?

    private static let commandLineLimit = 4096
    private static let dataLineLimit = 1 << 20

    func run() async {
        let config = app.keel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var lines = SMTPLineReader(inbound.makeAsyncIterator())
                func say(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text + "\r\n")) }
                try await say("220 \(config.mailHostname) Keel ESMTP ready")
                var sender: String?
                var recipients: [String] = []
                var secured = false
                while let raw = try await lines.next(limit: Self.commandLineLimit) {
                    guard let line = raw else { try await say("500 5.5.2 Line too long"); continue }
                    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    let verb = text.split(separator: " ", maxSplits: 1).first.map { $0.uppercased() } ?? ""
                    switch verb {
                    case "EHLO":
                        let starttls = tls != nil && !secured ? "250-STARTTLS\r\n" : ""
                        try await outbound.write(ByteBuffer(string: "250-\(config.mailHostname)\r\n250-SIZE \(config.mailMaxBytes)\r\n"
                                                                + starttls + "250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n"))
                    case "STARTTLS":
                        guard let tls, !secured else { try await say("502 5.5.1 STARTTLS not available"); continue }
                        // Anything the client pipelined before the handshake is not trusted.
                        lines.discardBuffered()
                        // The answer and the TLS handler in one event-loop turn: the client's
                        // handshake cannot arrive in between and be read as plain text.
                        let channel = connection.channel
                        try await channel.eventLoop.submit {
                            channel.writeAndFlush(ByteBuffer(string: "220 2.0.0 Ready to start TLS\r\n"), promise: nil)
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
                        }.get()
                        secured = true
                        sender = nil
                        recipients = []
                    case "HELO":
                        try await say("250 \(config.mailHostname)")
                    case "MAIL":
                        guard let path = Self.path(in: text, after: "FROM:") else { try await say("501 5.5.4 Syntax: MAIL FROM:<address>"); continue }
                        if let size = Self.sizeParameter(text), size > config.mailMaxBytes {
                            try await say("552 5.3.4 Message size exceeds fixed limit"); continue
                        }
                        sender = path
                        recipients = []
                        try await say("250 2.1.0 OK")
                    case "RCPT":
                        guard sender != nil else { try await say("503 5.5.1 MAIL first"); continue }
                        guard let path = Self.path(in: text, after: "TO:"), path.contains("@") else {
                            try await say("501 5.5.4 Syntax: RCPT TO:<address>"); continue
                        }
                        guard recipients.count < config.mailMaxRecipients else { try await say("452 4.5.3 Too many recipients"); continue }
                        guard MailIntake.accepts(path, config: config) else { try await say("550 5.1.1 No such mailbox here"); continue }
                        recipients.append(path)
                        try await say("250 2.1.5 OK")
                    case "DATA":
                        guard sender != nil, !recipients.isEmpty else { try await say("503 5.5.1 RCPT first"); continue }
                        try await say("354 End data with <CR><LF>.<CR><LF>")
                        let (message, tooBig) = try await readData(&lines, limit: config.mailMaxBytes)
                        if tooBig {
                            try await say("552 5.3.4 Message size exceeds fixed limit")
                        } else if let id = try? await MailIntake.accept(message, source: "smtp", envelopeFrom: sender,
                                                                        recipients: recipients, on: app) {
                            try await say("250 2.0.0 OK queued as \(id.uuidString.lowercased())")
                            let worker = app.mailWorker
                            Task { await worker.kick() }
                        } else {
                            try await say("451 4.3.0 Temporary failure, please try again")
                        }
                        sender = nil
                        recipients = []
                    case "RSET":
                        sender = nil
                        recipients = []
                        try await say("250 2.0.0 OK")
                    case "NOOP":
                        try await say("250 2.0.0 OK")
                    case "VRFY":
                        try await say("252 2.5.0 Cannot verify, send mail and it will be handled")
                    case "QUIT":
                        try await say("221 2.0.0 Bye")
                        return
                    default:
                        try await say("502 5.5.2 Command not recognised")
                    }
                }
            }
        } catch {
            app.logger.debug("SMTP session ended", metadata: ["reason": "\(error)"])
        }
    }

    /// The message up to the lone dot, dot-unstuffed. Past the limit the rest is read and dropped.
    private func readData(_ lines: inout SMTPLineReader, limit: Int) async throws -> ([UInt8], Bool) {
        var message: [UInt8] = []
        var tooBig = false
        while let raw = try await lines.next(limit: Self.dataLineLimit) {
            guard var line = raw else { tooBig = true; continue }
            if line == Array(".\r\n".utf8) || line == Array(".\n".utf8) || line == Array(".".utf8) { return (message, tooBig) }
            if line.first == UInt8(ascii: ".") { line.removeFirst() }
            if message.count + line.count > limit { tooBig = true; message = []; continue }
            if !tooBig { message += line }
        }
        throw ChannelError.eof
    }

    /// `<address>` after `FROM:` or `TO:`; `<>` (the null sender) is "".
    static func path(in command: String, after keyword: String) -> String? {
        guard let range = command.range(of: keyword, options: .caseInsensitive) else { return nil }
        let rest = command[range.upperBound...].trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else { return nil }
        let address = String(rest[rest.index(after: rest.startIndex)..<close])
        guard address.count <= 320, !address.contains(where: { $0 == " " || $0.isNewline }) else { return nil }
        return address
    }

    static func sizeParameter(_ command: String) -> Int? {
        for part in command.split(separator: " ") where part.uppercased().hasPrefix("SIZE=") {
            return Int(part.dropFirst(5))
        }
        return nil
    }
}

/// Splits the inbound byte stream into lines (each with its line ending). A line over the
/// limit is consumed and reported as `.some(nil)`; the end of the stream is `nil`.
struct SMTPLineReader {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var pending: [UInt8] = []
    private var start = 0
    private var discarding = false

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    mutating func discardBuffered() {
        pending.removeAll(keepingCapacity: true)
        start = 0
        discarding = false
    }

    mutating func next(limit: Int) async throws -> [UInt8]?? {
        while true {
            if let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[start...newline])
                start = newline + 1
                if start > 65_536 { pending.removeFirst(start); start = 0 }
                if discarding { discarding = false; return .some(nil) }
                return .some(line)
            }
            if pending.count - start > limit {
                // Keep reading until the line ends, without keeping it.
                pending.removeAll(keepingCapacity: true)
                start = 0
                discarding = true
            }
            guard let buffer = try await iterator.next() else {
                if pending.count > start, !discarding {
                    let line = Array(pending[start...])
                    pending.removeAll()
                    start = 0
                    return .some(line)
                }
                return nil
            }
            pending.append(contentsOf: buffer.readableBytesView)
        }
    }
}
