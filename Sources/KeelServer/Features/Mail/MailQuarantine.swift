import Fluent
import Foundation
import KeelDomain
import Vapor

struct InboundMessageOut: Content {
    let id: UUID
    let receivedAt: Date
    let source: String
    let from: String?
    let subject: String?
    let size: Int
    let status: String
    let reason: String?
    let reasonText: String?
    let detail: String?
    let organizationId: UUID?
    let ticketId: UUID?

    init(_ message: InboundMessage, text: String?) {
        id = message.id!
        receivedAt = message.receivedAt
        source = message.source
        from = message.fromAddress ?? message.envelopeFrom
        subject = message.subject
        size = message.size
        status = message.status
        reason = message.reason
        reasonText = text
        detail = message.detail
        organizationId = message.organizationID
        ticketId = message.ticketID
    }
}

struct OutboundMessageOut: Content {
    let id: UUID
    let createdAt: Date
    let ticketId: UUID?
    let recipient: String
    let kind: String
    let subject: String
    let messageId: String
    let status: String
    let attempts: Int
    let nextAttemptAt: Date
    let lastError: String?
    let sentAt: Date?

    init(_ message: OutboundMessage) {
        id = message.id!
        createdAt = message.createdAt
        ticketId = message.ticketID
        recipient = message.recipient
        kind = message.kind
        subject = message.subject
        messageId = message.messageID
        status = message.status
        attempts = message.attempts
        nextAttemptAt = message.nextAttemptAt
        lastError = message.lastError
        sentAt = message.sentAt
    }
}

struct QuarantineAccept: Content {
    var organizationId: String?
}

/// Mail that did not become a ticket by itself, for provider staff: the quarantine (accept
/// into an organisation, or discard) and the record of ignored and failed messages. Only
/// staff who see every organisation may look: an unknown sender belongs to no one yet.
enum MailQuarantine {
    static func requireReviewer(_ req: Request) throws -> RequestContext {
        let context = try req.requireContext()
        guard context.isProviderStaff, context.scope.restriction == nil else { throw KeelError.notFound }
        return context
    }

    static func out(_ message: InboundMessage, _ req: Request) -> InboundMessageOut {
        InboundMessageOut(message, text: message.reason.map {
            message.status == InboundMessage.Status.failed.rawValue ? req.t("error.\($0)") : req.t("mail.reason.\($0)")
        })
    }

    static func message(_ req: Request, status: InboundMessage.Status? = nil) async throws -> InboundMessage {
        _ = try requireReviewer(req)
        guard let message = try await InboundMessage.find(try req.idParameter("messageID"), on: req.db),
              status == nil || message.status == status?.rawValue else { throw KeelError.notFound }
        return message
    }

    /// Runs the message again with the chosen organisation; the sender becomes its contact.
    static func accept(_ req: Request, organizationID raw: String?) async throws -> InboundMessage {
        let context = try requireReviewer(req)
        let message = try await message(req, status: .quarantined)
        guard let raw, let organizationID = UUID(uuidString: raw) else { throw KeelError.validation("organizationId", "organization_required") }
        _ = try await req.tenant.organization(organizationID)
        let id = try message.requireID()
        try await req.application.write { db in
            try await AuditLog.append(on: db, actor: context.actor, organizationID: organizationID, action: "mail.accept",
                                      entityType: "inbound_message", entityID: id.uuidString.lowercased(),
                                      changes: .single("status", before: "quarantined", after: "accepted"))
        }
        try await MailProcessor(app: req.application).process(id, organizationOverride: organizationID)
        guard let updated = try await InboundMessage.find(id, on: req.db) else { throw KeelError.notFound }
        return updated
    }

    static func discard(_ req: Request) async throws -> InboundMessage {
        let context = try requireReviewer(req)
        let message = try await message(req, status: .quarantined)
        message.status = InboundMessage.Status.discarded.rawValue
        message.processedAt = Date()
        try await req.application.write { db in
            try await message.update(on: db)
            try await AuditLog.append(on: db, actor: context.actor, organizationID: nil, action: "mail.discard",
                                      entityType: "inbound_message", entityID: message.id?.uuidString.lowercased(),
                                      changes: .single("status", before: "quarantined", after: "discarded"))
        }
        return message
    }

