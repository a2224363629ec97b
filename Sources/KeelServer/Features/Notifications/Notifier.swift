import Fluent
import Foundation
import SQLKit
import Vapor

/// Who hears about what. Called inside the write transaction of the change, as an
/// explicit step of the use case; never notifies the person who made the change.
enum Notifier {
    /// Each notification also waits for the outbox (`mail_state` pending), which mails it in
    /// the person's language if their preferences allow; `detail` is what the mail quotes.
    static func notify(_ userIDs: [UUID?], about ticket: Ticket, kind: String, except actor: UUID?, on sql: any SQLDatabase, at: Date,
                       detail: String? = nil) async throws {
        var seen = Set<UUID>()
        for case let userID? in userIDs where userID != actor && seen.insert(userID).inserted {
            try await sql.raw("""
                INSERT INTO notifications (id, user_id, ticket_id, kind, ticket_number, title, created_at, mail_state, detail)
                VALUES (\(bind: OrderedID.make(at: at)), \(bind: userID), \(bind: ticket.id), \(bind: kind), \(bind: ticket.number),
                        \(bind: String(ticket.title.prefix(200))), \(bind: at), 'pending', \(bind: detail.map { String($0.prefix(4000)) }))
                """).run()
        }
    }

    /// Provider admins, for escalations.
    static func providerAdmins(on db: any Database) async throws -> [UUID] {
        try await User.query(on: db).filter(\.$role == "provider_admin").filter(\.$active == true).all().compactMap(\.id)
    }
}

struct NotificationOut: Content {
    let id: UUID
    let kind: String
    let text: String
    let ticketId: UUID?
    let ticketNumber: Int
    /// Monitoring notices: the check concerned and the page the notice leads to.
    let checkId: UUID?
    let link: String?
    let read: Bool
    let createdAt: Date
}

enum NotificationAPI {
    static func register(_ api: API) {
        api.on(.GET, "notifications", "The caller's notifications, newest first", tag: "notifications", response: "NotificationList") { req in
            let context = try req.requireContext()
            let list = try ListQuery(req)
            let person = try context.requirePerson()
            let query = InAppNotification.query(on: req.db).filter(\.$user.$id == person)
            if req.query[String.self, at: "unread"] == "true" { query.filter(\.$readAt == nil) }
            let (items, next) = try await list.page(query)
            return ListPage(items: items.map { out($0, req) }, nextCursor: next)
        }
        api.on(.POST, "notifications/{notificationID}/read", "Mark one notification read", tag: "notifications", status: 204) { req in
            try await NotificationReads.markRead(try req.idParameter("notificationID"), req)
            return HTTPStatus.noContent
        }
        api.on(.POST, "notifications/read-all", "Mark all read", tag: "notifications", status: 204) { req in
            try await NotificationReads.markAllRead(req)
            return HTTPStatus.noContent
        }
    }

    static func out(_ note: InAppNotification, _ req: Request) -> NotificationOut {
        NotificationOut(id: note.id!, kind: note.kind, text: text(note, req), ticketId: note.$ticket.id, ticketNumber: note.ticketNumber,
                        checkId: note.checkID, link: note.link, read: note.readAt != nil, createdAt: note.createdAt)
    }

    /// The notice in the reader's language, with its times in the reader's timezone.
    static func text(_ note: InAppNotification, _ req: Request) -> String {
        req.t("notification.\(note.kind)", ["number": String(note.ticketNumber), "title": note.title,
                                             "start": note.eventAt.map { req.display($0) } ?? "", "end": note.eventEnd.map { req.display($0) } ?? ""])
    }
}

/// Read markers, shared by the API and the pages; audited like every other change.
enum NotificationReads {
    @discardableResult
    static func markRead(_ id: UUID, _ req: Request) async throws -> InAppNotification {
        let context = try req.requireContext()
        guard !context.isIntegration, let note = try await InAppNotification.query(on: req.db).filter(\.$id == id)
            .filter(\.$user.$id == context.user.id).first() else { throw KeelError.notFound }
        guard note.readAt == nil else { return note }
        note.readAt = Date()
        var changes = ChangeSet()
        changes.record("readAt", before: nil, after: RFC3339Text.format(note.readAt!))
        let audit = changes
        try await req.application.write { db in
            try await note.save(on: db)
            try await AuditLog.append(on: db, actor: context.actor, organizationID: context.user.organizationID,
                                      action: "notification.read", entityType: "notification",
                                      entityID: note.id?.uuidString.lowercased(), changes: audit)
        }
        return note
    }

    static func markAllRead(_ req: Request) async throws {
        let context = try req.requireContext()
        _ = try context.requirePerson()
        let now = Date()
        try await req.application.write { db in
            let unread = try await InAppNotification.query(on: db).filter(\.$user.$id == context.user.id).filter(\.$readAt == nil).count()
            guard unread > 0 else { return }
            try await InAppNotification.query(on: db).filter(\.$user.$id == context.user.id).filter(\.$readAt == nil)
                .set(\.$readAt, to: now).update()
            var changes = ChangeSet()
            changes.record("readAt", before: nil, after: "\(unread)")
            try await AuditLog.append(on: db, actor: context.actor, organizationID: context.user.organizationID,
                                      action: "notification.read_all", entityType: "user",
                                      entityID: context.user.id.uuidString.lowercased(), changes: changes)
        }
    }
}
