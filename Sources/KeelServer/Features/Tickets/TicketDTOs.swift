import Foundation
import Vapor

/// A ticket as JSON (API.md, "A ticket as JSON").
struct TicketOut: Content {
    struct SLA: Content {
        let policy: String
        let firstResponseDueAt: Date?
        let firstRespondedAt: Date?
        let resolutionDueAt: Date?
        let resolvedAt: Date?
        let paused: Bool
        let breached: [String]
        let state: String
        let elapsedBusinessSeconds: Int

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(policy, forKey: .policy)
            try container.encode(firstResponseDueAt, forKey: .firstResponseDueAt)
            try container.encode(firstRespondedAt, forKey: .firstRespondedAt)
            try container.encode(resolutionDueAt, forKey: .resolutionDueAt)
            try container.encode(resolvedAt, forKey: .resolvedAt)
            try container.encode(paused, forKey: .paused)
            try container.encode(breached, forKey: .breached)
            try container.encode(state, forKey: .state)
            try container.encode(elapsedBusinessSeconds, forKey: .elapsedBusinessSeconds)
        }
    }

    let id: UUID
    let number: Int
    let organizationId: UUID
    let siteId: UUID?
    let title: String
    let body: String
    let status: String
    let impact: String
    let urgency: String
    let priority: String
    let category: String?
    let requesterId: UUID
    let assigneeId: UUID?
    let channel: String
    let mergedIntoId: UUID?
    let createdAt: Date?
    let updatedAt: Date?
    let sla: SLA

    init(_ ticket: Ticket, sla: SLA) {
        id = ticket.id!
        number = ticket.number
        organizationId = ticket.$organization.id
        siteId = ticket.$site.id
        title = ticket.title
        body = ticket.body
        status = ticket.status
        impact = ticket.impact
        urgency = ticket.urgency
        priority = ticket.priority
        category = ticket.category
        requesterId = ticket.$requester.id
        assigneeId = ticket.$assignee.id
        channel = ticket.channel
        mergedIntoId = ticket.mergedIntoID
        createdAt = ticket.createdAt
        updatedAt = ticket.updatedAt
        self.sla = sla
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(number, forKey: .number)
        try c.encode(organizationId, forKey: .organizationId); try c.encode(siteId, forKey: .siteId)
        try c.encode(title, forKey: .title); try c.encode(body, forKey: .body); try c.encode(status, forKey: .status)
        try c.encode(impact, forKey: .impact); try c.encode(urgency, forKey: .urgency); try c.encode(priority, forKey: .priority)
        try c.encode(category, forKey: .category); try c.encode(requesterId, forKey: .requesterId)
        try c.encode(assigneeId, forKey: .assigneeId); try c.encode(channel, forKey: .channel)
        try c.encode(mergedIntoId, forKey: .mergedIntoId)
        try c.encode(createdAt, forKey: .createdAt); try c.encode(updatedAt, forKey: .updatedAt); try c.encode(sla, forKey: .sla)
    }
}

struct TicketCreate: Content {
    var title: String?
    var body: String?
    var organizationId: String?
    var siteId: String?
    var impact: String?
    var urgency: String?
    var category: String?
    var requesterId: String?
    var channel: String?
    /// Assets of the same organisation this ticket is about.
    var assetIds: [String]?
}

struct TicketPatch: Content {
    var title: String?
    var status: String?
    var impact: String?
    var urgency: String?
    var priority: String?
    var reason: String?
    var category: String?
    var assigneeId: String?
    var siteId: String?
}

struct CommentInput: Content {
    var body: String
    var `internal`: Bool?
}

struct CommentOut: Content {
    let id: UUID
    let ticketId: UUID
    let authorId: UUID?
    let body: String
    let `internal`: Bool
    let createdAt: Date?

    init(_ comment: TicketComment) {
        id = comment.id!
        ticketId = comment.$ticket.id
        authorId = comment.$author.id
        body = comment.body
        self.internal = comment.isInternal
        createdAt = comment.createdAt
    }
}

struct TimeEntryInput: Content {
    var minutes: Int
    var billable: Bool?
    var note: String?
}

struct TimeEntryOut: Content {
    let id: UUID
    let ticketId: UUID
    let userId: UUID
    let minutes: Int
    let billable: Bool
    let note: String
    let at: Date

    init(_ entry: TimeEntry) {
        id = entry.id!
        ticketId = entry.$ticket.id
        userId = entry.$user.id
        minutes = entry.minutes
        billable = entry.billable
        note = entry.note
        at = entry.at
    }
}
