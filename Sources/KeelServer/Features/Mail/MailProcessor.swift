import Fluent
import Foundation
import KeelDomain
import Vapor

/// Turns one stored message into a ticket, a reply on a ticket, a bounce noted on a ticket,
/// or a kept-and-explained status (ignored noise, quarantine). Parsing, classification and
/// threading keys come from the domain (`MailParser`, `MailClassifier`, `MailThreading`).
struct MailProcessor {
    let app: Application

    struct Verdict: Equatable {
        var status: InboundMessage.Status
        var reason: String?
        var detail: String? = nil
        var organizationID: UUID? = nil
        var ticketID: UUID? = nil
    }

    /// Processes a pending (or accepted-from-quarantine) message and stores the verdict.
    /// `organizationOverride` is staff's choice when accepting a quarantined message.
    func process(_ id: UUID, organizationOverride: UUID? = nil) async throws {
        guard let message = try await InboundMessage.find(id, on: app.db) else { return }
        let parsed = MailParser.parse([UInt8](message.raw))
        message.messageID = parsed.messageID.map { String($0.prefix(500)) }
        message.fromAddress = (parsed.from?.address ?? message.envelopeFrom).map { String($0.lowercased().prefix(320)) }
        message.subject = String(parsed.subject.prefix(500))
        message.attempts += 1
        try await app.write { db in try await message.update(on: db) }
        let verdict: Verdict
        do {
            verdict = try await decide(message, parsed, organizationOverride: organizationOverride)
        } catch let error as KeelError {
            verdict = Verdict(status: .failed, reason: error.code)
        } catch {
            app.logger.error("mail processing failed", metadata: ["message": "\(id)", "error": "\(String(reflecting: error))"])
            verdict = Verdict(status: .failed, reason: "internal")
        }
        // A ticket or a reply stored its verdict in its own transaction.
        if verdict.status == .processed, verdict.ticketID != nil, verdict.reason != "bounce_recorded" { return }
        try await store(verdict, on: message)
    }

    private func store(_ verdict: Verdict, on message: InboundMessage) async throws {
        message.status = verdict.status.rawValue
        message.reason = verdict.reason
        message.detail = verdict.detail.map { String($0.prefix(2000)) }
        message.organizationID = verdict.organizationID ?? message.organizationID
        message.ticketID = verdict.ticketID ?? message.ticketID
        message.processedAt = Date()
        if verdict.status == .ignored || verdict.status == .failed {
            app.logger.notice("mail not turned into a ticket", metadata: ["message": "\(message.id?.uuidString ?? "")",
                                                                          "reason": "\(verdict.reason ?? "")"])
        }
        try await app.write { db in try await message.update(on: db) }
    }

    private func decide(_ message: InboundMessage, _ parsed: ParsedMail, organizationOverride: UUID?) async throws -> Verdict {
        switch MailClassifier.classify(parsed, loopHeader: MailClassifier.defaultLoopHeader) {
        case .ownLoop:
            return Verdict(status: .ignored, reason: "own_loop")
        case .bounce:
            return try await bounce(parsed)
        case .autoReply:
            return Verdict(status: .ignored, reason: "auto_reply")
        case .bulk:
            return Verdict(status: .ignored, reason: "bulk")
        case .normal:
            break
        }
        guard let address = message.fromAddress, address.contains("@") else { return Verdict(status: .quarantined, reason: "no_sender") }
        let sender: User
        switch try await MailSenders.find(address, name: parsed.from?.name, override: organizationOverride, app: app) {
        case .person(let person): sender = person
        case .unknown: return Verdict(status: .quarantined, reason: "unknown_sender")
        case .inactive: return Verdict(status: .quarantined, reason: "sender_inactive")
        }
        let context = try await RequestContext.make(user: sender, on: app.db, via: "mail", credentialID: nil, address: nil)
        let tenant = TenantData(context, db: app.db)
        let service = TicketService(application: app, context: context)
        let text = MailText.body(parsed)
        let files = try storeAttachments(parsed)
        let messageRowID = try message.requireID()
        let messageID = parsed.messageID

        if let ticket = try await thread(parsed, tenant: tenant), ticket.status != TicketStatus.closed.rawValue {
            let ticketID = try ticket.requireID()
            _ = try await service.comment(on: ticketID, CommentInput(body: text, internal: false)) { db, ticket in
                try await MailText.attach(files, to: ticket, by: context.user.id, on: db)
                try await Self.finish(messageRowID, ticket: ticket, messageID: messageID, on: db)
            }
            return Verdict(status: .processed, reason: "reply", organizationID: ticket.$organization.id, ticketID: ticketID)
        }
        guard let organizationID = context.user.organizationID ?? organizationOverride else {
            // Provider staff writing in without a ticket to reply to: staff decide where it goes.
            return Verdict(status: .quarantined, reason: "staff_without_ticket")
        }
        let title = MailText.title(parsed, prefix: app.keel.mailSubjectPrefix, body: text)
        let created = try await service.create(TicketCreate(title: title, body: text, organizationId: organizationID.uuidString,
                                                            requesterId: context.isProviderStaff ? nil : sender.id?.uuidString),
                                               defaultChannel: "email") { db, ticket in
            try await MailText.attach(files, to: ticket, by: context.user.id, on: db)
            try await Self.finish(messageRowID, ticket: ticket, messageID: messageID, on: db)
        }
        return Verdict(status: .processed, reason: "new_ticket", organizationID: organizationID, ticketID: created.ticket.id)
    }

