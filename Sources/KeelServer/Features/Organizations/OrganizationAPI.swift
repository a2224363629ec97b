import Fluent
import Vapor

enum OrganizationAPI {
    static func register(_ api: API) {
        api.on(.GET, "organizations", "List the organisations the caller may see", tag: "organizations", response: "OrganizationList") { req in
            let (items, next) = try await ListQuery(req).page(try req.tenant.organizations())
            return ListPage(items: items.map(OrganizationOut.init), nextCursor: next)
        }
        api.on(.POST, "organizations", "Create a client organisation", tag: "organizations", body: "OrganizationInput",
               response: "Organization", status: 201) { req in
            let input = try req.content.decode(OrganizationInput.self)
            let organization = try await OrganizationService(req).create(input)
            var out = OrganizationOut(organization)
            out.inventoryEnrolmentKey = try await EnrolmentKeys.shown(for: organization.requireID(), context: req.context,
                                                                      box: req.application.secretBox, on: req.db)
            return try await out.response(status: .created, for: req)
        }
        api.on(.GET, "organizations/{organizationID}", "Get an organisation", tag: "organizations", response: "Organization") { req in
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            var out = OrganizationOut(organization)
            out.inventoryEnrolmentKey = try await EnrolmentKeys.shown(for: organization.requireID(), context: req.context,
                                                                      box: req.application.secretBox, on: req.db)
            return out
        }
        api.on(.PATCH, "organizations/{organizationID}", "Update an organisation", tag: "organizations", body: "OrganizationInput",
               response: "Organization") { req in
            let id = try req.idParameter("organizationID")
            _ = try await req.tenant.organization(id)
            let input = try req.content.decode(OrganizationInput.self)
            return OrganizationOut(try await OrganizationService(req).update(id, input))
        }
        api.on(.GET, "organizations/{organizationID}/sites", "List an organisation's sites", tag: "organizations", response: "SiteList") { req in
            let (items, next) = try await ListQuery(req).page(try await req.tenant.sites(of: try req.idParameter("organizationID")))
            return ListPage(items: items.map(SiteOut.init), nextCursor: next)
        }
        api.on(.POST, "organizations/{organizationID}/sites", "Add a site", tag: "organizations", body: "SiteInput",
               response: "Site", status: 201) { req in
            let id = try req.idParameter("organizationID")
            _ = try await req.tenant.organization(id)
            let input = try req.content.decode(SiteInput.self)
            return try await SiteOut(OrganizationService(req).createSite(in: id, input)).response(status: .created, for: req)
        }
        api.on(.GET, "organizations/{organizationID}/sites/{siteID}", "Get a site", tag: "organizations", response: "Site") { req in
            SiteOut(try await req.tenant.site(try req.idParameter("siteID"), in: try req.idParameter("organizationID")))
        }
        api.on(.PATCH, "organizations/{organizationID}/sites/{siteID}", "Update a site", tag: "organizations", body: "SiteInput",
               response: "Site") { req in
            let id = try req.idParameter("organizationID"), siteID = try req.idParameter("siteID")
            _ = try await req.tenant.site(siteID, in: id)
            let input = try req.content.decode(SiteInput.self)
            return SiteOut(try await OrganizationService(req).updateSite(siteID, in: id, input))
        }
    }
}
