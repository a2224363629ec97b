import Fluent
import KeelDomain
import Vapor

/// People pages: list, create, view and edit (role, language, active, password reset).
enum UserController {
    struct Row: Encodable { let id: String; let name: String; let email: String; let role: String; let organization: String; let active: Bool }
    struct ListData: Encodable { let rows: [Row]; let canCreate: Bool }
    struct FormData: Encodable {
        let action: String; let isNew: Bool; let name: String; let email: String
        let roles: [SelectOption]; let organizations: [SelectOption]; let languages: [SelectOption]; let active: Bool; let field: String?
        let showTechnicianScope: Bool; let technicianOrganizations: [SelectOption]
    }
    struct ShowData: Encodable {
        let id: String; let name: String; let email: String; let role: String; let organization: String
        let language: String; let timezone: String; let active: Bool; let created: String; let canEdit: Bool
    }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("users") { req async throws -> Response in
            let context = try req.requireWebContext()
            let query = try req.tenant.users().sort(\.$name)
            if context.role == .clientUser { query.filter(\.$id == context.user.id) }
            let users = try await query.all()
            let names = try await organizationNames(req)
            let rows = users.map {
                Row(id: $0.id!.uuidString, name: $0.name, email: $0.email, role: req.t("role.\($0.role)"),
                    organization: $0.$organization.id.flatMap { names[$0] } ?? req.t("users.provider_staff"), active: $0.active)
            }
            return try await req.renderPage("users/index", data: ListData(rows: rows, canCreate: context.managesPeople))
        }
        routes.get("users", "new") { req async throws -> Response in
            _ = try req.requireWebContext()
            return try await form(req, UserInput(role: "client_user"), action: "/users", isNew: true)
        }
        routes.post("users") { req async throws -> Response in
            _ = try req.requireWebContext()
            let input = try formInput(req)
            do {
                let user = try await UserService(req).create(input)
                return req.redirect(to: "/users/\(user.id!.uuidString)?notice=created", redirectType: .normal)
            } catch {
                let (message, field) = req.message(for: error)
                return try await form(req, input, action: "/users", isNew: true, error: message, field: field)
            }
        }
        routes.get("users", ":userID") { req async throws -> Response in
            let context = try req.requireWebContext()
            let user = try await visible(req)
            let names = try await organizationNames(req)
            let data = ShowData(id: user.id!.uuidString, name: user.name, email: user.email, role: req.t("role.\(user.role)"),
                                organization: user.$organization.id.flatMap { names[$0] } ?? req.t("users.provider_staff"),
                                language: user.language.map { req.t("language.\($0)") } ?? req.t("users.language_auto"),
                                timezone: user.timezone ?? "", active: user.active, created: req.display(user.createdAt),
                                canEdit: context.managesPeople && (context.isProviderAdmin || user.roleValue.isClient))
            return try await req.renderPage("users/show", data: data)
        }
        routes.get("users", ":userID", "edit") { req async throws -> Response in
            _ = try req.requireWebContext()
            let user = try await visible(req)
            let assigned = try await UserService.assignments(of: [user.requireID()], on: req.db)[user.requireID()] ?? []
            let input = UserInput(email: user.email, name: user.name, role: user.role,
                                  organizationId: user.$organization.id?.uuidString ?? "", language: user.language ?? "",
                                  active: user.active, technicianOrganizationIds: assigned.map(\.uuidString))
            return try await form(req, input, action: "/users/\(user.id!.uuidString)", isNew: false)
        }
        routes.post("users", ":userID") { req async throws -> Response in
            _ = try req.requireWebContext()
            let user = try await visible(req)
            var input = try formInput(req)
            if input.password?.isEmpty ?? true { input.password = nil }
            input.active = (try? req.content.get(String.self, at: "active")) == "on"
            do {
                _ = try await UserService(req).update(user.requireID(), input)
                return req.redirect(to: "/users/\(user.id!.uuidString)?notice=saved", redirectType: .normal)
            } catch {
                let (message, field) = req.message(for: error)
                return try await form(req, input, action: "/users/\(user.id!.uuidString)", isNew: false, error: message, field: field)
            }
        }
    }

    private static func visible(_ req: Request) async throws -> User {
        let context = try req.requireWebContext()
        let id = try req.idParameter("userID")
        if context.role == .clientUser && id != context.user.id { throw KeelError.notFound }
        return try await req.tenant.user(id)
    }

    private static func formInput(_ req: Request) throws -> UserInput {
        struct Form: Content {
            var name: String?; var email: String?; var role: String?; var organizationId: String?
            var language: String?; var password: String?
            var technicianScope: String?; var technicianOrganizationIds: [String]?
        }
        let form = try req.content.decode(Form.self)
        var input = UserInput(email: form.email ?? "", name: form.name ?? "", role: form.role ?? "",
                              organizationId: form.organizationId ?? "", password: form.password, language: form.language ?? "")
        // The scope checkboxes are only on the form when the marker is; none ticked means "all".
        if form.technicianScope == "1" {
            input.technicianOrganizationIds = form.role == Role.technician.rawValue ? (form.technicianOrganizationIds ?? []) : []
        }
        return input
    }

    private static func form(_ req: Request, _ input: UserInput, action: String, isNew: Bool,
                             error: String? = nil, field: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        let organizations = try await req.tenant.organizations().sort(\.$name).all()
        var organizationOptions: [SelectOption] = []
        if context.isProviderAdmin {
            organizationOptions.append(SelectOption(value: "", label: req.t("users.provider_staff"), selected: (input.organizationId ?? "").isEmpty))
        }
        organizationOptions += organizations.map {
            SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString.lowercased() == input.organizationId?.lowercased())
        }
        let roles = context.role.assignableRoles.map {
            SelectOption(value: $0.rawValue, label: req.t("role.\($0.rawValue)"), selected: $0.rawValue == input.role)
        }
        var languages = [SelectOption(value: "", label: req.t("users.language_auto"), selected: (input.language ?? "").isEmpty)]
        languages += req.languageOptions(selected: input.language)
        let assigned = Set((input.technicianOrganizationIds ?? []).map { $0.lowercased() })
        let scopeOptions = organizations.map {
            SelectOption(value: $0.id!.uuidString, label: $0.name, selected: assigned.contains($0.id!.uuidString.lowercased()))
        }
        let data = FormData(action: action, isNew: isNew, name: input.name ?? "", email: input.email ?? "", roles: roles,
                            organizations: organizationOptions, languages: languages, active: input.active ?? true, field: field,
                            showTechnicianScope: context.isProviderAdmin, technicianOrganizations: scopeOptions)
        return try await req.renderPage("users/form", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }

    private static func organizationNames(_ req: Request) async throws -> [UUID: String] {
        let organizations = try await req.tenant.organizations().all()
        return Dictionary(uniqueKeysWithValues: organizations.map { ($0.id!, $0.name) })
    }
}
