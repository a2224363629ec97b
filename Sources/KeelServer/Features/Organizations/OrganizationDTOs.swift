import Foundation
import Vapor

struct OrganizationOut: Content {
    let id: UUID
    let name: String
    let defaultLanguage: String
    let timezone: String
    let emailDomains: [String]
    let headcount: Int?
    let active: Bool
    let createdAt: Date?
    let updatedAt: Date?
    /// Only for provider admins and the organisation's own admins; null otherwise.
    var inventoryEnrolmentKey: String?

    init(_ model: Organization) {
        id = model.id!
        name = model.name
        defaultLanguage = model.defaultLanguage
        timezone = model.timezone
        emailDomains = model.domains
        headcount = model.headcount
        active = model.active
        createdAt = model.createdAt
        updatedAt = model.updatedAt
    }
}

/// Create and update share one input: on create the service requires name, language and timezone.
struct OrganizationInput: Content {
    var name: String?
    var defaultLanguage: String?
    var timezone: String?
    var emailDomains: [String]?
    var headcount: Int?
    var active: Bool?
}

struct SiteOut: Content {
    let id: UUID
    let organizationId: UUID
    let name: String
    let address: String
    let timezone: String
    let createdAt: Date?
    let updatedAt: Date?

    init(_ model: Site) {
        id = model.id!
        organizationId = model.$organization.id
        name = model.name
        address = model.address
        timezone = model.timezone
        createdAt = model.createdAt
        updatedAt = model.updatedAt
    }
}

struct SiteInput: Content {
    var name: String?
    var address: String?
    var timezone: String?
}
