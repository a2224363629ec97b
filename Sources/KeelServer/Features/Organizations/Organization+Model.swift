import Fluent
import Foundation
import KeelDomain

/// A client company served by the provider: the unit of tenancy.
final class Organization: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "default_language") var defaultLanguage: String
    @Field(key: "timezone") var timezone: String
    @Field(key: "email_domains") var emailDomains: String
    @OptionalField(key: "headcount") var headcount: Int?
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var language: Language { Language(rawValue: defaultLanguage) ?? .en }
    var domains: [String] { emailDomains.split(separator: ",").map(String.init) }
}

/// An office of a client organisation, with its own timezone.
final class Site: Model, @unchecked Sendable {
    static let schema = "sites"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "name") var name: String
    @Field(key: "address") var address: String
    @Field(key: "timezone") var timezone: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
