import Fluent
import Foundation
import SQLKit
import KeelDomain
import Vapor

/// The server side of the SLA: which calendar and policy apply to a ticket, the clocks'
/// verdict stored on the ticket, and warnings and breaches stored once as facts.
/// Called explicitly by the ticket service and by the ticker, never from model hooks.
struct SLAEngine: Sendable {
    /// Site calendar, else the organisation's, else the provider default, else Mon–Fri
    /// 09:00–17:30 in the organisation's timezone.
    func calendar(organizationID: UUID, siteID: UUID?, timezone: String? = nil, on sql: any SQLDatabase) async throws -> BusinessCalendar {
        // Plain SQL: every new ticket and every SLA recomputation asks.
        let site: SQLQueryString = siteID.map { "OR site_id = \(bind: $0)" } ?? ""
        let rows = try await sql.raw("""
            SELECT organization_id, site_id, definition FROM business_calendars
            WHERE organization_id = \(bind: organizationID) \(site) OR (organization_id IS NULL AND site_id IS NULL)
            """).all()
        struct Candidate { let organizationID: UUID?; let siteID: UUID?; let definition: String }
        let candidates = try rows.map {
            Candidate(organizationID: try $0.decode(column: "organization_id", as: UUID?.self), siteID: try $0.decode(column: "site_id", as: UUID?.self),
                      definition: try $0.decode(column: "definition", as: String.self))
        }
        let chosen = candidates.first { siteID != nil && $0.siteID == siteID }
            ?? candidates.first { $0.organizationID == organizationID && $0.siteID == nil }
            ?? candidates.first { $0.organizationID == nil && $0.siteID == nil }
        if let chosen, let calendar = Definitions.calendars.decode(chosen.definition) {
            return calendar
        }
        var zone = timezone
        if zone == nil {
            zone = try await sql.raw("SELECT timezone FROM organizations WHERE id = \(bind: organizationID)").first()?
                .decode(column: "timezone", as: String.self)
        }
        return Definitions.standardCalendar(zone ?? "UTC")
    }

    /// The ticket's SLA history from its stored events. A stored time can come back a
    /// fraction of a millisecond later than it was written (the database's precision), so
    /// an event recorded "now" by the same request is clamped to `now` and counts.
    func history(_ ticket: Ticket, on db: any Database, now: Date) async throws -> TicketSLAHistory {
        let events = try await TicketEvent.query(on: db).filter(\.$ticket.$id == ticket.requireID())
            .filter(\.$kind ~~ ["status", "priority", "merged"]).sort(\.$at).all()
        func clamp(_ date: Date) -> Date { date > now && date.timeIntervalSince(now) < 0.01 ? now : date }
        var initialPriority = Priority(rawValue: ticket.priority) ?? .medium
        if let first = events.first(where: { $0.kind == "priority" }), let from = first.fromValue.flatMap(Priority.init(rawValue:)) {
            initialPriority = from
        }
        let priorityChanges = events.filter { $0.kind == "priority" }.compactMap { event in
            event.toValue.flatMap(Priority.init(rawValue:)).map { PriorityChange(at: clamp(event.at), priority: $0) }
        }
        let statusChanges = events.compactMap { event -> StatusChange? in
            if event.kind == "merged" { return StatusChange(at: clamp(event.at), status: .closed) }
            guard event.kind == "status" else { return nil }
            return event.toValue.flatMap(TicketStatus.init(rawValue:)).map { StatusChange(at: clamp(event.at), status: $0) }
        }
        return TicketSLAHistory(createdAt: ticket.createdAt ?? Date(), priority: initialPriority, priorityChanges: priorityChanges,
                                statusChanges: statusChanges, firstPublicStaffReplyAt: ticket.firstRespondedAt)
    }

    private func readings(_ ticket: Ticket, on db: any Database, now: Date) async throws -> (SLAClockReading, SLAClockReading, [SLAEvent]) {
        let calendar = try await calendar(organizationID: ticket.$organization.id, siteID: ticket.$site.id, on: db.sql)
        let (policy, _) = try await SLAPolicies.effective(for: ticket.$organization.id, on: db.sql)
        let clock = SLAClock(policy: policy, calendar: calendar)
        let history = try await history(ticket, on: db, now: now)
        let (first, resolution) = clock.evaluate(history, now: now)
        return (first, resolution, clock.events(history, now: now))
    }

    /// Due times of a ticket about to be created, set on it before its row is written: at
    /// creation there is no history to read, only the calendar and the policy in force.
    func initialize(_ ticket: Ticket, calendar: BusinessCalendar, policy: SLAPolicy, now: Date) {
        let history = TicketSLAHistory(createdAt: ticket.createdAt ?? now, priority: Priority(rawValue: ticket.priority) ?? .medium)
        let (first, resolution) = SLAClock(policy: policy, calendar: calendar).evaluate(history, now: now)
        apply(first, resolution, to: ticket, now: now)
    }

