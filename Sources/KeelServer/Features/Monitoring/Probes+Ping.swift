import Foundation
import KeelDomain
import NIOPosix
import Vapor

extension Probes {
    /// Blocking probes (ICMP echo, the system resolver) run here, off the event loops and off
    /// the application's small thread pool, so a slow target holds one of these threads only.
    static let blockingPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 32)
        pool.start()
        return pool
    }()

    /// ICMP echo where the process may send it; otherwise a TCP connect to `fallbackPort`
    /// (443 by default), with the note `ping_tcp_fallback` so the reader knows what was measured.
    static func ping(host: String, config: ActiveCheckConfig, app: Application, at now: Date) async -> (MonitorResult, String?) {
        let mode: ICMPPing.Mode = app.keel.icmp == "off" ? .disabled : .automatic
        let timeout = Double(config.policy.timeoutSeconds)
        let outcome = try? await blockingPool.runIfActive { ICMPPing.probe(host: host, timeoutSeconds: timeout, mode: mode) }
        switch outcome {
        case .reply(let milliseconds, _)?:
            return (MonitorResult(at: now, isUp: true, latencyMilliseconds: milliseconds), nil)
        case .timeout?:
            return (MonitorResult(at: now, isUp: false, error: .packetLoss), nil)
        case .unreachable?:
            return (MonitorResult(at: now, isUp: false, error: .hostUnreachable), nil)
        case .unresolved?:
            return (MonitorResult(at: now, isUp: false, error: .dnsFailure), nil)
        case .notPermitted?, nil:
            let result = await tcp(host: host, port: config.fallbackPort ?? 443, timeout: config.policy.timeoutSeconds, app: app, at: now)
            return (result, "ping_tcp_fallback")
        }
    }
}