    /// Marks the message processed and remembers its Message-ID, in the ticket's transaction.
    private static func finish(_ id: UUID, ticket: Ticket, messageID: String?, on db: any Database) async throws {
        guard let message = try await InboundMessage.find(id, on: db) else { return }
        message.status = InboundMessage.Status.processed.rawValue
        message.reason = "ticket"
        message.ticketID = ticket.id
        message.organizationID = ticket.$organization.id
        message.processedAt = Date()
        try await message.update(on: db)
        if let messageID, try await MailMessageID.query(on: db).filter(\.$messageID == messageID).filter(\.$direction == "in").first() == nil {
            let row = MailMessageID()
            row.messageID = String(messageID.prefix(500))
            row.ticketID = try ticket.requireID()
            row.direction = "in"
            row.createdAt = Date()
            try await row.create(on: db)
        }
    }

    /// The ticket a reply belongs to: the subject tag first, then In-Reply-To / References.
    /// A ticket the sender may not see is no match.
    private func thread(_ parsed: ParsedMail, tenant: TenantData) async throws -> Ticket? {
        if let number = MailThreading.ticketNumber(inSubject: parsed.subject, prefix: app.keel.mailSubjectPrefix),
           let ticket = try await tenant.tickets().filter(\.$number == number).first() {
            return ticket
        }
        let references = Array(Set(parsed.inReplyTo + parsed.references)).prefix(100)
        guard !references.isEmpty else { return nil }
        let known = try await MailMessageID.query(on: app.db).filter(\.$messageID ~~ Array(references)).all()
        for ticketID in Set(known.map(\.ticketID)) {
            if let ticket = try await tenant.tickets().filter(\.$id == ticketID).first() { return ticket }
        }
        return nil
    }

    /// A delivery failure about mail Keel sent is recorded on that ticket's history.
    private func bounce(_ parsed: ParsedMail) async throws -> Verdict {
        guard let report = MailBounce(parsed), let original = report.originalMessageID,
              let known = try await MailMessageID.query(on: app.db).filter(\.$messageID == original).first(),
              let ticket = try await Ticket.find(known.ticketID, on: app.db) else {
            return Verdict(status: .ignored, reason: "bounce")
        }
        let failed = report.failedRecipient?.address ?? ""
        let status = report.failedRecipient?.status ?? ""
        try await app.write { db in
            try await TicketHistory.record(on: db.sql, ticket: ticket, kind: "mail_bounce", from: nil, to: String(failed.prefix(300)),
                                           reason: String(status.prefix(100)), actor: nil, isPublic: false, at: Date())
        }
        return Verdict(status: .processed, reason: "bounce_recorded", detail: "\(failed) \(status)",
                       organizationID: ticket.$organization.id, ticketID: ticket.id)
    }

    private func storeAttachments(_ parsed: ParsedMail) throws -> [MailText.StoredFile] {
        let store = AttachmentStore(root: app.keel.attachmentsDirectory)
        return try parsed.attachments.prefix(50).compactMap { attachment in
            guard !attachment.bytes.isEmpty else { return nil }
            let digest = try store.put(Data(attachment.bytes))
            return MailText.StoredFile(name: AttachmentService.sanitized(attachment.filename ?? "attachment"),
                                       contentType: attachment.contentType, size: attachment.bytes.count, sha256: digest)
        }
    }
}
