import Fluent
import Foundation
import KeelDomain
import Vapor

/// Use cases for client organisations and their sites. Each is one write transaction
/// with its audit row.
struct OrganizationService {
    let request: Request
    let context: RequestContext

    init(_ request: Request) throws {
        self.request = request
        self.context = try request.requireContext()
    }

    private func requireProviderAdmin() throws {
        guard context.isProviderAdmin else { throw KeelError.forbidden }
    }

    func create(_ input: OrganizationInput) async throws -> Organization {
        try requireProviderAdmin()
        let organization = Organization()
        organization.active = true
        organization.emailDomains = ""
        var changes = ChangeSet()
        try await apply(input, to: organization, changes: &changes, creating: true)
        let actor = context.actor
        let audit = changes
        let box = try request.application.secretBox
        try await request.application.write { db in
            try await organization.create(on: db)
            // Every organisation starts with an inventory enrolment key for its agents.
            _ = try await EnrolmentKeys.issue(for: organization.requireID(), box: box, on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organization.id, action: "organization.create",
                                      entityType: "organization", entityID: organization.id?.uuidString.lowercased(), changes: audit)
        }
        return organization
    }

    func update(_ id: UUID, _ input: OrganizationInput) async throws -> Organization {
        let organization = try await request.tenant.organization(id)
        try requireProviderAdmin()
        var changes = ChangeSet()
        try await apply(input, to: organization, changes: &changes, creating: false)
        guard !changes.isEmpty else { return organization }
        let actor = context.actor
        let audit = changes
        try await request.application.write { db in
            try await organization.update(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organization.id, action: "organization.update",
                                      entityType: "organization", entityID: organization.id?.uuidString.lowercased(), changes: audit)
        }
        return organization
    }

    private func apply(_ input: OrganizationInput, to organization: Organization, changes: inout ChangeSet, creating: Bool) async throws {
        if creating || input.name != nil {
            guard let name = FieldRules.cleanText(input.name ?? "", maximum: 200) else { throw KeelError.validation("name", "name_invalid") }
            changes.record("name", before: creating ? nil : organization.name, after: name)
            organization.name = name
        }
        if creating || input.defaultLanguage != nil {
            guard let language = Language(rawValue: input.defaultLanguage ?? "") else {
                throw KeelError.validation("defaultLanguage", "language_invalid")
            }
            changes.record("defaultLanguage", before: creating ? nil : organization.defaultLanguage, after: language.rawValue)
            organization.defaultLanguage = language.rawValue
        }
        if creating || input.timezone != nil {
            let zone = input.timezone ?? ""
            guard FieldRules.isTimeZone(zone) else { throw KeelError.validation("timezone", "timezone_invalid") }
            changes.record("timezone", before: creating ? nil : organization.timezone, after: zone)
            organization.timezone = zone
        }
        if let domains = input.emailDomains {
            guard domains.count <= 50, let clean = FieldRules.domainList(domains.joined(separator: ",")) else {
                throw KeelError.validation("emailDomains", "domains_invalid")
            }
            for domain in clean {
                let others = try await Organization.query(on: request.db).filter(\.$emailDomains ~~ domain).all()
                if others.contains(where: { $0.id != organization.id && $0.domains.contains(domain) }) {
                    throw KeelError(.conflict, "domain_taken", field: "emailDomains", values: ["domain": domain])
                }
            }
            let joined = clean.joined(separator: ",")
            changes.record("emailDomains", before: creating ? nil : organization.emailDomains, after: joined)
            organization.emailDomains = joined
        }
        if let headcount = input.headcount {
            guard (0...1_000_000).contains(headcount) else { throw KeelError.validation("headcount", "headcount_invalid") }
            changes.record("headcount", before: organization.headcount.map(String.init), after: String(headcount))
            organization.headcount = headcount
        }
        if let active = input.active, !creating {
            changes.record("active", before: String(organization.active), after: String(active))
            organization.active = active
        }
    }

    func createSite(in organizationID: UUID, _ input: SiteInput) async throws -> Site {
        let organization = try await request.tenant.organization(organizationID)
        try requireProviderAdmin()
        let site = Site()
        site.$organization.id = organizationID
        site.timezone = organization.timezone
        site.address = ""
        var changes = ChangeSet()
        try apply(input, to: site, changes: &changes, creating: true)
        let actor = context.actor
        let audit = changes
        try await request.application.write { db in
            try await site.create(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "site.create",
                                      entityType: "site", entityID: site.id?.uuidString.lowercased(), changes: audit)
        }
        return site
    }

    func updateSite(_ siteID: UUID, in organizationID: UUID, _ input: SiteInput) async throws -> Site {
        let site = try await request.tenant.site(siteID, in: organizationID)
        try requireProviderAdmin()
        var changes = ChangeSet()
        try apply(input, to: site, changes: &changes, creating: false)
        guard !changes.isEmpty else { return site }
        let actor = context.actor
        let audit = changes
        try await request.application.write { db in
            try await site.update(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "site.update",
                                      entityType: "site", entityID: site.id?.uuidString.lowercased(), changes: audit)
        }
        return site
    }

    private func apply(_ input: SiteInput, to site: Site, changes: inout ChangeSet, creating: Bool) throws {
        if creating || input.name != nil {
            guard let name = FieldRules.cleanText(input.name ?? "", maximum: 200) else { throw KeelError.validation("name", "name_invalid") }
            changes.record("name", before: creating ? nil : site.name, after: name)
            site.name = name
        }
        if let address = input.address {
            let clean = address.trimmingCharacters(in: .whitespacesAndNewlines)
            guard clean.count <= 500 else { throw KeelError.validation("address", "text_too_long", values: ["max": "500"]) }
            changes.record("address", before: creating ? nil : site.address, after: clean)
            site.address = clean
        }
        if let zone = input.timezone {
            guard FieldRules.isTimeZone(zone) else { throw KeelError.validation("timezone", "timezone_invalid") }
            changes.record("timezone", before: creating ? nil : site.timezone, after: zone)
            site.timezone = zone
        } else if creating {
            changes.record("timezone", before: nil, after: site.timezone)
        }
    }
}
