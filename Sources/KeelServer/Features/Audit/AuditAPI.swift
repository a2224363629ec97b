import Fluent
import Foundation
import Vapor

struct AuditEventOut: Content {
    let seq: Int
    let at: Date
    let actorId: UUID?
    let actor: String
    let via: String
    let credentialId: String?
    let address: String?
    let organizationId: UUID?
    let action: String
    let entityType: String
    let entityId: String?
    let changes: [String: ChangeOut]
    let hash: String

    struct ChangeOut: Content {
        let before: String?
        let after: String?
    }

    init(_ event: AuditEvent) {
        seq = event.id ?? 0
        at = event.at
        actorId = event.actorID
        actor = event.actorLabel
        via = event.via
        credentialId = event.credentialID
        address = event.address
        organizationId = event.organizationID
        action = event.action
        entityType = event.entityType
        entityId = event.entityID
        changes = (try? JSONDecoder().decode([String: ChangeOut].self, from: Data(event.changes.utf8))) ?? [:]
        hash = event.hash
    }
}

enum AuditQuery {
    /// Admins only: provider admins see all, client admins their organisation's rows. Newest first.
    static func page(_ req: Request) async throws -> ([AuditEvent], String?) {
        let context = try req.requireContext()
        guard context.isProviderAdmin || context.role == .clientAdmin else { throw KeelError.forbidden }
        let list = try ListQuery(req)
        let query = try req.tenant.auditEvents()
        if let cursor = list.cursor {
            guard let before = Int(cursor) else { throw KeelError(.badRequest, "invalid_cursor", field: "cursor") }
            query.filter(\.$id < before)
        }
        if let organization = req.query[String.self, at: "organizationId"] {
            guard let id = UUID(uuidString: organization), context.scope.contains(id) else { throw KeelError.notFound }
            query.filter(\.$organizationID == id)
        }
        let rows = try await query.sort(\.$id, .descending).limit(list.limit + 1).all()
        let items = Array(rows.prefix(list.limit))
        return (items, rows.count > list.limit ? items.last?.id.map(String.init) : nil)
    }

    static func register(_ api: API) {
        api.on(.GET, "audit", "The audit log, newest first", tag: "audit", response: "AuditEventList") { req in
            let (items, next) = try await page(req)
            return ListPage(items: items.map(AuditEventOut.init), nextCursor: next)
        }
    }
}