    private func apply(_ first: SLAClockReading, _ resolution: SLAClockReading, to ticket: Ticket, now: Date) {
        ticket.firstResponseDueAt = first.dueAt
        ticket.resolutionDueAt = resolution.dueAt
        ticket.slaState = Self.worst(first.state, resolution.state).rawValue
        let upcoming = [first, resolution].filter { $0.completedAt == nil && !$0.paused }
            .flatMap { [$0.warningAt, $0.dueAt] }.compactMap { $0 }.filter { $0 > now }
        ticket.slaCheckAt = upcoming.min()
    }

    /// Recomputes and stores due times and state, and records new warnings and breaches.
    func recompute(_ ticket: Ticket, on db: any Database, now: Date) async throws {
        let (first, resolution, events) = try await readings(ticket, on: db, now: now)
        apply(first, resolution, to: ticket, now: now)
        try await ticket.save(on: db)
        guard !events.isEmpty else { return }
        let ticketID = try ticket.requireID()
        let stored = try await SLAFact.query(on: db).filter(\.$ticket.$id == ticketID).all()
        let known = Dictionary(stored.map { ("\($0.clock)|\($0.kind)", $0) }, uniquingKeysWith: { first, _ in first })
        for event in events {
            if let fact = known["\(event.clock.rawValue)|\(event.kind.rawValue)"] {
                // Same deadline: already recorded and told. A deadline moved by a priority or policy
                // change is a new warning or breach: the fact follows the clock and people hear again.
                guard abs(fact.dueAt.timeIntervalSince(event.dueAt)) >= 1 else { continue }
                fact.dueAt = event.dueAt
                fact.at = event.at
                try await fact.update(on: db)
            } else {
                let fact = SLAFact()
                fact.$ticket.id = ticketID
                fact.organizationID = ticket.$organization.id
                fact.clock = event.clock.rawValue
                fact.kind = event.kind.rawValue
                fact.dueAt = event.dueAt
                fact.at = event.at
                try await fact.create(on: db)
            }
            // Escalation: the assignee hears of a warning; a breach also goes to the provider admins.
            var people: [UUID?] = [ticket.$assignee.id]
            if event.kind == .breach { people += try await Notifier.providerAdmins(on: db).map { Optional($0) } }
            try await Notifier.notify(people, about: ticket, kind: "sla_\(event.kind.rawValue)", except: nil, on: db.sql, at: now)
        }
    }

    static func worst(_ a: SLAState, _ b: SLAState) -> SLAState {
        let order: [SLAState] = [.ok, .warning, .breached]
        return (order.firstIndex(of: a) ?? 0) >= (order.firstIndex(of: b) ?? 0) ? a : b
    }

    /// From stored fields only: for lists, no extra queries. `policy` is the ticket's
    /// organisation's policy when the caller has it (see `SLAPolicies.effective(for:on:)`).
    func stored(_ ticket: Ticket, now: Date, policy: SLAPolicy = .standard) -> TicketOut.SLA {
        let status = TicketStatus(rawValue: ticket.status) ?? .new
        var breached: [String] = []
        if let due = ticket.firstResponseDueAt, (ticket.firstRespondedAt ?? now) > due { breached.append(SLAClockKind.firstResponse.rawValue) }
        if let due = ticket.resolutionDueAt, (ticket.resolvedAt ?? now) > due, !policy.pausingStatuses.contains(status) || ticket.resolvedAt != nil {
            breached.append(SLAClockKind.resolution.rawValue)
        }
        return TicketOut.SLA(policy: policy.name, firstResponseDueAt: ticket.firstResponseDueAt, firstRespondedAt: ticket.firstRespondedAt,
                             resolutionDueAt: ticket.resolutionDueAt, resolvedAt: ticket.resolvedAt,
                             paused: policy.pausingStatuses.contains(status), breached: breached, state: ticket.slaState,
                             elapsedBusinessSeconds: 0)
    }

    /// Computed now, with elapsed business time: for a single ticket.
    func live(_ ticket: Ticket, on db: any Database, now: Date) async throws -> TicketOut.SLA {
        let (first, resolution, _) = try await readings(ticket, on: db, now: now)
        let (policy, _) = try await SLAPolicies.effective(for: ticket.$organization.id, on: db.sql)
        let breached = [first, resolution].filter { $0.breachedAt != nil }.map(\.clock.rawValue)
        return TicketOut.SLA(policy: policy.name, firstResponseDueAt: first.dueAt, firstRespondedAt: ticket.firstRespondedAt,
                             resolutionDueAt: resolution.dueAt, resolvedAt: ticket.resolvedAt, paused: resolution.paused,
                             breached: breached, state: Self.worst(first.state, resolution.state).rawValue,
                             elapsedBusinessSeconds: resolution.elapsedBusinessSeconds)
    }
}

extension Application {
    var sla: SLAEngine { SLAEngine() }
}
