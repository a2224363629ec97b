import Fluent
import Foundation
import KeelDomain
import Vapor

/// Who wrote a mail: a known person, or a new contact of the organisation that owns the
/// sender's domain (when `KEEL_MAIL_NEW_CONTACTS` allows), else unknown (quarantine).
enum MailSenders {
    enum Found {
        case person(User)
        case unknown
        case inactive
    }

    /// `override` is the organisation staff chose when accepting a quarantined message: the
    /// sender becomes a contact there even if the domain is not the organisation's.
    static func find(_ address: String, name: String?, override: UUID?, app: Application) async throws -> Found {
        let email = address.lowercased()
        if let person = try await User.query(on: app.db).filter(\.$email == email).first() {
            return person.active ? .person(person) : .inactive
        }
        let domain = email.split(separator: "@").last.map(String.init) ?? ""
        var organization: Organization?
        if let override {
            organization = try await Organization.find(override, on: app.db)
        } else if app.keel.mailNewContacts, !domain.isEmpty {
            organization = try await Organization.query(on: app.db).filter(\.$active == true).all()
                .first { $0.domains.contains(domain) }
        }
        guard let organization, FieldRules.isEmail(email) else { return .unknown }
        let contact = User()
        contact.email = email
        let given = (name ?? "").trimmingCharacters(in: .whitespaces)
        let local = email.split(separator: "@").first.map(String.init) ?? email
        contact.name = String((given.isEmpty ? local : given).prefix(200))
        contact.role = Role.clientUser.rawValue
        contact.$organization.id = try organization.requireID()
        // No password: the contact can be invited later; "!" never verifies.
        contact.passwordHash = "!"
        contact.active = true
        var changes = ChangeSet()
        changes.created(["email": email, "name": contact.name, "role": contact.role,
                         "organizationId": organization.id?.uuidString.lowercased()])
        let audit = changes
        let actor = AuditActor(userID: nil, label: "mail", via: "mail", credentialID: nil, address: nil)
        try await app.write { db in
            try await contact.create(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organization.id, action: "user.create_from_mail",
                                      entityType: "user", entityID: contact.id?.uuidString.lowercased(), changes: audit)
        }
        return .person(contact)
    }
}

/// What a mail contributes to a ticket: its text, its title, its files.
enum MailText {
    struct StoredFile: Sendable {
        let name: String
        let contentType: String
        let size: Int
        let sha256: String
    }

    /// The new text of the message: quoted history and signatures trimmed (the raw message
    /// keeps them), capped at the ticket body limit.
    static func body(_ parsed: ParsedMail) -> String {
        let trimmed = MailReplyTrimmer.trim(parsed).trimmingCharacters(in: .whitespacesAndNewlines)
        let text = trimmed.isEmpty ? parsed.subject : trimmed
        return String((text.isEmpty ? "-" : text).prefix(100_000))
    }

    /// The subject without Re:/Fwd: and without Keel's tag; else the first line of the text.
    static func title(_ parsed: ParsedMail, prefix: String, body: String) -> String {
        let subject = MailThreading.normalizedSubject(parsed.subject, removingTagWithPrefix: prefix)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let line = subject.isEmpty ? (body.split(separator: "\n").first.map(String.init) ?? "-") : subject
        let clean = line.filter { !$0.isNewline && $0 != "\t" }
        return String((clean.isEmpty ? "-" : clean).prefix(200))
    }

    /// Attachment rows for files already on disk, inside the ticket's transaction.
    static func attach(_ files: [StoredFile], to ticket: Ticket, by userID: UUID, on db: any Database) async throws {
        for file in files {
            let attachment = TicketAttachment()
            attachment.$ticket.id = try ticket.requireID()
            attachment.fileName = file.name
            attachment.contentType = String(file.contentType.prefix(200))
            attachment.size = file.size
            attachment.sha256 = file.sha256
            attachment.isInternal = false
            attachment.uploadedBy = userID
            attachment.createdAt = Date()
            try await attachment.create(on: db)
        }
    }
}
