import Foundation

/// What a check probes (API `type`). HTTP covers `http://` and `https://` targets.
public enum MonitorCheckKind: String, Sendable, Hashable, Codable, CaseIterable {
    case http, tcp, tls, dns, ping, push
}

/// Why a probe failed: a code the server words in the reader's language.
public enum MonitorErrorCode: String, Sendable, Hashable, Codable, CaseIterable {
    case timeout
    case connectionRefused
    case hostUnreachable
    case dnsFailure
    case dnsNoAnswer
    case tlsHandshake
    case certificateExpired
    case certificateExpiringSoon
    case certificateInvalid
    case httpStatus
    case keywordMissing
    case packetLoss
    case other
}

/// How a check turns results into a status. Defaults: down after 3 consecutive failures, up
/// again after 1 success, flap damping 20/4/10 (see `MonitorFlapDamping`).
public struct MonitorCheckPolicy: Sendable, Hashable, Codable {
    /// Shortest interval between two runs of a check.
    public static let minimumIntervalSeconds = 20
    /// Longest interval (one day).
    public static let maximumIntervalSeconds = 86400

    public var intervalSeconds: Int
    /// A probe still unanswered after this long fails with `timeout`; at most the interval.
    public var timeoutSeconds: Int
    /// Consecutive failures before the check is down (1 = at once; 3 = two retries).
    public var failuresBeforeDown: Int
    /// Consecutive successes before a down (or pending) check is up.
    public var successesBeforeUp: Int
    /// nil turns flap damping off.
    public var flapDamping: MonitorFlapDamping?

    public init(
        intervalSeconds: Int = 60, timeoutSeconds: Int = 10, failuresBeforeDown: Int = 3, successesBeforeUp: Int = 1,
        flapDamping: MonitorFlapDamping? = MonitorFlapDamping()
    ) {
        self.intervalSeconds = intervalSeconds
        self.timeoutSeconds = timeoutSeconds
        self.failuresBeforeDown = failuresBeforeDown
        self.successesBeforeUp = successesBeforeUp
        self.flapDamping = flapDamping
    }

    /// The policy when every value is acceptable.
    public func validated() throws(MonitorPolicyError) -> MonitorCheckPolicy {
        guard (Self.minimumIntervalSeconds...Self.maximumIntervalSeconds).contains(intervalSeconds) else {
            throw .intervalSeconds
        }
        guard timeoutSeconds >= 1, timeoutSeconds <= intervalSeconds else { throw .timeoutSeconds }
        guard (1...20).contains(failuresBeforeDown) else { throw .failuresBeforeDown }
        guard (1...20).contains(successesBeforeUp) else { throw .successesBeforeUp }
        if let flap = flapDamping {
            guard (2...MonitorFlapDamping.maximumWindow).contains(flap.window) else { throw .flapWindow }
            guard flap.maxChanges >= 1, flap.maxChanges < flap.window else { throw .flapMaxChanges }
            guard (1...1000).contains(flap.stableResults) else { throw .flapStableResults }
        }
        return self
    }
}

/// A policy value out of bounds; the case names the API field.
public enum MonitorPolicyError: String, Error, Sendable, Hashable {
    case intervalSeconds, timeoutSeconds, failuresBeforeDown, successesBeforeUp
    case flapWindow, flapMaxChanges, flapStableResults
}

/// Flap damping: a check whose status changed more than `maxChanges` times within its last
/// `window` results is *flapping*; while it flaps, its status changes do not open or resolve
/// incidents, until it has kept one status for `stableResults` consecutive results.
public struct MonitorFlapDamping: Sendable, Hashable, Codable {
    /// The window is kept as bits of one 64-bit word.
    public static let maximumWindow = 64

    /// M: how many recent results are looked at.
    public var window: Int
    /// K: more status changes than this within the window means flapping.
    public var maxChanges: Int
    /// S: consecutive results without a status change that end flapping.
    public var stableResults: Int

    public init(window: Int = 20, maxChanges: Int = 4, stableResults: Int = 10) {
        self.window = window
        self.maxChanges = maxChanges
        self.stableResults = stableResults
    }
}

/// The outcome of one probe.
public struct MonitorResult: Sendable, Hashable, Codable {
    public var at: Date
    public var isUp: Bool
    /// Round-trip time in milliseconds, when measured.
    public var latencyMilliseconds: Double?
    public var error: MonitorErrorCode?

    public init(at: Date, isUp: Bool, latencyMilliseconds: Double? = nil, error: MonitorErrorCode? = nil) {
        self.at = at
        self.isUp = isUp
        self.latencyMilliseconds = latencyMilliseconds
        self.error = error
    }

    /// An HTTP answer: up when the status is in `accepted` (default 200–399).
    public static func http(
        status: Int, at: Date, latencyMilliseconds: Double?, accepted: ClosedRange<Int> = 200...399
    ) -> MonitorResult {
        let up = accepted.contains(status)
        return MonitorResult(at: at, isUp: up, latencyMilliseconds: latencyMilliseconds, error: up ? nil : .httpStatus)
    }

    /// A TLS certificate's expiry: down when expired or expiring within `warningDays`.
    public static func tlsExpiry(
        notAfter: Date, at: Date, warningDays: Int = 14, latencyMilliseconds: Double? = nil
    ) -> MonitorResult {
        if notAfter <= at {
            return MonitorResult(at: at, isUp: false, latencyMilliseconds: latencyMilliseconds, error: .certificateExpired)
        }
        let soon = notAfter.timeIntervalSince(at) < Double(warningDays) * 86400
        return MonitorResult(
            at: at, isUp: !soon, latencyMilliseconds: latencyMilliseconds, error: soon ? .certificateExpiringSoon : nil)
    }
}
