import Fluent
import Foundation
import KeelDomain
import Vapor

/// The signed-in person as a value, detached from any model instance.
struct Caller: Sendable {
    let id: UUID
    let email: String
    let name: String
    let role: Role
    let organizationID: UUID?
    let language: Language?
    let timezone: String?
}

/// Who acts in an audit row and through which credential.
struct AuditActor: Sendable {
    let userID: UUID?
    let label: String
    let via: String
    let credentialID: String?
    let address: String?

    static func cli(_ label: String = "keel") -> AuditActor {
        AuditActor(userID: nil, label: label, via: "cli", credentialID: nil, address: nil)
    }
    static let system = AuditActor(userID: nil, label: "system", via: "system", credentialID: nil, address: nil)
}

/// The caller of one request and what it may see. Built once by the authentication
/// middleware; repositories of tenant data take its `scope` and apply it themselves.
struct RequestContext: Sendable {
    let user: Caller
    let scope: OrganizationScope
    let actor: AuditActor
    let organizationLanguage: Language?
    let timeZone: TimeZone
    /// Set for an integration token: it acts for that organisation only.
    let integrationOrganizationID: UUID?
    /// Set for a browser session: the token its forms must carry.
    let csrfToken: String?
    let sessionID: UUID?

    var role: Role { user.role }
    var isProviderAdmin: Bool { role == .providerAdmin && integrationOrganizationID == nil }
    var isProviderStaff: Bool { role.isProviderStaff && integrationOrganizationID == nil }
    var isIntegration: Bool { integrationOrganizationID != nil }
    /// Provider staff and client admins set up monitoring (checks, windows) and see ping keys.
    var managesMonitoring: Bool { isProviderStaff || role == .clientAdmin }

    /// The person behind a personal credential. An integration token acts for an organisation,
    /// not for the person who created it, so it cannot reach that person's own things.
    func requirePerson() throws -> UUID {
        guard !isIntegration else { throw KeelError.forbidden }
        return user.id
    }

    /// May manage people: provider admins everywhere, client admins in their organisation.
    var managesPeople: Bool { isProviderAdmin || role == .clientAdmin }
}

extension Request {
    private struct ContextKey: StorageKey { typealias Value = RequestContext }

    var context: RequestContext? {
        get { storage[ContextKey.self] }
        set { storage[ContextKey.self] = newValue }
    }

    func requireContext() throws -> RequestContext {
        guard let context else { throw KeelError.unauthorized }
        return context
    }

    /// The client address: the socket peer. A proxy deployment sets KEEL_TRUST_PROXY later.
    var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}

extension RequestContext {
    /// Resolves a person into a context: their scope comes from role, organisation and
    /// technician assignments, read here and nowhere else.
    static func make(user: User, on db: any Database, via: String, credentialID: String?, address: String?,
                     integrationOrganizationID: UUID? = nil, csrfToken: String? = nil, sessionID: UUID? = nil,
                     fallbackTimeZone: String = "UTC") async throws -> RequestContext {
        let userID = try user.requireID()
        let role = user.roleValue
        let scope: OrganizationScope
        if let integrationOrganizationID {
            scope = .only([integrationOrganizationID])
        } else {
            var assigned = Set<UUID>()
            if role == .technician {
                let rows = try await TechnicianAssignment.query(on: db).filter(\.$user.$id == userID).all()
                assigned = Set(rows.map { $0.$organization.id })
            }
            scope = .of(role: role, organizationID: user.$organization.id, technicianOrganizations: assigned)
        }
        var organization: Organization?
        if let organizationID = user.$organization.id ?? integrationOrganizationID {
            organization = try await Organization.find(organizationID, on: db)
        }
        let zoneName = user.timezone ?? organization?.timezone ?? fallbackTimeZone
        // An integration token acts as its organisation's interface person, nothing more.
        let caller = Caller(id: userID, email: user.email, name: user.name,
                            role: integrationOrganizationID == nil ? role : .clientAdmin,
                            organizationID: integrationOrganizationID ?? user.$organization.id, language: user.language.flatMap(Language.init(rawValue:)),
                            timezone: user.timezone)
        return RequestContext(
            user: caller, scope: scope,
            actor: AuditActor(userID: userID, label: user.email, via: via, credentialID: credentialID, address: address),
            organizationLanguage: organization?.language, timeZone: TimeZone(identifier: zoneName) ?? .gmt,
            integrationOrganizationID: integrationOrganizationID, csrfToken: csrfToken, sessionID: sessionID)
    }
}
