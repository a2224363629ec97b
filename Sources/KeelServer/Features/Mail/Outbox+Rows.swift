import Foundation
import SQLKit

/// A notification waiting for its mail: what composing needs of it.
struct PendingNote: Sendable {
    let id: UUID
    let userID: UUID
    let ticketID: UUID?
    let kind: String
    let title: String
    let detail: String?
    let link: String?
    let eventAt: Date?
    let eventEnd: Date?

    /// The oldest pending notifications, from the (mail_state, created_at) index.
    static func oldest(_ limit: Int, on sql: any SQLDatabase) async throws -> [PendingNote] {
        try await sql.raw("""
            SELECT id, user_id, ticket_id, kind, title, detail, link, event_at, event_end FROM notifications
            WHERE mail_state = \(bind: "pending") ORDER BY created_at LIMIT \(literal: limit)
            """).all().map { row in
            PendingNote(id: try row.decode(column: "id", as: UUID.self), userID: try row.decode(column: "user_id", as: UUID.self),
                        ticketID: try row.decode(column: "ticket_id", as: UUID?.self), kind: try row.decode(column: "kind", as: String.self),
                        title: try row.decode(column: "title", as: String.self), detail: try row.decode(column: "detail", as: String?.self),
                        link: try row.decode(column: "link", as: String?.self), eventAt: try row.decode(column: "event_at", as: Date?.self),
                        eventEnd: try row.decode(column: "event_end", as: Date?.self))
        }
    }
}

/// What a ticket's mail shows of it.
struct MailTicket: Sendable {
    let id: UUID
    let number: Int
    let title: String
    let firstResponseDueAt: Date?
    let resolutionDueAt: Date?

    static func load(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: MailTicket] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT id, number, title, first_response_due_at, resolution_due_at FROM tickets WHERE id IN (\(binds: ids))
            """).all()
        var tickets: [UUID: MailTicket] = [:]
        for row in rows {
            let ticket = MailTicket(id: try row.decode(column: "id", as: UUID.self), number: try row.decode(column: "number", as: Int.self),
                                    title: try row.decode(column: "title", as: String.self),
                                    firstResponseDueAt: try row.decode(column: "first_response_due_at", as: Date?.self),
                                    resolutionDueAt: try row.decode(column: "resolution_due_at", as: Date?.self))
            tickets[ticket.id] = ticket
        }
        return tickets
    }
}

extension OutboundMessage {
    /// Queues composed mail in one statement.
    static func insert(_ messages: [OutboundMessage], on sql: any SQLDatabase) async throws {
        guard !messages.isEmpty else { return }
        try await sql.insert(into: schema)
            .columns("id", "created_at", "ticket_id", "user_id", "recipient", "kind", "subject", "message_id", "raw", "status",
                     "attempts", "next_attempt_at", "last_error", "sent_at")
            .rows(try messages.map { message in
                [SQLBind(try message.requireID()), SQLBind(message.createdAt), SQLBind(message.ticketID), SQLBind(message.userID),
                 SQLBind(message.recipient), SQLBind(message.kind), SQLBind(message.subject), SQLBind(message.messageID),
                 SQLBind(message.raw), SQLBind(message.status), SQLBind(message.attempts), SQLBind(message.nextAttemptAt),
                 SQLBind(message.lastError), SQLBind(message.sentAt)]
            })
            .run()
    }
}

extension MailMessageID {
    /// Each ticket's first recorded message (the one its mail threads under).
    static func firstMessages(of ticketIDs: [UUID], on sql: any SQLDatabase) async throws -> [UUID: String] {
        guard !ticketIDs.isEmpty else { return [:] }
        var first: [UUID: String] = [:]
        for row in try await sql.raw("""
            SELECT ticket_id, message_id FROM mail_message_ids WHERE ticket_id IN (\(binds: ticketIDs)) ORDER BY created_at
            """).all() {
            let ticketID = try row.decode(column: "ticket_id", as: UUID.self)
            if first[ticketID] == nil { first[ticketID] = try row.decode(column: "message_id", as: String.self) }
        }
        return first
    }

    /// Records message ids of a ticket's thread in one statement.
    static func record(_ messages: [(messageID: String, ticketID: UUID)], direction: String, on sql: any SQLDatabase, at now: Date) async throws {
        guard !messages.isEmpty else { return }
        try await sql.insert(into: schema).columns("id", "message_id", "ticket_id", "direction", "created_at")
            .rows(messages.map { [SQLBind(OrderedID.make(at: now)), SQLBind($0.messageID), SQLBind($0.ticketID), SQLBind(direction), SQLBind(now)] })
            .run()
    }
}
