import Fluent
import KeelDomain
import Vapor

/// Sign-in and sign-out pages, and the language switch in the header.
enum AuthController {
    struct LoginForm: Encodable { let email: String }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("login") { req async throws -> Response in
            if req.context != nil { return req.redirect(to: "/") }
            return try await loginPage(req, email: "", error: nil, status: .ok)
        }
        routes.post("login") { req async throws -> Response in
            let input = (try? req.content.decode(LoginInput.self)) ?? LoginInput()
            let cookie = req.cookies["keel_csrf"]?.string ?? ""
            guard !cookie.isEmpty, Secrets.constantTimeEquals(input._csrf ?? "", cookie) else {
                return try await loginPage(req, email: input.email ?? "", error: req.t("error.csrf_failed"), status: .forbidden)
            }
            do {
                let user = try await SignIn.authenticate(email: input.email ?? "", password: input.password ?? "", request: req)
                let session = try await SessionStore.start(for: user, request: req)
                let response = req.redirect(to: "/", redirectType: .normal)
                response.cookies[AuthMiddleware.sessionCookie] = SessionStore.cookie(session, request: req, maxAge: req.application.keel.sessionHours * 3600)
                return response
            } catch {
                let (message, _) = req.message(for: error)
                let status = KeelErrorMiddleware.classify(error).status
                return try await loginPage(req, email: input.email ?? "", error: message, status: status)
            }
        }
        routes.post("logout") { req async throws -> Response in
            try await SessionStore.end(req)
            let response = req.redirect(to: "/login?notice=signed_out", redirectType: .normal)
            response.cookies[AuthMiddleware.sessionCookie] = SessionStore.cookie("", request: req, maxAge: 0)
            return response
        }
        routes.post("account", "language") { req async throws -> Response in
            let input = try req.content.decode(LanguageInput.self)
            guard let language = Language(rawValue: input.language ?? "") else { throw KeelError.validation("language", "language_invalid") }
            let back = req.headers.first(name: .referer).flatMap { URL(string: $0)?.path }.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/"
            let response = req.redirect(to: back, redirectType: .normal)
            if req.context != nil {
                _ = try await AccountService(req).updateProfile(name: nil, language: language.rawValue, timezone: nil)
            } else {
                let cookie = req.cookies["keel_csrf"]?.string ?? ""
                guard !cookie.isEmpty, Secrets.constantTimeEquals(input._csrf ?? "", cookie) else { throw KeelError(.forbidden, "csrf_failed") }
            }
            response.cookies["keel_lang"] = HTTPCookies.Value(string: language.rawValue, maxAge: 365 * 86400, path: "/",
                                                              isSecure: req.application.keel.secureCookies, isHTTPOnly: true, sameSite: .lax)
            return response
        }
    }

    /// The sign-in form carries a double-submit token, since there is no session yet.
    static func loginPage(_ req: Request, email: String, error: String?, status: HTTPStatus) async throws -> Response {
        var token = req.cookies["keel_csrf"]?.string ?? ""
        if token.isEmpty {
            token = Secrets.token(bytes: 24)
            req.cookies["keel_csrf"] = HTTPCookies.Value(string: token)
        }
        let response = try await req.renderPage("login", status: status, data: LoginForm(email: email), error: error)
        response.cookies["keel_csrf"] = HTTPCookies.Value(string: token, path: "/", isSecure: req.application.keel.secureCookies,
                                                          isHTTPOnly: true, sameSite: .strict)
        return response
    }
}

private struct LoginInput: Content { var email: String?; var password: String?; var _csrf: String? }
private struct LanguageInput: Content { var language: String?; var _csrf: String? }
