import Foundation

/// A priority in force from `at` on.
public struct PriorityChange: Sendable, Hashable, Codable {
    public var at: Date
    public var priority: Priority

    public init(at: Date, priority: Priority) {
        self.at = at
        self.priority = priority
    }
}

/// A status entered at `at`.
public struct StatusChange: Sendable, Hashable, Codable {
    public var at: Date
    public var status: TicketStatus

    public init(at: Date, status: TicketStatus) {
        self.at = at
        self.status = status
    }
}

/// What the SLA clocks need to know about a ticket. Histories may be unsorted and may hold
/// entries after `now` (they are ignored); before the first status change the ticket is `new`.
public struct TicketSLAHistory: Sendable, Hashable {
    public var createdAt: Date
    /// The priority at creation.
    public var priority: Priority
    /// Later priority changes. The latest one at or before `now` applies, and due times are
    /// recomputed from `createdAt` with its targets.
    public var priorityChanges: [PriorityChange]
    public var statusChanges: [StatusChange]
    /// The first public reply by provider staff.
    public var firstPublicStaffReplyAt: Date?

    public init(
        createdAt: Date, priority: Priority, priorityChanges: [PriorityChange] = [],
        statusChanges: [StatusChange] = [], firstPublicStaffReplyAt: Date? = nil
    ) {
        self.createdAt = createdAt
        self.priority = priority
        self.priorityChanges = priorityChanges
        self.statusChanges = statusChanges
        self.firstPublicStaffReplyAt = firstPublicStaffReplyAt
    }

    /// The priority in force at `now`.
    public func priority(at now: Date) -> Priority {
        priorityChanges.filter { $0.at <= now }.max { $0.at < $1.at }?.priority ?? priority
    }

    /// The status changes up to `now`, in time order (a stable sort keeps same-instant order).
    func changes(until now: Date) -> [StatusChange] {
        statusChanges.enumerated()
            .filter { $0.element.at <= now }
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
    }

    /// The status at `now`.
    public func status(at now: Date) -> TicketStatus {
        changes(until: now).last?.status ?? .new
    }

    /// When the ticket entered resolved or closed, if it is in one of them at `now` (a run of
    /// resolved → closed counts from entering resolved).
    public func resolvedAt(now: Date) -> Date? {
        var doneSince: Date?
        for change in changes(until: now) {
            if change.status.isDone {
                if doneSince == nil { doneSince = max(change.at, createdAt) }
            } else {
                doneSince = nil
            }
        }
        return doneSince
    }

    /// The first time the ticket reached resolved or closed at or before `now`.
    func firstDoneAt(now: Date) -> Date? {
        changes(until: now).first(where: \.status.isDone).map { max($0.at, createdAt) }
    }

    /// The intervals (up to `now`) in which the resolution clock stood still before the
    /// ticket's current state: time in a pausing status, and time spent resolved or closed
    /// before a reopen. The current resolved run is not included (the clock has completed).
    public func resolutionPauses(pausing: Set<TicketStatus>, now: Date) -> [DateInterval] {
        let changes = changes(until: now)
        var pauses: [DateInterval] = []
        for (i, change) in changes.enumerated() {
            let from = max(change.at, createdAt)
            let to = i + 1 < changes.count ? changes[i + 1].at : now
            guard to > from else { continue }
            if pausing.contains(change.status) || (change.status.isDone && i + 1 < changes.count) {
                pauses.append(DateInterval(start: from, end: to))
            }
        }
        return pauses
    }
}

public enum SLAClockKind: String, Sendable, Hashable, Codable, CaseIterable {
    case firstResponse
    case resolution
}

public enum SLAState: String, Sendable, Hashable, Codable, CaseIterable {
    case ok, warning, breached
}

/// A moment worth recording once as a fact: the warning threshold or the due time passed.
public struct SLAEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case warning, breach
    }

    public var kind: Kind
    public var clock: SLAClockKind
    /// When it happened (for a breach, the due time; for a warning, the warning instant).
    public var at: Date
    /// The due time the event refers to.
    public var dueAt: Date

    public init(kind: Kind, clock: SLAClockKind, at: Date, dueAt: Date) {
        self.kind = kind
        self.clock = clock
        self.at = at
        self.dueAt = dueAt
    }
}

/// One clock of one ticket at `now`.
public struct SLAClockReading: Sendable, Hashable {
    public var clock: SLAClockKind
    public var priority: Priority
    public var target: SLATarget
    /// The target as business seconds (wall-clock seconds for a 24×7 target).
    public var targetSeconds: Int
    /// Whether the clock counts business hours (false for a 24×7 target).
    public var isBusinessClock: Bool
    public var dueAt: Date
    /// When the warning fires: `warningFraction` of the target elapsed, moved to the next
    /// opening if that point is outside business hours on a business clock. Nil when the
    /// policy has no warning or the point is not before the due time.
    public var warningAt: Date?
    /// When the clock stopped (first response given; ticket resolved), if it has.
    public var completedAt: Date?
    /// Standing still at `now` in a pausing status (never for the first-response clock).
    public var paused: Bool
    /// Unpaused business time from creation to `completedAt`, or to `now` while running.
    public var elapsedBusinessSeconds: Int
    public var state: SLAState
    /// The due time, when it passed before completion (or before `now` while running).
    public var breachedAt: Date?
    /// The warning and breach events that have happened by `now`, in time order.
    public var events: [SLAEvent]
}

