import Fluent
import Foundation
import SQLKit
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
        let person = Caller(id: try user.requireID(), email: user.email, name: user.name, role: user.roleValue,
                            organizationID: user.$organization.id, language: user.language.flatMap(Language.init(rawValue:)),
                            timezone: user.timezone)
        var organization: (timezone: String, language: Language)?
        if let organizationID = user.$organization.id ?? integrationOrganizationID,
           let row = try await (db as! any SQLDatabase).select().columns("timezone", "default_language").from(Organization.schema)
               .where("id", .equal, SQLBind(organizationID)).first() {
            organization = (try row.decode(column: "timezone", as: String.self),
                            Language(rawValue: try row.decode(column: "default_language", as: String.self)) ?? .en)
        }
        return try await make(person: person, organization: organization, on: db, via: via, credentialID: credentialID, address: address,
                              integrationOrganizationID: integrationOrganizationID, csrfToken: csrfToken, sessionID: sessionID,
                              fallbackTimeZone: fallbackTimeZone)
    }

    /// The same from values already read (the token check reads person and organisation in one query).
    static func make(person: Caller, organization: (timezone: String, language: Language)?, on db: any Database, via: String,
                     credentialID: String?, address: String?, integrationOrganizationID: UUID?, csrfToken: String? = nil,
                     sessionID: UUID? = nil, fallbackTimeZone: String = "UTC") async throws -> RequestContext {
        let scope: OrganizationScope
        if let integrationOrganizationID {
            scope = .only([integrationOrganizationID])
        } else {
            var assigned = Set<UUID>()
            if person.role == .technician {
                let rows = try await (db as! any SQLDatabase).select().column("organization_id").from(TechnicianAssignment.schema)
                    .where("user_id", .equal, SQLBind(person.id)).all()
                assigned = Set(try rows.map { try $0.decode(column: "organization_id", as: UUID.self) })
            }
            scope = .of(role: person.role, organizationID: person.organizationID, technicianOrganizations: assigned)
        }
        let zoneName = person.timezone ?? organization?.timezone ?? fallbackTimeZone
        // An integration token acts as its organisation's interface person, nothing more.
        let caller = Caller(id: person.id, email: person.email, name: person.name,
                            role: integrationOrganizationID == nil ? person.role : .clientAdmin,
                            organizationID: integrationOrganizationID ?? person.organizationID, language: person.language,
                            timezone: person.timezone)
        return RequestContext(
            user: caller, scope: scope,
            actor: AuditActor(userID: person.id, label: person.email, via: via, credentialID: credentialID, address: address),
            organizationLanguage: organization?.language, timeZone: TimeZone(identifier: zoneName) ?? .gmt,
            integrationOrganizationID: integrationOrganizationID, csrfToken: csrfToken, sessionID: sessionID)
    }
}
