import Foundation

/// The status of a push job, as healthchecks.io shows it.
public enum HeartbeatStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// No success yet: never late or down for lack of pings (a start left open still goes down).
    case new
    /// The last run succeeded and the next is not due yet.
    case up
    /// Past due, still within grace.
    case late
    /// Past due + grace, or a run started and did not finish within grace.
    case down
    /// The last run reported failure (`/fail` or a non-zero exit code); the next success recovers.
    case failed

    /// Whether an incident is warranted.
    public var isProblem: Bool { self == .down || self == .failed }
}

/// Why a push job has its status.
public enum HeartbeatCause: String, Sendable, Hashable, Codable {
    case success
    case failPing
    case nonZeroExit
    case overdue
    case missed
    case startedWithoutFinish
}

/// A change of a push job's status, reported once.
public struct HeartbeatTransition: Sendable, Hashable, Codable {
    public let from: HeartbeatStatus
    public let to: HeartbeatStatus
    public let at: Date
    public let cause: HeartbeatCause?
    public let exitCode: Int?

    public init(from: HeartbeatStatus, to: HeartbeatStatus, at: Date, cause: HeartbeatCause?, exitCode: Int?) {
        self.from = from
        self.to = to
        self.at = at
        self.cause = cause
        self.exitCode = exitCode
    }
}

/// What a push job looks like at one instant.
public struct HeartbeatEvaluation: Sendable, Hashable, Codable {
    public let status: HeartbeatStatus
    public let cause: HeartbeatCause?
    /// When the next success is expected (nil before the first success or when a cron
    /// expression never runs again).
    public let dueAt: Date?
    /// `dueAt + grace`: from then the job is down.
    public let downAt: Date?
    /// `now ≥ dueAt`.
    public let isOverdue: Bool
    /// When the status changes if no ping arrives (the server's next timer), or nil.
    public let nextChangeAt: Date?
}

/// The state of one push job: fed with pings, evaluated at any instant, reporting each change
/// of status once. Every operation is O(1) (a cron schedule computes its due time once per
/// success); the value is Codable for storage.
public struct HeartbeatState: Sendable, Hashable, Codable {
    public private(set) var schedule: HeartbeatSchedule
    /// The status last reported (by `record` or `advance`).
    public private(set) var status: HeartbeatStatus = .new
    public private(set) var lastPingAt: Date?
    public private(set) var lastSuccessAt: Date?
    public private(set) var lastFailureAt: Date?
    /// Set by a start ping, cleared by the run's success or failure.
    public private(set) var runningSince: Date?
    public private(set) var lastExitCode: Int?
    /// Seconds from the start ping to the finishing ping of the last run that had both.
    public private(set) var lastRunDuration: Double?
    /// Cached `schedule.due(afterSuccessAt: lastSuccessAt)`.
    public private(set) var dueAt: Date?
    private var lastFinishFailed = false
    private var lastFailureCause: HeartbeatCause?

    public init(schedule: HeartbeatSchedule) {
        self.schedule = schedule
    }

    /// Records a ping received at `at` and returns the status change it causes, if any.
    public mutating func record(_ ping: HeartbeatPing, at: Date) -> HeartbeatTransition? {
        lastPingAt = at
        if case .exitCode(let code) = ping { lastExitCode = code } else if ping != .start { lastExitCode = nil }
        switch ping.outcome {
        case nil:
            runningSince = at
        case true?:
            finishRun(at: at)
            lastSuccessAt = at
            lastFinishFailed = false
            dueAt = schedule.due(afterSuccessAt: at)
        case false?:
            finishRun(at: at)
            lastFailureAt = at
            lastFinishFailed = true
            lastFailureCause = ping == .fail ? .failPing : .nonZeroExit
        }
        return advance(now: at)
    }

    private mutating func finishRun(at: Date) {
        lastRunDuration = runningSince.map { at.timeIntervalSince($0) }
        runningSince = nil
    }

    /// Changes the schedule; the due time is recomputed from the last success.
    public mutating func reschedule(_ schedule: HeartbeatSchedule, now: Date) -> HeartbeatTransition? {
        self.schedule = schedule
        dueAt = lastSuccessAt.flatMap { schedule.due(afterSuccessAt: $0) }
        return advance(now: now)
    }

    /// Brings the reported status up to `now`; the change, if any, is returned once.
    public mutating func advance(now: Date) -> HeartbeatTransition? {
        let evaluation = evaluate(now: now)
        guard evaluation.status != status else { return nil }
        let transition = HeartbeatTransition(
            from: status, to: evaluation.status, at: now, cause: evaluation.cause,
            exitCode: evaluation.status == .failed || evaluation.status == .up ? lastExitCode : nil)
        status = evaluation.status
        return transition
    }

    /// The status at `now` without changing anything.
    public func evaluate(now: Date) -> HeartbeatEvaluation {
        let grace = Double(schedule.graceSeconds)
        let downAt = dueAt?.addingTimeInterval(grace)
        let isOverdue = dueAt.map { now >= $0 } ?? false
        let startDeadline = runningSince?.addingTimeInterval(grace)
        func result(_ status: HeartbeatStatus, _ cause: HeartbeatCause?, _ next: Date?) -> HeartbeatEvaluation {
            HeartbeatEvaluation(
                status: status, cause: cause, dueAt: dueAt, downAt: downAt, isOverdue: isOverdue, nextChangeAt: next)
        }
        if lastFinishFailed { return result(.failed, lastFailureCause, nil) }
        if let startDeadline, now >= startDeadline { return result(.down, .startedWithoutFinish, nil) }
        let pendingStart = startDeadline.flatMap { $0 > now ? $0 : nil }
        guard lastSuccessAt != nil else { return result(.new, nil, pendingStart) }
        guard let dueAt, let downAt else { return result(.up, .success, pendingStart) }
        if now >= downAt { return result(.down, .missed, nil) }
        if now >= dueAt { return result(.late, .overdue, earliest(downAt, pendingStart)) }
        return result(.up, .success, earliest(dueAt, pendingStart))
    }

    private func earliest(_ a: Date, _ b: Date?) -> Date {
        guard let b else { return a }
        return min(a, b)
    }
}
