import Fluent
import Foundation

/// An in-app notification (the bell). `kind` names a catalog key `notification.<kind>`;
/// `ticketNumber` and `title` fill it, so the text follows the reader's language.
final class InAppNotification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @OptionalParent(key: "ticket_id") var ticket: Ticket?
    @Field(key: "kind") var kind: String
    @Field(key: "ticket_number") var ticketNumber: Int
    @Field(key: "title") var title: String
    @OptionalField(key: "read_at") var readAt: Date?
    @Field(key: "created_at") var createdAt: Date
    /// "pending" until the outbox has turned it into mail (or decided not to), then "done".
    @OptionalField(key: "mail_state") var mailState: String?
    /// What the mail quotes: the reply's text, for instance.
    @OptionalField(key: "detail") var detail: String?
    /// Monitoring notices (no ticket): the check concerned, where the notice leads, and the
    /// times it names (a maintenance occurrence), shown in the reader's timezone.
    @OptionalField(key: "check_id") var checkID: UUID?
    @OptionalField(key: "link") var link: String?
    @OptionalField(key: "event_at") var eventAt: Date?
    @OptionalField(key: "event_end") var eventEnd: Date?

    init() {}
}
