import Fluent
import KeelDomain
import Vapor

/// Home, own account (profile, password), API tokens and the audit page.
enum AccountController {
    struct HomeData: Encodable { let organizations: Int; let people: Int; let organizationName: String }
    struct AccountData: Encodable { let name: String; let email: String; let timezone: String; let languages: [SelectOption]; let field: String? }
    struct TokenRow: Encodable { let id: String; let name: String; let kind: String; let prefix: String; let created: String; let expires: String; let lastUsed: String; let revoked: Bool }
    struct TokensData: Encodable { let rows: [TokenRow]; let secret: String?; let organizations: [SelectOption]; let canIntegrate: Bool }
    struct AuditRow: Encodable { let seq: Int; let at: String; let actor: String; let via: String; let action: String; let entity: String; let changes: String; let address: String }
    struct AuditData: Encodable { let rows: [AuditRow]; let next: String? }

    static func register(_ routes: any RoutesBuilder) {
        routes.get { req async throws -> Response in
            guard let context = req.context else { return req.redirect(to: "/login") }
            let organizations = try await req.tenant.organizations().count()
            let people = try await req.tenant.users().count()
            var name = ""
            if let id = context.user.organizationID { name = try await Organization.find(id, on: req.db)?.name ?? "" }
            return try await req.renderPage("home", data: HomeData(organizations: organizations, people: people, organizationName: name))
        }
        routes.get("account") { req async throws -> Response in try await accountPage(req) }
        routes.post("account", "profile") { req async throws -> Response in
            _ = try req.requireWebContext()
            let input = try req.content.decode(ProfileInput.self)
            do {
                _ = try await AccountService(req).updateProfile(name: input.name, language: input.language, timezone: input.timezone)
                return req.redirect(to: "/account?notice=saved", redirectType: .normal)
            } catch {
                let (message, field) = req.message(for: error)
                return try await accountPage(req, error: message, field: field)
            }
        }
        routes.post("account", "password") { req async throws -> Response in
            _ = try req.requireWebContext()
            let input = try req.content.decode(PasswordInput.self)
            do {
                try await AccountService(req).changePassword(current: input.currentPassword ?? "", new: input.newPassword ?? "")
                return req.redirect(to: "/account?notice=password_changed", redirectType: .normal)
            } catch {
                let (message, field) = req.message(for: error)
                return try await accountPage(req, error: message, field: field)
            }
        }
        routes.get("tokens") { req async throws -> Response in try await tokensPage(req, secret: nil) }
        routes.post("tokens") { req async throws -> Response in
            _ = try req.requireWebContext()
            let input = try req.content.decode(TokenFormInput.self)
            do {
                let (_, secret) = try await TokenService(req).create(TokenInput(name: input.name ?? "", expiresAt: nil, organizationId: input.organizationId))
                return try await tokensPage(req, secret: secret)
            } catch {
                let (message, _) = req.message(for: error)
                return try await tokensPage(req, secret: nil, error: message)
            }
        }
        routes.post("tokens", ":tokenID", "revoke") { req async throws -> Response in
            _ = try req.requireWebContext()
            _ = try await TokenService(req).revoke(try req.idParameter("tokenID"))
            return req.redirect(to: "/tokens?notice=revoked", redirectType: .normal)
        }
        routes.get("audit") { req async throws -> Response in
            _ = try req.requireWebContext()
            let (events, next) = try await AuditQuery.page(req)
            let rows = events.map { event in
                AuditRow(seq: event.id ?? 0, at: req.display(event.at), actor: event.actorLabel, via: req.t("audit.via.\(event.via)"),
                         action: event.action, entity: event.entityType, changes: summary(AuditEventOut(event).changes),
                         address: event.address ?? "")
            }
            return try await req.renderPage("audit", data: AuditData(rows: rows, next: next))
        }
    }

    private static func summary(_ changes: [String: AuditEventOut.ChangeOut]) -> String {
        changes.keys.sorted().map { key in
            let change = changes[key]!
            return "\(key): \(change.before ?? "∅") → \(change.after ?? "∅")"
        }.joined(separator: "; ")
    }

    private static func accountPage(_ req: Request, error: String? = nil, field: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        guard let user = try await User.find(context.user.id, on: req.db) else { throw KeelError.notFound }
        var languages = [SelectOption(value: "", label: req.t("users.language_auto"), selected: user.language == nil)]
        languages += req.languageOptions(selected: user.language)
        let data = AccountData(name: user.name, email: user.email, timezone: user.timezone ?? "", languages: languages, field: field)
        return try await req.renderPage("account", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }

    private static func tokensPage(_ req: Request, secret: String?, error: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        let tokens = try await TokenService(req).visible().filter(\.$kind != "session").sort(\.$createdAt, .descending).all()
        let rows = tokens.map {
            TokenRow(id: $0.id!.uuidString, name: $0.name, kind: req.t("tokens.kind.\($0.kind)"), prefix: $0.prefix,
                     created: req.display($0.createdAt), expires: req.display($0.expiresAt), lastUsed: req.display($0.lastUsedAt),
                     revoked: $0.revokedAt != nil)
        }
        var organizations = [SelectOption(value: "", label: req.t("tokens.personal"), selected: true)]
        if context.managesPeople {
            organizations += try await req.tenant.organizations().sort(\.$name).all().map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: false) }
        }
        return try await req.renderPage("tokens", data: TokensData(rows: rows, secret: secret, organizations: organizations,
                                                                   canIntegrate: context.managesPeople), error: error)
    }
}

private struct ProfileInput: Content { var name: String?; var language: String?; var timezone: String? }
private struct PasswordInput: Content { var currentPassword: String?; var newPassword: String? }
private struct TokenFormInput: Content { var name: String?; var organizationId: String? }
