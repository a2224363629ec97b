import Foundation

/// What to do with a monitoring event.
public enum IncidentDecision: String, Sendable, Hashable, Codable, CaseIterable {
    /// Open a ticket (channel `monitoring`).
    case openTicket
    /// Add the event to the incident already open for this check or alert.
    case appendToOpen
    /// Resolve the open incident.
    case resolveOpen
    /// Keep the event in the check's history only.
    case recordOnly
}

/// What a monitoring event means for incidents.
public enum IncidentTrigger: String, Sendable, Hashable, Codable, CaseIterable {
    /// Something is down or failing.
    case problem
    /// It works again.
    case recovery
    /// A change worth noting on an open incident but not worth opening one (flapping started).
    case notice
    /// A change that never touches tickets (late, maintenance, first result).
    case informational
}

/// The incident decision, pure:
///
/// | trigger        | in maintenance | open incident | decision                                          |
/// |----------------|----------------|---------------|---------------------------------------------------|
/// | problem        | yes            | any           | recordOnly                                        |
/// | problem        | no             | no            | openTicket                                        |
/// | problem        | no             | yes           | appendToOpen                                      |
/// | recovery       | any            | yes           | resolveOpen if autoResolve, else appendToOpen     |
/// | recovery       | any            | no            | recordOnly                                        |
/// | notice         | any            | yes / no      | appendToOpen / recordOnly                         |
/// | informational  | any            | any           | recordOnly                                        |
///
/// Monitor transitions: while a check is flapping (also the change that starts it) its status
/// changes are informational, the start of flapping a notice; when flapping stops, the
/// settled status counts as just reached (down: problem; up: recovery). A change into
/// maintenance or pending is informational; out of maintenance, the status reached decides.
/// Heartbeats: down and failed are problems, up after late/down/failed a recovery, late
/// informational. Alerts: firing is a problem, resolved a recovery — drop exact repeats first
/// (`AlertSignal.idempotencyKey`), as Alertmanager re-sends while firing.
public enum IncidentPolicy {
    public static func decide(
        _ trigger: IncidentTrigger, openIncidentExists: Bool, inMaintenance: Bool, autoResolve: Bool
    ) -> IncidentDecision {
        switch trigger {
        case .problem:
            if inMaintenance { return .recordOnly }
            return openIncidentExists ? .appendToOpen : .openTicket
        case .recovery:
            guard openIncidentExists else { return .recordOnly }
            return autoResolve ? .resolveOpen : .appendToOpen
        case .notice:
            return openIncidentExists ? .appendToOpen : .recordOnly
        case .informational:
            return .recordOnly
        }
    }

    public static func decide(
        signal: AlertSignal, openIncidentExists: Bool, inMaintenance: Bool, autoResolve: Bool
    ) -> IncidentDecision {
        decide(
            trigger(for: signal), openIncidentExists: openIncidentExists, inMaintenance: inMaintenance,
            autoResolve: autoResolve)
    }

    public static func decide(
        transition: MonitorTransition, openIncidentExists: Bool, inMaintenance: Bool, autoResolve: Bool
    ) -> IncidentDecision {
        decide(
            trigger(for: transition), openIncidentExists: openIncidentExists, inMaintenance: inMaintenance,
            autoResolve: autoResolve)
    }

    public static func decide(
        heartbeat: HeartbeatTransition, openIncidentExists: Bool, inMaintenance: Bool, autoResolve: Bool
    ) -> IncidentDecision {
        decide(
            trigger(for: heartbeat), openIncidentExists: openIncidentExists, inMaintenance: inMaintenance,
            autoResolve: autoResolve)
    }

    public static func trigger(for signal: AlertSignal) -> IncidentTrigger {
        signal.isFiring ? .problem : .recovery
    }

    public static func trigger(for transition: MonitorTransition) -> IncidentTrigger {
        if transition.isFlapping {
            return transition.flappingStarted ? .notice : .informational
        }
        guard transition.statusChanged || transition.flappingStopped else { return .informational }
        switch transition.to {
        case .down: return .problem
        case .up: return .recovery
        case .pending, .maintenance: return .informational
        }
    }

    public static func trigger(for heartbeat: HeartbeatTransition) -> IncidentTrigger {
        switch heartbeat.to {
        case .down, .failed: return .problem
        case .up: return heartbeat.from == .new ? .informational : .recovery
        case .late, .new: return .informational
        }
    }
}
