import Fluent
import SQLKit
import Foundation
import KeelDomain

/// A request or incident of one client organisation. SLA due times are stored so that
/// lists can filter and sort on them; `SLARecompute` keeps them right, explicitly.
final class Ticket: Model, @unchecked Sendable {
    static let schema = "tickets"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: Int
    @Parent(key: "organization_id") var organization: Organization
    @OptionalParent(key: "site_id") var site: Site?
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "status") var status: String
    @Field(key: "impact") var impact: String
    @Field(key: "urgency") var urgency: String
    @Field(key: "priority") var priority: String
    /// 0 (critical) … 3 (low), kept with `priority` for sorting; set both through `setPriority`.
    @Field(key: "priority_rank") var priorityRank: Int
    @OptionalField(key: "category") var category: String?
    @Parent(key: "requester_id") var requester: User
    @OptionalParent(key: "assignee_id") var assignee: User?
    @Field(key: "channel") var channel: String
    @OptionalField(key: "merged_into_id") var mergedIntoID: UUID?
    @OptionalField(key: "first_responded_at") var firstRespondedAt: Date?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "first_response_due_at") var firstResponseDueAt: Date?
    @OptionalField(key: "resolution_due_at") var resolutionDueAt: Date?
    @Field(key: "sla_state") var slaState: String
    /// The next instant an SLA clock of this ticket changes state (warning or breach), for the ticker.
    @OptionalField(key: "sla_check_at") var slaCheckAt: Date?
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .none) var updatedAt: Date?

    init() {}

    func setPriority(_ value: Priority) {
        priority = value.rawValue
        priorityRank = value.rank
    }

    /// Inserts this new ticket with plain SQL: creating tickets is the service desk's
    /// busiest write, and a model insert reflects over every field several times.
    func insert(on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO tickets (id, number, organization_id, site_id, title, body, status, impact, urgency, priority, priority_rank,
                                 category, requester_id, assignee_id, channel, merged_into_id, first_responded_at, resolved_at, closed_at,
                                 first_response_due_at, resolution_due_at, sla_state, sla_check_at, created_at, updated_at)
            VALUES (\(bind: try requireID()), \(bind: number), \(bind: $organization.id), \(bind: $site.id), \(bind: title), \(bind: body),
                    \(bind: status), \(bind: impact), \(bind: urgency), \(bind: priority), \(bind: priorityRank), \(bind: category),
                    \(bind: $requester.id), \(bind: $assignee.id), \(bind: channel), \(bind: mergedIntoID), \(bind: firstRespondedAt),
                    \(bind: resolvedAt), \(bind: closedAt), \(bind: firstResponseDueAt), \(bind: resolutionDueAt), \(bind: slaState),
                    \(bind: slaCheckAt), \(bind: createdAt), \(bind: updatedAt))
            """).run()
        $id.exists = true
    }
}

/// A public reply or an internal note. Internal notes never reach client roles.
final class TicketComment: Model, @unchecked Sendable {
    static let schema = "ticket_comments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ticket_id") var ticket: Ticket
    @OptionalParent(key: "author_id") var author: User?
    @Field(key: "body") var body: String
    @Field(key: "internal") var isInternal: Bool
    @Field(key: "by_staff") var byStaff: Bool
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?

    init() {}
}

/// The ticket's history: status, priority, assignment and link changes, for the
/// timeline and for SLA recomputation (pauses and priority history come from here).
final class TicketEvent: Model, @unchecked Sendable {
    static let schema = "ticket_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ticket_id") var ticket: Ticket
    @Field(key: "kind") var kind: String
    @OptionalField(key: "from_value") var fromValue: String?
    @OptionalField(key: "to_value") var toValue: String?
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "public") var isPublic: Bool
    @Field(key: "at") var at: Date

    init() {}
}

/// Time spent on a ticket, billable or not (billing reads these later).
final class TimeEntry: Model, @unchecked Sendable {
    static let schema = "time_entries"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ticket_id") var ticket: Ticket
    @Parent(key: "user_id") var user: User
    @Field(key: "minutes") var minutes: Int
    @Field(key: "billable") var billable: Bool
    @Field(key: "note") var note: String
    @Field(key: "at") var at: Date

    init() {}
}

/// An SLA warning or breach, stored once as a fact for reports.
final class SLAFact: Model, @unchecked Sendable {
    static let schema = "sla_facts"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ticket_id") var ticket: Ticket
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clock") var clock: String
    @Field(key: "kind") var kind: String
    @Field(key: "due_at") var dueAt: Date
    @Field(key: "at") var at: Date

    init() {}
}

/// A business calendar in the JSON shape of API.md; assigned to an organisation or a
/// site, or the provider default when both are empty.
final class BusinessCalendarRecord: Model, @unchecked Sendable {
    static let schema = "business_calendars"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "organization_id") var organizationID: UUID?
    @OptionalField(key: "site_id") var siteID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "definition") var definition: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// Per-install ticket categories, editable by provider admins.
final class TicketCategory: Model, @unchecked Sendable {
    static let schema = "ticket_categories"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String

    init() {}
}

/// Counters that must be unique per install, such as ticket numbers.
final class Counter: Model, @unchecked Sendable {
    static let schema = "counters"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "value") var value: Int

    init() {}
}

/// "Related" links between tickets of one organisation, stored once per direction.
final class TicketLink: Model, @unchecked Sendable {
    static let schema = "ticket_links"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ticket_id") var ticket: Ticket
    @Parent(key: "other_id") var other: Ticket

    init() {}
}
