import Fluent
import Foundation
import Vapor

/// The bell's page: the latest notifications; opening one marks it read and goes to its ticket.
enum NotificationController {
    struct Item: Encodable { let id: String; let text: String; let at: String; let read: Bool }
    struct ListData: Encodable { let items: [Item]; let empty: Bool }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("notifications") { req async throws -> Response in
            let context = try req.requireWebContext()
            let notes = try await InAppNotification.query(on: req.db).filter(\.$user.$id == context.user.id)
                .sort(\.$createdAt, .descending).limit(100).all()
            let items = notes.map { note in
                Item(id: note.id!.uuidString, text: NotificationAPI.text(note, req), at: req.display(note.createdAt), read: note.readAt != nil)
            }
            return try await req.renderPage("notifications", data: ListData(items: items, empty: items.isEmpty))
        }
        routes.get("notifications", ":notificationID", "open") { req async throws -> Response in
            _ = try req.requireWebContext()
            let note = try await NotificationReads.markRead(try req.idParameter("notificationID"), req)
            return req.redirect(to: note.$ticket.id.map { "/tickets/\($0.uuidString)" } ?? note.link.flatMap { $0.hasPrefix("/") ? $0 : nil }
                ?? "/notifications")
        }
        routes.post("notifications", "read-all") { req async throws -> Response in
            _ = try req.requireWebContext()
            try await NotificationReads.markAllRead(req)
            return req.redirect(to: "/notifications", redirectType: .normal)
        }
    }
}
