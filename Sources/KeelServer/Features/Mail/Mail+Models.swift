import Fluent
import Foundation
import SQLKit

/// A message as it arrived (SMTP or `keel mail-in`), raw bytes first: stored and committed
/// before the sender hears "250", then processed. Nothing accepted is ever dropped: what
/// cannot become a ticket stays here with its status and reason for staff to see.
final class InboundMessage: Model, @unchecked Sendable {
    static let schema = "inbound_messages"

    /// pending → processed | quarantined | ignored | failed; quarantined → processed | discarded.
    enum Status: String { case pending, processed, quarantined, ignored, failed, discarded }

    @ID(key: .id) var id: UUID?
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "source") var source: String
    @OptionalField(key: "envelope_from") var envelopeFrom: String?
    @Field(key: "recipients") var recipients: String
    @Field(key: "size") var size: Int
    @Field(key: "raw") var raw: Data
    @Field(key: "status") var status: String
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "detail") var detail: String?
    @OptionalField(key: "message_id") var messageID: String?
    @OptionalField(key: "from_address") var fromAddress: String?
    @OptionalField(key: "subject") var subject: String?
    @OptionalField(key: "organization_id") var organizationID: UUID?
    @OptionalField(key: "ticket_id") var ticketID: UUID?
    @OptionalField(key: "processed_at") var processedAt: Date?
    @Field(key: "attempts") var attempts: Int

    init() {}
}

/// Message-IDs Keel has received or sent, and their ticket: how replies find their thread.
final class MailMessageID: Model, @unchecked Sendable {
    static let schema = "mail_message_ids"

    @ID(key: .id) var id: UUID?
    @Field(key: "message_id") var messageID: String
    @Field(key: "ticket_id") var ticketID: UUID
    /// in or out
    @Field(key: "direction") var direction: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateMail: AsyncMigration {
    var name: String { "012_CreateMail" }

    func prepare(on database: any Database) async throws {
        try await database.schema(InboundMessage.schema)
            .id()
            .field("received_at", .datetime, .required)
            .field("source", .string, .required)
            .field("envelope_from", .string)
            .field("recipients", .string, .required)
            .field("size", .int, .required)
            .field("raw", .data, .required)
            .field("status", .string, .required)
            .field("reason", .string)
            .field("detail", .string)
            .field("message_id", .string)
            .field("from_address", .string)
            .field("subject", .string)
            .field("organization_id", .uuid)
            .field("ticket_id", .uuid)
            .field("processed_at", .datetime)
            .field("attempts", .int, .required)
            .create()
        try await database.schema(MailMessageID.schema)
            .id()
            .field("message_id", .string, .required)
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id))
            .field("direction", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "message_id", "direction")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "inbound_messages_status_received").on(InboundMessage.schema).column("status").column("received_at").run()
        try await sql.create(index: "mail_message_ids_message").on(MailMessageID.schema).column("message_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MailMessageID.schema).delete()
        try await database.schema(InboundMessage.schema).delete()
    }
}