/// The two SLA clocks of a ticket — first response and resolution — evaluated at `now`.
///
/// - Both start at creation. Due = creation + target in business time (24×7 for wall-clock
///   targets), skipping the pauses. After a priority change the targets of the new priority
///   apply, recomputed from creation.
/// - First response: stops at the first public staff reply — or when the ticket is first
///   resolved, since a resolved ticket no longer waits for an answer. Never pauses.
/// - Resolution: stops when the ticket is resolved or closed; stands still in the policy's
///   pausing statuses and between a resolution and a reopen. While a pause is going on, the
///   due time is computed as if it ended at `now`, so it moves later as the pause lasts.
/// - Breached when the due time passes before completion (a clock completed exactly at the
///   due time is on time). Warning when `now` is at or after the warning instant.
public struct SLAClock: Sendable {
    public var policy: SLAPolicy
    public var calendar: BusinessCalendar

    public init(policy: SLAPolicy, calendar: BusinessCalendar) {
        self.policy = policy
        self.calendar = calendar
    }

    public func firstResponse(_ ticket: TicketSLAHistory, now: Date) -> SLAClockReading {
        let priority = ticket.priority(at: now)
        let reply = ticket.firstPublicStaffReplyAt.flatMap { $0 <= now ? max($0, ticket.createdAt) : nil }
        let completed = [reply, ticket.firstDoneAt(now: now)].compactMap { $0 }.min()
        return reading(
            .firstResponse, ticket: ticket, priority: priority, target: policy.targets(for: priority).firstResponse,
            pauses: [], completedAt: completed, paused: false, now: now)
    }

    public func resolution(_ ticket: TicketSLAHistory, now: Date) -> SLAClockReading {
        let priority = ticket.priority(at: now)
        let completed = ticket.resolvedAt(now: now)
        let pauses = ticket.resolutionPauses(pausing: policy.pausingStatuses, now: now)
        let paused = completed == nil && policy.pausingStatuses.contains(ticket.status(at: now))
        return reading(
            .resolution, ticket: ticket, priority: priority, target: policy.targets(for: priority).resolution,
            pauses: pauses, completedAt: completed, paused: paused, now: now)
    }

    /// Both clocks.
    public func evaluate(_ ticket: TicketSLAHistory, now: Date) -> (firstResponse: SLAClockReading, resolution: SLAClockReading) {
        (firstResponse(ticket, now: now), resolution(ticket, now: now))
    }

    /// The warning and breach events of both clocks that have happened by `now`, in time order:
    /// what a periodic job stores once each (ticket, clock, kind, due) — catching up after downtime.
    public func events(_ ticket: TicketSLAHistory, now: Date) -> [SLAEvent] {
        let (first, resolution) = evaluate(ticket, now: now)
        return (first.events + resolution.events).sorted { ($0.at, $0.clock.rawValue) < ($1.at, $1.clock.rawValue) }
    }

    private func reading(
        _ clock: SLAClockKind, ticket: TicketSLAHistory, priority: Priority, target: SLATarget,
        pauses: [DateInterval], completedAt: Date?, paused: Bool, now: Date
    ) -> SLAClockReading {
        let start = ticket.createdAt
        let clockCalendar = target.clockCalendar(calendar)
        let seconds = target.seconds(from: start, calendar: calendar)
        let due = clockCalendar.addBusinessTime(seconds, to: start, pauses: pauses)
        let end = min(completedAt ?? now, now)
        let elapsed = clockCalendar.businessSeconds(from: start, to: end, pauses: pauses)

        var warningAt: Date?
        let fraction = policy.warningFraction
        if fraction > 0, fraction < 1, seconds > 0 {
            let warnSeconds = Int((Double(seconds) * fraction).rounded(.up))
            var instant = clockCalendar.addBusinessTime(warnSeconds, to: start, pauses: pauses)
            if target.isBusinessTime { instant = clockCalendar.firstBusinessInstant(atOrAfter: instant) }
            if instant < due { warningAt = instant }
        }

        let stop = completedAt ?? now
        let breached = stop > due
        var events: [SLAEvent] = []
        if let warningAt, warningAt <= now, completedAt.map({ $0 > warningAt }) ?? true {
            events.append(SLAEvent(kind: .warning, clock: clock, at: warningAt, dueAt: due))
        }
        if breached { events.append(SLAEvent(kind: .breach, clock: clock, at: due, dueAt: due)) }

        let state: SLAState
        if breached {
            state = .breached
        } else if completedAt == nil, let warningAt, now >= warningAt {
            state = .warning
        } else {
            state = .ok
        }
        return SLAClockReading(
            clock: clock, priority: priority, target: target, targetSeconds: seconds,
            isBusinessClock: target.isBusinessTime, dueAt: due, warningAt: warningAt, completedAt: completedAt,
            paused: paused, elapsedBusinessSeconds: elapsed, state: state, breachedAt: breached ? due : nil,
            events: events)
    }
}
