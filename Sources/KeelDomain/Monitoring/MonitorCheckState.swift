import Foundation

/// A check's status as shown and alerted on.
public enum MonitorCheckStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not enough results yet to decide.
    case pending
    case up
    case down
    /// Inside a maintenance window: results are kept but never alert.
    case maintenance
}

/// A change in a check's status or flapping, reported exactly once.
///
/// `from == to` when only flapping started or stopped. While `isFlapping`, changes must not
/// open new incidents (`IncidentPolicy` records them only); when flapping stops, the settled
/// status (`to`) is decided on as if it had just been reached.
public struct MonitorTransition: Sendable, Hashable, Codable {
    public let from: MonitorCheckStatus
    public let to: MonitorCheckStatus
    public let at: Date
    public let wasFlapping: Bool
    public let isFlapping: Bool
    /// The error of the result that caused the change, if it failed.
    public let error: MonitorErrorCode?
    public let consecutiveFailures: Int

    public init(
        from: MonitorCheckStatus, to: MonitorCheckStatus, at: Date, wasFlapping: Bool = false, isFlapping: Bool = false,
        error: MonitorErrorCode? = nil, consecutiveFailures: Int = 0
    ) {
        self.from = from
        self.to = to
        self.at = at
        self.wasFlapping = wasFlapping
        self.isFlapping = isFlapping
        self.error = error
        self.consecutiveFailures = consecutiveFailures
    }

    public var statusChanged: Bool { from != to }
    public var flappingStarted: Bool { !wasFlapping && isFlapping }
    public var flappingStopped: Bool { wasFlapping && !isFlapping }
}

/// The state machine of one check, fed with probe results.
///
/// - pending → down after `failuresBeforeDown` consecutive failures, → up after
///   `successesBeforeUp` consecutive successes; up → down after `failuresBeforeDown`
///   consecutive failures (an up check with fewer failures stays up: retries do not flap the
///   status); down → up after `successesBeforeUp` consecutive successes.
/// - Maintenance: results keep feeding the counters and the underlying up/down status, but the
///   shown status is `maintenance`, and flapping is frozen; leaving maintenance reports
///   maintenance → the underlying status.
/// - Flapping (`MonitorFlapDamping`): each result shifts one bit (1 = the underlying status
///   changed at this result) into a 64-bit history; flapping starts when a change brings the
///   count of ones in the last M bits above K, and stops, clearing the history, after S
///   consecutive results without a change.
///
/// `record` is O(1) and allocation-free; the value is Codable so the server can store it.
public struct MonitorCheckState: Sendable, Hashable, Codable {
    /// The status shown.
    public private(set) var status: MonitorCheckStatus = .pending
    /// pending, up or down, whatever the maintenance.
    public private(set) var underlyingStatus: MonitorCheckStatus = .pending
    public private(set) var isFlapping = false
    public private(set) var consecutiveFailures = 0
    public private(set) var consecutiveSuccesses = 0
    public private(set) var lastResultAt: Date?
    public private(set) var lastChangeAt: Date?
    public private(set) var lastError: MonitorErrorCode?
    /// Bit i set: the underlying status changed at the i-th most recent result (outside maintenance).
    public private(set) var changeHistory: UInt64 = 0
    public private(set) var resultsSinceChange = 0
    private var inMaintenance = false

    public init() {}

    /// Status changes within the last `window` results.
    public func changes(inLast window: Int) -> Int {
        let w = max(0, min(window, 64))
        let mask: UInt64 = w == 64 ? .max : (1 << UInt64(w)) - 1
        return (changeHistory & mask).nonzeroBitCount
    }

    /// Feeds one result; `inMaintenance` says whether the check is in a maintenance window at
    /// `result.at`. Returns the change it causes, if any.
    public mutating func record(
        _ result: MonitorResult, policy: MonitorCheckPolicy, inMaintenance maintenance: Bool
    ) -> MonitorTransition? {
        let before = (status, isFlapping)
        lastResultAt = result.at
        if result.isUp {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
            lastError = nil
        } else {
            consecutiveFailures += 1
            consecutiveSuccesses = 0
            lastError = result.error ?? .other
        }
        let old = underlyingStatus
        if result.isUp, old != .up, consecutiveSuccesses >= policy.successesBeforeUp {
            underlyingStatus = .up
        } else if !result.isUp, old != .down, consecutiveFailures >= policy.failuresBeforeDown {
            underlyingStatus = .down
        }
        inMaintenance = maintenance
        if !maintenance {
            // Leaving pending is a first decision, not a change that counts towards flapping.
            let changed = old != underlyingStatus && old != .pending
            updateFlapping(changed: changed, damping: policy.flapDamping)
        }
        return settle(before: before, at: result.at, error: result.isUp ? nil : lastError)
    }

    /// Enters or leaves maintenance without a result (at a window's edge).
    public mutating func setMaintenance(_ active: Bool, at: Date) -> MonitorTransition? {
        let before = (status, isFlapping)
        inMaintenance = active
        return settle(before: before, at: at, error: nil)
    }

    /// Forgets all history (after the check's target or type was edited).
    public mutating func reset() {
        self = MonitorCheckState()
    }

    private mutating func updateFlapping(changed: Bool, damping: MonitorFlapDamping?) {
        guard let damping else {
            isFlapping = false
            changeHistory = 0
            resultsSinceChange = changed ? 0 : resultsSinceChange &+ 1
            return
        }
        changeHistory = (changeHistory << 1) | (changed ? 1 : 0)
        resultsSinceChange = changed ? 0 : resultsSinceChange &+ 1
        if isFlapping {
            if resultsSinceChange >= damping.stableResults {
                isFlapping = false
                changeHistory = 0
            }
        } else if changed, changes(inLast: damping.window) > damping.maxChanges {
            isFlapping = true
        }
    }

    private mutating func settle(
        before: (MonitorCheckStatus, Bool), at: Date, error: MonitorErrorCode?
    ) -> MonitorTransition? {
        status = inMaintenance ? .maintenance : underlyingStatus
        guard status != before.0 || isFlapping != before.1 else { return nil }
        if status != before.0 { lastChangeAt = at }
        return MonitorTransition(
            from: before.0, to: status, at: at, wasFlapping: before.1, isFlapping: isFlapping, error: error,
            consecutiveFailures: consecutiveFailures)
    }
}
