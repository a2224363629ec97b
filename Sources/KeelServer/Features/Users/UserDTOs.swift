import Foundation
import Vapor

struct UserOut: Content {
    let id: UUID
    let email: String
    let name: String
    let role: String
    let organizationId: UUID?
    let language: String?
    let timezone: String?
    let active: Bool
    let technicianOrganizationIds: [UUID]
    let createdAt: Date?
    let updatedAt: Date?

    init(_ model: User, technicianOrganizationIds: [UUID] = []) {
        id = model.id!
        email = model.email
        name = model.name
        role = model.role
        organizationId = model.$organization.id
        language = model.language
        timezone = model.timezone
        active = model.active
        self.technicianOrganizationIds = technicianOrganizationIds
        createdAt = model.createdAt
        updatedAt = model.updatedAt
    }
}

struct UserInput: Content {
    var email: String?
    var name: String?
    var role: String?
    var organizationId: String?
    var password: String?
    var language: String?
    var timezone: String?
    var active: Bool?
    var technicianOrganizationIds: [String]?
}

struct MeOut: Content {
    let id: UUID
    let email: String
    let name: String
    let role: String
    let organizationId: UUID?
    let language: String
    let timezone: String
    let via: String
}

struct PasswordChange: Content {
    var currentPassword: String
    var newPassword: String
}
