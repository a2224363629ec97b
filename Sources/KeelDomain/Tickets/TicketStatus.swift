import Foundation

/// A ticket's status and the state machine that moves it:
///
/// new → open → pending_customer / pending_third_party → open → resolved → closed.
///
/// Allowed: new → open, pending_customer, pending_third_party, resolved;
/// open → pending_customer, pending_third_party, resolved;
/// pending_customer / pending_third_party → open, resolved, and each other;
/// resolved → open (reopen), closed. Closed is final. Staying in the same status is not a
/// transition (`canTransition(from: s, to: s)` is false; a server treats it as no change).
public enum TicketStatus: String, CaseIterable, Codable, Sendable, Hashable, CodingKeyRepresentable {
    case new
    case open
    case pendingCustomer = "pending_customer"
    case pendingThirdParty = "pending_third_party"
    case resolved
    case closed

    /// The statuses that pause the resolution clock unless a policy says otherwise.
    public static let defaultPausing: Set<TicketStatus> = [.pendingCustomer, .pendingThirdParty]

    /// Where a ticket may go from here.
    public var allowedNextStatuses: Set<TicketStatus> {
        switch self {
        case .new: [.open, .pendingCustomer, .pendingThirdParty, .resolved]
        case .open: [.pendingCustomer, .pendingThirdParty, .resolved]
        case .pendingCustomer: [.open, .pendingThirdParty, .resolved]
        case .pendingThirdParty: [.open, .pendingCustomer, .resolved]
        case .resolved: [.open, .closed]
        case .closed: []
        }
    }

    /// Resolved or closed: the work is done and the resolution clock has stopped.
    public var isDone: Bool { self == .resolved || self == .closed }

    /// Closed is final: nothing leaves it.
    public var isFinal: Bool { self == .closed }

    public static func canTransition(from: TicketStatus, to: TicketStatus) -> Bool {
        from.allowedNextStatuses.contains(to)
    }

    /// Checks a move and says what it does to the SLA clocks. `pausing` is the policy's set of
    /// statuses that pause the resolution clock.
    public static func transition(
        from: TicketStatus, to: TicketStatus, pausing: Set<TicketStatus> = defaultPausing
    ) throws(TicketTransitionError) -> TransitionEffect {
        guard canTransition(from: from, to: to) else { throw TicketTransitionError(from: from, to: to) }
        var effect: TransitionEffect = []
        let wasRunning = !from.isDone && !pausing.contains(from)
        let willRun = !to.isDone && !pausing.contains(to)
        if wasRunning && pausing.contains(to) { effect.insert(.pausesResolutionClock) }
        if pausing.contains(from) && willRun { effect.insert(.resumesResolutionClock) }
        if to == .resolved { effect.insert(.marksResolved) }
        if from == .resolved && to == .open { effect.formUnion([.reopens, .resumesResolutionClock]) }
        if to == .closed { effect.insert(.closes) }
        return effect
    }

    /// What a reply from the requester does: on a resolved ticket it reopens it, on a ticket
    /// waiting for the customer it moves it back to open; otherwise (and on a closed ticket,
    /// which stays closed — the server starts a new ticket) the status does not change (nil).
    public static func requesterReplyEffect(_ status: TicketStatus) -> TicketStatus? {
        switch status {
        case .resolved, .pendingCustomer: .open
        case .new, .open, .pendingThirdParty, .closed: nil
        }
    }

    /// The instant a resolved ticket closes automatically, `days` × 24 h after it was resolved;
    /// nil when auto-close is off (`days` ≤ 0).
    public static func autoCloseAt(resolvedAt: Date, days: Int) -> Date? {
        guard days > 0 else { return nil }
        return resolvedAt.addingTimeInterval(Double(days) * 86400)
    }

    /// Whether a ticket resolved at `resolvedAt` is due to close automatically at `now`.
    public static func autoCloseDue(resolvedAt: Date, now: Date, days: Int) -> Bool {
        guard let closeAt = autoCloseAt(resolvedAt: resolvedAt, days: days) else { return false }
        return now >= closeAt
    }

    /// Catalog key of the plain-language status shown to requesters, e.g.
    /// `ticket.plain.pending_customer` ("We are waiting for your reply").
    public var requesterStatusKey: String { "ticket.plain.\(rawValue)" }
}

/// What a status change does to the ticket's SLA clocks.
public struct TransitionEffect: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// From a running status into one that pauses the resolution clock.
    public static let pausesResolutionClock = TransitionEffect(rawValue: 1 << 0)
    /// The resolution clock runs again (after a pause, or on reopening).
    public static let resumesResolutionClock = TransitionEffect(rawValue: 1 << 1)
    /// Into resolved: the resolution clock stops here.
    public static let marksResolved = TransitionEffect(rawValue: 1 << 2)
    /// Resolved back to open.
    public static let reopens = TransitionEffect(rawValue: 1 << 3)
    /// Into closed (final).
    public static let closes = TransitionEffect(rawValue: 1 << 4)
}

/// A refused status change, naming both statuses (the API answers 409 with `description`).
public struct TicketTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    public let from: TicketStatus
    public let to: TicketStatus

    public init(from: TicketStatus, to: TicketStatus) {
        self.from = from
        self.to = to
    }

    public var description: String {
        if from == to { return "the ticket is already \(from.rawValue)" }
        if from == .closed { return "a closed ticket cannot change status (closed to \(to.rawValue))" }
        return "a ticket cannot move from \(from.rawValue) to \(to.rawValue)"
    }
}