    static func register(_ api: API) {
        api.on(.GET, "mail/quarantine", "Mail waiting for staff: unknown senders and the like (status=all for every message)",
               tag: "mail", response: "InboundMessageList") { req in
            _ = try requireReviewer(req)
            let query = InboundMessage.query(on: req.db)
            if req.query[String.self, at: "status"] != "all" { query.filter(\.$status == InboundMessage.Status.quarantined.rawValue) }
            let rows = try await query.sort(\.$receivedAt, .descending).limit(500).all()
            return ListPage(items: rows.map { out($0, req) }, nextCursor: nil)
        }
        api.on(.POST, "mail/quarantine/{messageID}/accept", "Accept a quarantined message into an organisation",
               tag: "mail", body: "QuarantineAccept", response: "InboundMessage") { req in
            let input = try req.content.decode(QuarantineAccept.self)
            return out(try await accept(req, organizationID: input.organizationId), req)
        }
        api.on(.POST, "mail/quarantine/{messageID}/discard", "Discard a quarantined message (kept, marked discarded)",
               tag: "mail", response: "InboundMessage") { req in
            out(try await discard(req), req)
        }
    }

    static func registerOutbox(_ api: API) {
        api.on(.GET, "mail/outbox", "Notification mail: queued, sent, failed (status=…, ticketId=…)", tag: "mail",
               response: "OutboundMessageList") { req in
            _ = try requireReviewer(req)
            let query = OutboundMessage.query(on: req.db)
            if let status = req.query[String.self, at: "status"], !status.isEmpty { query.filter(\.$status == status) }
            if let raw = req.query[String.self, at: "ticketId"], !raw.isEmpty {
                guard let id = UUID(uuidString: raw) else { throw KeelError.notFound }
                query.filter(\.$ticketID == id)
            }
            let rows = try await query.sort(\.$createdAt, .descending).limit(500).all()
            return ListPage(items: rows.map(OutboundMessageOut.init), nextCursor: nil)
        }
    }

    // MARK: - The page

    struct Row: Encodable {
        let id: String; let received: String; let from: String; let subject: String; let status: String; let statusCode: String
        let reason: String; let ticketID: String?; let quarantined: Bool
    }
    struct OutRow: Encodable { let created: String; let recipient: String; let subject: String; let status: String; let error: String }
    struct PageData: Encodable { let rows: [Row]; let organizations: [SelectOption]; let outbound: [OutRow] }

    static func registerPages(_ routes: any RoutesBuilder) {
        routes.get("mail") { req async throws -> Response in
            _ = try req.requireWebContext()
            _ = try requireReviewer(req)
            let rows = try await InboundMessage.query(on: req.db).sort(\.$receivedAt, .descending).limit(200).all()
            let data = PageData(rows: rows.map { message in
                let item = out(message, req)
                return Row(id: item.id.uuidString, received: req.display(item.receivedAt), from: item.from ?? "",
                           subject: item.subject ?? "", status: req.t("mail.status.\(item.status)"), statusCode: item.status,
                           reason: item.reasonText ?? "", ticketID: item.ticketId?.uuidString, quarantined: item.status == "quarantined")
            }, organizations: try await req.tenant.organizations().sort(\.$name).all().map {
                SelectOption(value: $0.id!.uuidString, label: $0.name, selected: false)
            }, outbound: try await OutboundMessage.query(on: req.db).sort(\.$createdAt, .descending).limit(100).all().map {
                OutRow(created: req.display($0.createdAt), recipient: $0.recipient, subject: $0.subject,
                       status: req.t("mail.out_status.\($0.status)"), error: $0.lastError ?? "")
            })
            return try await req.renderPage("mail", data: data)
        }
        routes.post("mail", ":messageID", "accept") { req async throws -> Response in
            _ = try req.requireWebContext()
            let input = try req.content.decode(QuarantineAccept.self)
            _ = try await accept(req, organizationID: input.organizationId)
            return req.redirect(to: "/mail?notice=saved", redirectType: .normal)
        }
        routes.post("mail", ":messageID", "discard") { req async throws -> Response in
            _ = try req.requireWebContext()
            _ = try await discard(req)
            return req.redirect(to: "/mail?notice=saved", redirectType: .normal)
        }
    }
}
