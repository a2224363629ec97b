import Fluent
import Foundation
import KeelDomain
import Vapor

/// A person's own settings: name, language, timezone and password.
struct AccountService {
    let request: Request
    let context: RequestContext

    init(_ request: Request) throws {
        self.request = request
        self.context = try request.requireContext()
    }

    private func me() async throws -> User {
        _ = try context.requirePerson()
        guard let user = try await User.find(context.user.id, on: request.db) else { throw KeelError.notFound }
        return user
    }

    func updateProfile(name: String?, language: String?, timezone: String?) async throws -> User {
        let user = try await me()
        var changes = ChangeSet()
        if let name {
            guard let clean = FieldRules.cleanText(name, maximum: 200) else { throw KeelError.validation("name", "name_invalid") }
            changes.record("name", before: user.name, after: clean)
            user.name = clean
        }
        if let language {
            let value: String? = language.isEmpty ? nil : language
            if let value, Language(rawValue: value) == nil { throw KeelError.validation("language", "language_invalid") }
            changes.record("language", before: user.language, after: value)
            user.language = value
        }
        if let timezone {
            let value: String? = timezone.isEmpty ? nil : timezone
            if let value, !FieldRules.isTimeZone(value) { throw KeelError.validation("timezone", "timezone_invalid") }
            changes.record("timezone", before: user.timezone, after: value)
            user.timezone = value
        }
        guard !changes.isEmpty else { return user }
        let actor = context.actor
        let audit = changes
        try await request.application.write { db in
            try await user.update(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: user.$organization.id, action: "user.profile",
                                      entityType: "user", entityID: user.id?.uuidString.lowercased(), changes: audit)
        }
        return user
    }

    /// Needs the current password; ends the person's other browser sessions.
    func changePassword(current: String, new: String) async throws {
        let user = try await me()
        let hasher = request.application.passwordHasher
        guard current.count <= 1024, try await hasher.verify(current, against: user.passwordHash) else {
            throw KeelError.validation("currentPassword", "current_password_wrong")
        }
        if let problem = PasswordPolicy().problem(with: new, email: user.email) {
            throw KeelError.validation("newPassword", problem.rawValue, values: ["min": "12", "max": "128"])
        }
        user.passwordHash = try await hasher.hash(new)
        let actor = context.actor
        let keepSession = context.sessionID
        var changes = ChangeSet()
        changes.record("password", before: "(set)", after: "(changed)")
        let audit = changes
        try await request.application.write { db in
            try await user.update(on: db)
            let others = try WebSession.query(on: db).filter(\.$user.$id == user.requireID())
            if let keepSession { others.filter(\.$id != keepSession) }
            try await others.delete()
            try await AuditLog.append(on: db, actor: actor, organizationID: user.$organization.id, action: "user.password",
                                      entityType: "user", entityID: user.id?.uuidString.lowercased(), changes: audit)
        }
    }
}
