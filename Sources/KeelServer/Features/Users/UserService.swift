import Fluent
import Foundation
import KeelDomain
import Vapor

/// Use cases for people: create, edit, deactivate, and a person's own settings.
struct UserService {
    let request: Request
    let context: RequestContext

    init(_ request: Request) throws {
        self.request = request
        self.context = try request.requireContext()
    }

    func create(_ input: UserInput) async throws -> User {
        guard context.managesPeople else { throw KeelError.forbidden }
        let user = User()
        user.active = true
        var changes = ChangeSet()
        try await applyIdentity(input, to: user, changes: &changes, creating: true)
        guard let password = input.password else { throw KeelError.validation("password", "field_required", values: ["field": "password"]) }
        try checkPassword(password, email: user.email, field: "password")
        user.passwordHash = try await request.application.passwordHasher.hash(password)
        changes.record("password", before: nil, after: "(set)")
        let assignments = try await technicianAssignments(input, for: user, changes: &changes)
        let actor = context.actor
        let audit = changes
        try await request.application.write { db in
            try await user.create(on: db)
            let userID = try user.requireID()
            for organizationID in assignments ?? [] {
                try await TechnicianAssignment(userID: userID, organizationID: organizationID).create(on: db)
            }
            try await AuditLog.append(on: db, actor: actor, organizationID: user.$organization.id, action: "user.create",
                                      entityType: "user", entityID: userID.uuidString.lowercased(), changes: audit)
        }
        return user
    }

    func update(_ id: UUID, _ input: UserInput) async throws -> User {
        let user = try await request.tenant.user(id)
        let editingSelf = user.id == context.user.id
        guard context.managesPeople, context.isProviderAdmin || user.roleValue.isClient else { throw KeelError.forbidden }
        var changes = ChangeSet()
        try await applyIdentity(input, to: user, changes: &changes, creating: false)
        if let active = input.active, active != user.active {
            if editingSelf && !active { throw KeelError.validation("active", "cannot_deactivate_self") }
            changes.record("active", before: String(user.active), after: String(active))
            user.active = active
        }
        if let password = input.password {
            try checkPassword(password, email: user.email, field: "password")
            user.passwordHash = try await request.application.passwordHasher.hash(password)
            changes.record("password", before: "(set)", after: "(reset)")
        }
        let assignments = try await technicianAssignments(input, for: user, changes: &changes)
        guard !changes.isEmpty else { return user }
        let actor = context.actor
        let deactivated = input.active == false
        let audit = changes
        try await request.application.write { db in
            try await user.update(on: db)
            let userID = try user.requireID()
            if let assignments {
                try await TechnicianAssignment.query(on: db).filter(\.$user.$id == userID).delete()
                for organizationID in assignments {
                    try await TechnicianAssignment(userID: userID, organizationID: organizationID).create(on: db)
                }
            }
            if deactivated {
                // History stays; access ends now.
                try await WebSession.query(on: db).filter(\.$user.$id == userID).delete()
            }
            try await AuditLog.append(on: db, actor: actor, organizationID: user.$organization.id,
                                      action: deactivated ? "user.deactivate" : "user.update",
                                      entityType: "user", entityID: userID.uuidString.lowercased(), changes: audit)
        }
        return user
    }

    private func checkPassword(_ password: String, email: String, field: String) throws {
        if let problem = PasswordPolicy().problem(with: password, email: email) {
            throw KeelError.validation(field, problem.rawValue, values: ["min": "12", "max": "128"])
        }
    }

    private func applyIdentity(_ input: UserInput, to user: User, changes: inout ChangeSet, creating: Bool) async throws {
        if creating || input.email != nil {
            let email = (input.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard FieldRules.isEmail(email) else { throw KeelError.validation("email", "email_invalid") }
            if email != (creating ? nil : user.email),
               try await User.query(on: request.db).filter(\.$email == email).first() != nil {
                throw KeelError(.conflict, "email_taken", field: "email")
            }
            changes.record("email", before: creating ? nil : user.email, after: email)
            user.email = email
        }
        if creating || input.name != nil {
            guard let name = FieldRules.cleanText(input.name ?? "", maximum: 200) else { throw KeelError.validation("name", "name_invalid") }
            changes.record("name", before: creating ? nil : user.name, after: name)
            user.name = name
        }
        if creating || input.role != nil || input.organizationId != nil {
            let role = try input.role.map { raw -> Role in
                guard let role = Role(rawValue: raw) else { throw KeelError.validation("role", "role_invalid") }
                return role
            } ?? (creating ? Role.clientUser : user.roleValue)
            guard context.role.assignableRoles.contains(role) else { throw KeelError.validation("role", "role_not_allowed") }
            var organizationID: UUID? = creating ? nil : user.$organization.id
            if let raw = input.organizationId {
                organizationID = raw.isEmpty ? nil : try await request.tenant.organization(UUID(uuidString: raw)).id
            }
            if context.role == .clientAdmin { organizationID = context.user.organizationID }
            if role.isClient && organizationID == nil { throw KeelError.validation("organizationId", "organization_required") }
            if role.isProviderStaff { organizationID = nil }
            changes.record("role", before: creating ? nil : user.role, after: role.rawValue)
            changes.record("organizationId", before: creating ? nil : user.$organization.id?.uuidString.lowercased(),
                           after: organizationID?.uuidString.lowercased())
            user.role = role.rawValue
            user.$organization.id = organizationID
        }
        if let raw = input.language {
            let language: String? = raw.isEmpty ? nil : raw
            if let language, Language(rawValue: language) == nil { throw KeelError.validation("language", "language_invalid") }
            changes.record("language", before: user.language, after: language)
            user.language = language
        }
        if let raw = input.timezone {
            let zone: String? = raw.isEmpty ? nil : raw
            if let zone, !FieldRules.isTimeZone(zone) { throw KeelError.validation("timezone", "timezone_invalid") }
            changes.record("timezone", before: user.timezone, after: zone)
            user.timezone = zone
        }
    }

    /// The organisations a technician is limited to, when the input names them.
    private func technicianAssignments(_ input: UserInput, for user: User, changes: inout ChangeSet) async throws -> [UUID]? {
        guard let raw = input.technicianOrganizationIds else { return nil }
        guard context.isProviderAdmin else { throw KeelError.validation("technicianOrganizationIds", "role_not_allowed") }
        guard user.roleValue == .technician || raw.isEmpty else {
            throw KeelError.validation("technicianOrganizationIds", "technician_only")
        }
        var ids: [UUID] = []
        for value in Set(raw) {
            ids.append(try await request.tenant.organization(UUID(uuidString: value)).requireID())
        }
        changes.record("technicianOrganizationIds", before: nil, after: ids.map { $0.uuidString.lowercased() }.sorted().joined(separator: ","))
        return ids
    }

    static func assignments(of userIDs: [UUID], on db: any Database) async throws -> [UUID: [UUID]] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await TechnicianAssignment.query(on: db).filter(\.$user.$id ~~ userIDs).all()
        return Dictionary(grouping: rows, by: { $0.$user.id }).mapValues { $0.map { $0.$organization.id } }
    }
}
