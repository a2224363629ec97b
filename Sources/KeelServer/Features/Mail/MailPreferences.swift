import Fluent
import Foundation
import KeelDomain
import Vapor

struct MailPreferenceOut: Content {
    let email: Bool
    let digest: Bool
    let muted: [String]
}

struct MailPreferenceInput: Content {
    var email: Bool?
    var digest: Bool?
    var muted: [String]?
}

/// Who gets which notification by mail: a person may turn mail off, mute kinds, or ask for
/// the daily digest (staff); an organisation may turn mail off for all its people.
struct MailPreferences {
    static let kinds = ["created", "reply", "customer_reply", "assigned", "resolved", "waiting", "sla_warning", "sla_breach"]

    let people: [UUID: MailPreference]
    let organizations: [UUID: MailPreference]

    static func load(users: [User], on db: any Database) async throws -> MailPreferences {
        let ids = users.compactMap(\.id)
        let organizationIDs = Array(Set(users.compactMap { $0.$organization.id }))
        let rows = try await MailPreference.query(on: db).group(.or) { group in
            group.group(.and) { $0.filter(\.$ownerType == "user").filter(\.$ownerID ~~ ids) }
            if !organizationIDs.isEmpty {
                group.group(.and) { $0.filter(\.$ownerType == "organization").filter(\.$ownerID ~~ organizationIDs) }
            }
        }.all()
        return MailPreferences(
            people: Dictionary(rows.filter { $0.ownerType == "user" }.map { ($0.ownerID, $0) }, uniquingKeysWith: { first, _ in first }),
            organizations: Dictionary(rows.filter { $0.ownerType == "organization" }.map { ($0.ownerID, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    func wantsMail(_ person: User, kind: String) -> Bool {
        if let organizationID = person.$organization.id, let organization = organizations[organizationID], !organization.email { return false }
        guard let id = person.id, let own = people[id] else { return true }
        return own.email && !own.muted.split(separator: ",").contains(Substring(kind))
    }

    static func language(of person: User, on db: any Database) async throws -> Language {
        try await reader(for: [person], on: db).language(of: person)
    }

    static func timeZone(of person: User, on db: any Database) async throws -> TimeZone {
        try await reader(for: [person], on: db).timeZone(of: person)
    }

    /// People's language and timezone, their own or else their organisation's: the
    /// organisations of all of them read in one query.
    struct Locales {
        let organizations: [UUID: Organization]

        func language(of person: User) -> Language {
            person.language.flatMap(Language.init(rawValue:)) ?? person.$organization.id.flatMap { organizations[$0]?.language } ?? .en
        }

        func timeZone(of person: User) -> TimeZone {
            person.timezone.flatMap(TimeZone.init(identifier:))
                ?? person.$organization.id.flatMap { organizations[$0].flatMap { TimeZone(identifier: $0.timezone) } } ?? .gmt
        }
    }

    static func reader(for people: [User], on db: any Database) async throws -> Locales {
        let ids = Array(Set(people.filter { $0.language == nil || $0.timezone == nil }.compactMap { $0.$organization.id }))
        guard !ids.isEmpty else { return Locales(organizations: [:]) }
        let found = try await Organization.query(on: db).filter(\.$id ~~ ids).all()
        return Locales(organizations: Dictionary(found.compactMap { org in org.id.map { ($0, org) } }, uniquingKeysWith: { first, _ in first }))
    }

    // MARK: - API

    private static func record(_ type: String, _ id: UUID, on db: any Database) async throws -> MailPreference {
        if let row = try await MailPreference.query(on: db).filter(\.$ownerType == type).filter(\.$ownerID == id).first() { return row }
        let row = MailPreference()
        row.ownerType = type
        row.ownerID = id
        row.email = true
        row.digest = false
        row.muted = ""
        return row
    }

    private static func out(_ row: MailPreference) -> MailPreferenceOut {
        MailPreferenceOut(email: row.email, digest: row.digest, muted: row.muted.split(separator: ",").map(String.init))
    }

    private static func update(_ type: String, _ id: UUID, organizationID: UUID?, req: Request) async throws -> MailPreferenceOut {
        let context = try req.requireContext()
        let input = try req.content.decode(MailPreferenceInput.self)
        let row = try await record(type, id, on: req.db)
        let before = "\(row.email)/\(row.digest)/\(row.muted)"
        if let email = input.email { row.email = email }
        if let digest = input.digest {
            guard type == "user" else { throw KeelError.validation("digest", "role_not_allowed") }
            row.digest = digest
        }
        if let muted = input.muted {
            guard muted.allSatisfy(kinds.contains) else { throw KeelError.validation("muted", "notification_kind_invalid") }
            row.muted = Array(Set(muted)).sorted().joined(separator: ",")
        }
        let after = "\(row.email)/\(row.digest)/\(row.muted)"
        guard after != before else { return out(row) }
        let changes = ChangeSet.single("mailPreferences", before: before, after: after)
        try await req.application.write { db in
            try await row.save(on: db)
            try await AuditLog.append(on: db, actor: context.actor, organizationID: organizationID, action: "mail_preferences.update",
                                      entityType: type, entityID: id.uuidString.lowercased(), changes: changes)
        }
        return out(row)
    }

    static func register(_ api: API) {
        api.on(.GET, "me/mail-preferences", "Which notifications reach the caller by mail", tag: "mail",
               response: "MailPreference") { req in
            let person = try req.requireContext().requirePerson()
            return out(try await record("user", person, on: req.db))
        }
        api.on(.PATCH, "me/mail-preferences", "Turn mail off, mute kinds, or ask for the daily digest", tag: "mail",
               body: "MailPreferenceInput", response: "MailPreference") { req in
            let context = try req.requireContext()
            let person = try context.requirePerson()
            return try await update("user", person, organizationID: context.user.organizationID, req: req)
        }
        api.on(.GET, "organizations/{organizationID}/mail-preferences", "Whether the organisation's people get mail", tag: "mail",
               response: "MailPreference") { req in
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            return out(try await record("organization", try organization.requireID(), on: req.db))
        }
        api.on(.PATCH, "organizations/{organizationID}/mail-preferences", "Turn mail on or off for the organisation's people",
               tag: "mail", body: "MailPreferenceInput", response: "MailPreference") { req in
            let context = try req.requireContext()
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            guard context.isProviderAdmin || context.role == .clientAdmin else { throw KeelError.forbidden }
            let id = try organization.requireID()
            return try await update("organization", id, organizationID: id, req: req)
        }
    }
}
