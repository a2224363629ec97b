import Fluent
import Vapor

enum UserAPI {
    static func register(_ api: API) {
        api.on(.GET, "users", "List the people the caller may see", tag: "users", response: "UserList") { req in
            let context = try req.requireContext()
            let query = try req.tenant.users()
            if context.role == .clientUser { query.filter(\.$id == context.user.id) }
            let (items, next) = try await ListQuery(req).page(query)
            let assignments = try await UserService.assignments(of: items.compactMap(\.id), on: req.db)
            return ListPage(items: items.map { UserOut($0, technicianOrganizationIds: assignments[$0.id!] ?? []) }, nextCursor: next)
        }
        api.on(.POST, "users", "Create a person", tag: "users", body: "UserInput", response: "User", status: 201) { req in
            let input = try req.content.decode(UserInput.self)
            return try await UserOut(UserService(req).create(input)).response(status: .created, for: req)
        }
        api.on(.GET, "users/{userID}", "Get a person", tag: "users", response: "User") { req in
            let user = try await visibleUser(req)
            let assignments = try await UserService.assignments(of: [user.id!], on: req.db)
            return UserOut(user, technicianOrganizationIds: assignments[user.id!] ?? [])
        }
        api.on(.PATCH, "users/{userID}", "Update or deactivate a person", tag: "users", body: "UserInput", response: "User") { req in
            let user = try await visibleUser(req)
            let input = try req.content.decode(UserInput.self)
            let updated = try await UserService(req).update(user.requireID(), input)
            let assignments = try await UserService.assignments(of: [updated.id!], on: req.db)
            return UserOut(updated, technicianOrganizationIds: assignments[updated.id!] ?? [])
        }
        api.on(.GET, "me", "The caller", tag: "account", response: "Me") { req in
            let context = try req.requireContext()
            return MeOut(id: context.user.id, email: context.user.email, name: context.user.name, role: context.role.rawValue,
                         organizationId: context.user.organizationID, language: req.language.rawValue,
                         timezone: context.timeZone.identifier, via: context.actor.via)
        }
        api.on(.PATCH, "me", "Change own name, language or timezone", tag: "account", body: "MeInput", response: "User") { req in
            _ = try req.requireContext()
            let input = try req.content.decode(MeInput.self)
            return UserOut(try await AccountService(req).updateProfile(name: input.name, language: input.language, timezone: input.timezone))
        }
        api.on(.POST, "me/password", "Change own password", tag: "account", body: "PasswordChange", status: 204) { req in
            _ = try req.requireContext()
            let input = try req.content.decode(PasswordChange.self)
            try await AccountService(req).changePassword(current: input.currentPassword, new: input.newPassword)
            return HTTPStatus.noContent
        }
    }

    /// A client user sees only themselves; everyone else sees people in their scope.
    private static func visibleUser(_ req: Request) async throws -> User {
        let context = try req.requireContext()
        let id = try req.idParameter("userID")
        if context.role == .clientUser && id != context.user.id { throw KeelError.notFound }
        return try await req.tenant.user(id)
    }
}

private struct MeInput: Content { var name: String?; var language: String?; var timezone: String? }
