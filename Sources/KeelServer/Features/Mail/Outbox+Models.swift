import Fluent
import Foundation
import KeelDomain
import SQLKit

/// A composed notification mail waiting for the relay, sent, or given up on. Written in the
/// transaction of the change it reports, so a restart loses none.
final class OutboundMessage: Model, @unchecked Sendable {
    static let schema = "outbound_messages"

    /// queued → sent | failed; suppressed (rate limit, preferences) is kept for the record.
    enum Status: String { case queued, sent, failed, suppressed }

    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "ticket_id") var ticketID: UUID?
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "recipient") var recipient: String
    @Field(key: "kind") var kind: String
    @Field(key: "subject") var subject: String
    @Field(key: "message_id") var messageID: String
    @Field(key: "raw") var raw: Data
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?

    init() {}

    /// A composed mail, queued for the relay now.
    init(composed outgoing: MailOutgoing, to person: User, kind: String, ticketID: UUID? = nil, now: Date) {
        id = OrderedID.make(at: now)
        createdAt = now
        self.ticketID = ticketID
        userID = person.id
        recipient = person.email
        self.kind = kind
        subject = String(outgoing.subject.prefix(300))
        messageID = outgoing.messageID
        raw = Data(MailComposer.compose(outgoing))
        status = Status.queued.rawValue
        attempts = 0
        nextAttemptAt = now
    }
}

/// Email preferences of a person or of a whole organisation (`owner_type` user/organization).
final class MailPreference: Model, @unchecked Sendable {
    static let schema = "mail_preferences"

    @ID(key: .id) var id: UUID?
    @Field(key: "owner_type") var ownerType: String
    @Field(key: "owner_id") var ownerID: UUID
    @Field(key: "email") var email: Bool
    @Field(key: "digest") var digest: Bool
    /// Notification kinds this owner does not want by mail, comma-separated.
    @Field(key: "muted") var muted: String
    @OptionalField(key: "digest_sent_on") var digestSentOn: String?

    init() {}
}

struct CreateOutbox: AsyncMigration {
    var name: String { "013_CreateOutbox" }

    func prepare(on database: any Database) async throws {
        try await database.schema(OutboundMessage.schema)
            .id()
            .field("created_at", .datetime, .required)
            .field("ticket_id", .uuid)
            .field("user_id", .uuid)
            .field("recipient", .string, .required)
            .field("kind", .string, .required)
            .field("subject", .string, .required)
            .field("message_id", .string, .required)
            .field("raw", .data, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("sent_at", .datetime)
            .create()
        try await database.schema(MailPreference.schema)
            .id()
            .field("owner_type", .string, .required)
            .field("owner_id", .uuid, .required)
            .field("email", .bool, .required)
            .field("digest", .bool, .required)
            .field("muted", .string, .required)
            .field("digest_sent_on", .string)
            .unique(on: "owner_type", "owner_id")
            .create()
        // SQLite adds one column per ALTER TABLE.
        try await database.schema(InAppNotification.schema).field("mail_state", .string).update()
        try await database.schema(InAppNotification.schema).field("detail", .string).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "notifications_mail_state").on(InAppNotification.schema).column("mail_state").run()
        try await sql.create(index: "outbound_status_next").on(OutboundMessage.schema).column("status").column("next_attempt_at").run()
        try await sql.create(index: "outbound_ticket").on(OutboundMessage.schema).column("ticket_id").run()
        try await sql.create(index: "outbound_recipient_created").on(OutboundMessage.schema).column("recipient").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(InAppNotification.schema).deleteField("mail_state").update()
        try await database.schema(InAppNotification.schema).deleteField("detail").update()
        try await database.schema(MailPreference.schema).delete()
        try await database.schema(OutboundMessage.schema).delete()
    }
}
