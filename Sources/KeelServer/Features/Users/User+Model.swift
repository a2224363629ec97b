import Fluent
import Foundation
import KeelDomain

/// A person who signs in: provider staff (no organisation) or a client's person.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @OptionalParent(key: "organization_id") var organization: Organization?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: String
    @Field(key: "password_hash") var passwordHash: String
    @OptionalField(key: "language") var language: String?
    @OptionalField(key: "timezone") var timezone: String?
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var roleValue: Role { Role(rawValue: role) ?? .clientUser }
}

/// Limits a technician to some client organisations. No rows means all of them.
final class TechnicianAssignment: Model, @unchecked Sendable {
    static let schema = "technician_assignments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Parent(key: "organization_id") var organization: Organization

    init() {}

    init(userID: UUID, organizationID: UUID) {
        self.$user.id = userID
        self.$organization.id = organizationID
    }
}
