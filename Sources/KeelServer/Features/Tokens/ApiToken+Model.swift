import Fluent
import Foundation

/// A bearer token. The secret is shown once; only its SHA-256 is stored.
/// `kind` is `personal` (a person's own), `integration` (an organisation's, made by an
/// admin) or `session` (short-lived, from `POST /api/v1/session`).
final class ApiToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @OptionalParent(key: "organization_id") var organization: Organization?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "prefix") var prefix: String
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}
