import AsyncHTTPClient
import Foundation
import KeelDomain
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Vapor

/// The probes of active checks, over real sockets: HTTP(S) with status, keyword and latency
/// rules; TCP connect; a TLS handshake reading the certificate's end date; DNS; ping (`Probes+Ping`). Each returns one
/// `MonitorResult`; failures are classified into `MonitorErrorCode`s, never thrown.
enum Probes {
    static func run(_ target: MonitorTarget, config: ActiveCheckConfig, app: Application, now: Date = Date()) async -> MonitorResult {
        switch target.kind {
        case .http: return await http(target, config: config, app: app, at: now)
        case .tcp: return await tcp(host: target.host, port: target.port ?? 0, timeout: config.policy.timeoutSeconds, app: app, at: now)
        case .tls: return await tls(host: target.host, port: target.port ?? 443, config: config, app: app, at: now)
        case .dns: return await dns(host: target.host, expected: config.expectedValue, app: app, at: now)
        case .ping: return await ping(host: target.host, config: config, app: app, at: now).0
        case .push: return MonitorResult(at: now, isUp: false, error: .other)
        }
    }

    static func http(_ target: MonitorTarget, config: ActiveCheckConfig, app: Application, at now: Date) async -> MonitorResult {
        guard let url = target.url else { return MonitorResult(at: now, isUp: false, error: .other) }
        let client = ProbeClients.shared(app, followRedirects: config.followRedirects)
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: config.method)
        request.headers.add(name: "User-Agent", value: "Keel-Monitor/1")
        for (name, value) in config.headers { request.headers.replaceOrAdd(name: name, value: value) }
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(config.policy.timeoutSeconds)))
            var body = ByteBuffer()
            if config.keyword != nil {
                body = try await response.body.collect(upTo: 4 << 20)
            }
            let latency = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
            var result = MonitorResult.http(status: Int(response.status.code), at: now, latencyMilliseconds: latency,
                                            accepted: config.acceptedLow...config.acceptedHigh)
            if result.isUp, let keyword = config.keyword {
                let found = String(buffer: body).contains(keyword)
                if found == config.keywordAbsent { result = MonitorResult(at: now, isUp: false, latencyMilliseconds: latency, error: .keywordMissing) }
            }
            if result.isUp, let ceiling = config.maxLatencyMs, latency > Double(ceiling) {
                result = MonitorResult(at: now, isUp: false, latencyMilliseconds: latency, error: .timeout)
            }
            return result
        } catch {
            return MonitorResult(at: now, isUp: false, error: classify(error))
        }
    }

    static func tcp(host: String, port: Int, timeout: Int, app: Application, at now: Date) async -> MonitorResult {
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let channel = try await ClientBootstrap(group: app.eventLoopGroup)
                .connectTimeout(.seconds(Int64(timeout)))
                .connect(host: host, port: port).get()
            let latency = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
            try? await channel.close()
            return MonitorResult(at: now, isUp: true, latencyMilliseconds: latency)
        } catch {
            return MonitorResult(at: now, isUp: false, error: classify(error))
        }
    }

    /// A/AAAA through the system resolver (`getaddrinfo`, on the thread pool so no event loop
    /// blocks); with `expected`, one of the addresses must be it.
    static func dns(host: String, expected: String?, app: Application, at now: Date) async -> MonitorResult {
        let started = DispatchTime.now().uptimeNanoseconds
        let answer: Resolution
        do {
            answer = try await blockingPool.runIfActive { resolve(host) }
        } catch {
            return MonitorResult(at: now, isUp: false, error: .other)
        }
        let latency = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        switch answer {
        case .failed(let code): return MonitorResult(at: now, isUp: false, latencyMilliseconds: latency, error: code)
        case .addresses(let addresses):
            if let expected, !addresses.contains(expected.lowercased()) {
                return MonitorResult(at: now, isUp: false, latencyMilliseconds: latency, error: .dnsNoAnswer)
            }
            return MonitorResult(at: now, isUp: true, latencyMilliseconds: latency)
        }
    }

    enum Resolution: Sendable { case addresses([String]), failed(MonitorErrorCode) }

    private static func resolve(_ host: String) -> Resolution {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        // EAI_NONAME: the name has no address; anything else (EAI_AGAIN, EAI_FAIL…) is the resolver failing.
        guard status == 0 else { return .failed(status == EAI_NONAME ? .dnsNoAnswer : .dnsFailure) }
        var addresses: [String] = []
        var cursor = list
        while let entry = cursor?.pointee {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.ai_addr, entry.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).lowercased()
                if !addresses.contains(text) { addresses.append(text) }
            }
            cursor = entry.ai_next
        }
        return addresses.isEmpty ? .failed(.dnsNoAnswer) : .addresses(addresses)
    }

    /// The handshake does not verify the chain: the point is to read the end date even of an
    /// expired or self-signed certificate and say how long it has left.
    static func tls(host: String, port: Int, config: ActiveCheckConfig, app: Application, at now: Date) async -> MonitorResult {
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            let context = try NIOSSLContext(configuration: tls)
            let serverName = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
            let channel = try await ClientBootstrap(group: app.eventLoopGroup)
                .connectTimeout(.seconds(Int64(config.policy.timeoutSeconds)))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                    }
                }
                .connect(host: host, port: port).get()
            defer { channel.close(promise: nil) }
            let certificate = try await waitForCertificate(on: channel, timeout: config.policy.timeoutSeconds)
            let latency = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
            let notAfter = Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter))
            return MonitorResult.tlsExpiry(notAfter: notAfter, at: now, warningDays: config.tlsWarnDays, latencyMilliseconds: latency)
        } catch {
            return MonitorResult(at: now, isUp: false, error: classify(error, tls: true))
        }
    }

    /// The handshake finishes after `connect` returns; the peer certificate appears then.
    private static func waitForCertificate(on channel: any Channel, timeout: Int) async throws -> NIOSSLCertificate {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout) * 1_000_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let certificate = try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
            }.get()
            if let certificate { return certificate }
            guard channel.isActive else { throw ProbeFailure.handshake }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        throw ProbeFailure.timeout
    }

    enum ProbeFailure: Error { case handshake, timeout }

    static func classify(_ error: any Error, tls: Bool = false) -> MonitorErrorCode {
        if let failure = error as? ProbeFailure { return failure == .timeout ? .timeout : .tlsHandshake }
        if error is NIOSSLError || error is BoringSSLError { return .tlsHandshake }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return .timeout
            default: break
            }
        }
        if error is ChannelError, case ChannelError.connectTimeout = error { return .timeout }
        if let connect = error as? NIOConnectionError {
            if connect.dnsAAAAError != nil && connect.dnsAError != nil && connect.connectionErrors.isEmpty { return .dnsFailure }
            return classify(connect.connectionErrors.first?.error ?? ChannelError.connectTimeout(.seconds(0)), tls: tls)
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return .connectionRefused
            case EHOSTUNREACH, ENETUNREACH: return .hostUnreachable
            case ETIMEDOUT: return .timeout
            default: return tls ? .tlsHandshake : .other
            }
        }
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") { return .timeout }
        if text.contains("refused") { return .connectionRefused }
        if text.contains("dns") || text.contains("NXDOMAIN") || text.contains("lookup") { return .dnsFailure }
        return tls ? .tlsHandshake : .other
    }
}

/// Two shared HTTP clients for probes (redirects followed or not), verifying certificates
/// like a browser, shut down with the application.
struct ProbeClients: LifecycleHandler {
    private struct Key: StorageKey { typealias Value = [Bool: HTTPClient] }
    private static let lock = NIOLock()

    static func shared(_ app: Application, followRedirects: Bool) -> HTTPClient {
        lock.withLock {
            if let client = app.storage[Key.self]?[followRedirects] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.redirectConfiguration = followRedirects ? .follow(max: 5, allowCycles: false) : .disallow
            configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
            let client = HTTPClient(eventLoopGroupProvider: .shared(app.eventLoopGroup), configuration: configuration)
            var clients = app.storage[Key.self] ?? [:]
            clients[followRedirects] = client
            app.storage[Key.self] = clients
            return client
        }
    }

    func shutdownAsync(_ application: Application) async {
        let clients = Self.lock.withLock { application.storage[Key.self]?.values.map { $0 } ?? [] }
        for client in clients { try? await client.shutdown() }
    }
}
