import Fluent
import KeelDomain
import Vapor

/// Organisation pages: list, create, view with sites, edit.
enum OrganizationController {
    struct Row: Encodable { let id: String; let name: String; let language: String; let timezone: String; let domains: String; let people: Int }
    struct ListData: Encodable { let rows: [Row]; let canCreate: Bool }
    struct FormData: Encodable {
        let action: String; let name: String; let timezone: String; let domains: String; let headcount: String
        let languages: [SelectOption]; let field: String?; let isNew: Bool
    }
    struct SiteRow: Encodable { let id: String; let name: String; let address: String; let timezone: String }
    struct SiteFormData: Encodable { let organizationID: String; let id: String; let name: String; let address: String; let timezone: String; let field: String? }
    struct ShowData: Encodable {
        let id: String; let name: String; let language: String; let timezone: String; let domains: String
        let headcount: String; let created: String; let sites: [SiteRow]; let canEdit: Bool; let people: Int
        /// The agent command with the enrolment key, for those who may see the key.
        let agentCommand: String?; let canIssueKey: Bool; let agentPassword: Bool
    }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("organizations") { req async throws -> Response in
            let context = try req.requireWebContext()
            let organizations = try await req.tenant.organizations().sort(\.$name).all()
            let counts = try await peopleCounts(req, organizations.compactMap(\.id))
            let rows = organizations.map {
                Row(id: $0.id!.uuidString, name: $0.name, language: req.t("language.\($0.defaultLanguage)"),
                    timezone: $0.timezone, domains: $0.domains.joined(separator: ", "), people: counts[$0.id!] ?? 0)
            }
            return try await req.renderPage("organizations/index", data: ListData(rows: rows, canCreate: context.isProviderAdmin))
        }
        routes.get("organizations", "new") { req async throws -> Response in
            _ = try req.requireWebContext()
            return try await form(req, OrganizationInput(), action: "/organizations", isNew: true)
        }
        routes.post("organizations") { req async throws -> Response in
            _ = try req.requireWebContext()
            let input = try formInput(req)
            do {
                let organization = try await OrganizationService(req).create(input)
                return req.redirect(to: "/organizations/\(organization.id!.uuidString)?notice=created", redirectType: .normal)
            } catch {
                let (message, field) = req.message(for: error)
                return try await form(req, input, action: "/organizations", isNew: true, error: message, field: field)
            }
        }
        routes.get("organizations", ":organizationID") { req async throws -> Response in
            let context = try req.requireWebContext()
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            let sites = try await req.tenant.sites(of: organization.id!).sort(\.$name).all()
            let people = try await peopleCounts(req, [organization.id!])[organization.id!] ?? 0
            let options = InventoryAuth.mayManage(context)
                ? try await InventoryAuth.agentOptions(for: organization.requireID(), box: req.application.secretBox, on: req.db) : ""
            let data = ShowData(id: organization.id!.uuidString, name: organization.name,
                                language: req.t("language.\(organization.defaultLanguage)"), timezone: organization.timezone,
                                domains: organization.domains.joined(separator: ", "),
                                headcount: organization.headcount.map(String.init) ?? "", created: req.display(organization.createdAt),
                                sites: sites.map { SiteRow(id: $0.id!.uuidString, name: $0.name, address: $0.address, timezone: $0.timezone) },
                                canEdit: context.isProviderAdmin, people: people,
                                agentCommand: try await EnrolmentKeys.shown(for: organization.requireID(), context: context,
                                                                            box: req.application.secretBox, on: req.db).map {
                                    "fusioninventory-agent --server \(req.application.keel.publicBaseURL)/inventory/\($0) --tasks=inventory" + options
                                },
                                canIssueKey: context.isProviderAdmin || (context.role == .clientAdmin && !context.isIntegration),
                                agentPassword: !options.isEmpty)
            return try await req.renderPage("organizations/show", data: data)
        }
        routes.post("organizations", ":organizationID", "inventory-key") { req async throws -> Response in
            let context = try req.requireWebContext()
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            guard context.isProviderAdmin || context.role == .clientAdmin else { throw KeelError.forbidden }
            let organizationID = try organization.requireID()
            _ = try await EnrolmentKeys.reissue(for: organizationID, actor: context.actor, app: req.application)
            return req.redirect(to: "/organizations/\(organizationID.uuidString)?notice=saved#inventory", redirectType: .normal)
        }
        routes.post("organizations", ":organizationID", "inventory-auth") { req async throws -> Response in
            let context = try req.requireWebContext()
            struct Form: Content { var require: String? }
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            guard InventoryAuth.mayManage(context) else { throw KeelError.forbidden }
            let organizationID = try organization.requireID()
            if try req.content.decode(Form.self).require == "1" {
                _ = try await InventoryAuth.enable(for: organizationID, actor: context.actor, app: req.application)
            } else {
                try await InventoryAuth.disable(for: organizationID, actor: context.actor, app: req.application)
            }
            return req.redirect(to: "/organizations/\(organizationID.uuidString)?notice=saved#inventory", redirectType: .normal)
        }
        routes.get("organizations", ":organizationID", "edit") { req async throws -> Response in
            _ = try req.requireWebContext()
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            let input = OrganizationInput(name: organization.name, defaultLanguage: organization.defaultLanguage,
                                          timezone: organization.timezone, emailDomains: organization.domains,
                                          headcount: organization.headcount)
            return try await form(req, input, action: "/organizations/\(organization.id!.uuidString)", isNew: false)
        }
        routes.post("organizations", ":organizationID") { req async throws -> Response in
            _ = try req.requireWebContext()
            let id = try req.idParameter("organizationID")
            _ = try await req.tenant.organization(id)
            let input = try formInput(req)
            do {
                _ = try await OrganizationService(req).update(id, input)
                return req.redirect(to: "/organizations/\(id.uuidString)?notice=saved", redirectType: .normal)
            } catch {
                let (message, field) = req.message(for: error)
                return try await form(req, input, action: "/organizations/\(id.uuidString)", isNew: false, error: message, field: field)
            }
        }
        routes.post("organizations", ":organizationID", "sites") { req async throws -> Response in
            _ = try req.requireWebContext()
            let id = try req.idParameter("organizationID")
            _ = try await req.tenant.organization(id)
            let input = try req.content.decode(SiteForm.self)
            let zone = (input.timezone ?? "").isEmpty ? nil : input.timezone
            _ = try await OrganizationService(req).createSite(in: id, SiteInput(name: input.name ?? "", address: input.address, timezone: zone))
            return req.redirect(to: "/organizations/\(id.uuidString)?notice=created", redirectType: .normal)
        }
    }

    /// Editing a site: its own page, as every form works without JavaScript.
    static func registerSites(_ routes: any RoutesBuilder) {
        routes.get("organizations", ":organizationID", "sites", ":siteID", "edit") { req async throws -> Response in
            _ = try req.requireWebContext()
            let id = try req.idParameter("organizationID")
            let site = try await req.tenant.site(try req.idParameter("siteID"), in: id)
            return try await siteForm(req, SiteFormData(organizationID: id.uuidString, id: site.id!.uuidString, name: site.name,
                                                         address: site.address, timezone: site.timezone, field: nil))
        }
        routes.post("organizations", ":organizationID", "sites", ":siteID") { req async throws -> Response in
            _ = try req.requireWebContext()
            let id = try req.idParameter("organizationID"), siteID = try req.idParameter("siteID")
            _ = try await req.tenant.site(siteID, in: id)
            let input = try req.content.decode(SiteForm.self)
            do {
                _ = try await OrganizationService(req).updateSite(siteID, in: id, SiteInput(name: input.name ?? "", address: input.address ?? "",
                                                                                         timezone: input.timezone ?? ""))
                return req.redirect(to: "/organizations/\(id.uuidString)?notice=saved", redirectType: .normal)
            } catch {
                let (message, field) = req.message(for: error)
                return try await siteForm(req, SiteFormData(organizationID: id.uuidString, id: siteID.uuidString, name: input.name ?? "",
                                                             address: input.address ?? "", timezone: input.timezone ?? "", field: field),
                                          error: message)
            }
        }
    }

    private static func siteForm(_ req: Request, _ data: SiteFormData, error: String? = nil) async throws -> Response {
        try await req.renderPage("organizations/site", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }

    private static func formInput(_ req: Request) throws -> OrganizationInput {
        let form = try req.content.decode(OrganizationForm.self)
        var input = OrganizationInput(name: form.name ?? "", defaultLanguage: form.defaultLanguage ?? "", timezone: form.timezone ?? "")
        input.emailDomains = (form.emailDomains ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        if let raw = form.headcount?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard let value = Int(raw) else { throw KeelError.validation("headcount", "headcount_invalid") }
            input.headcount = value
        }
        return input
    }

    private static func form(_ req: Request, _ input: OrganizationInput, action: String, isNew: Bool,
                             error: String? = nil, field: String? = nil) async throws -> Response {
        let data = FormData(action: action, name: input.name ?? "", timezone: input.timezone ?? "Europe/London",
                            domains: (input.emailDomains ?? []).joined(separator: ", "),
                            headcount: input.headcount.map(String.init) ?? "",
                            languages: req.languageOptions(selected: input.defaultLanguage ?? "en"), field: field, isNew: isNew)
        return try await req.renderPage("organizations/form", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }

    /// People per organisation in one grouped query, not one query per row.
    private static func peopleCounts(_ req: Request, _ ids: [UUID]) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        let users = try await req.tenant.users().filter(\.$organization.$id ~~ ids).field(\.$organization.$id).all()
        return users.reduce(into: [:]) { counts, user in
            if let id = user.$organization.id { counts[id, default: 0] += 1 }
        }
    }
}

private struct SiteForm: Content { var name: String?; var address: String?; var timezone: String? }
private struct OrganizationForm: Content { var name: String?; var defaultLanguage: String?; var timezone: String?; var emailDomains: String?; var headcount: String? }
