import Fluent
import Vapor

enum TokenAPI {
    static func register(_ api: API) {
        api.on(.POST, "session", "Sign in with email and password; answers a short-lived token", tag: "account",
               body: "SessionInput", response: "Session", authenticated: false) { req in
            let input = try req.content.decode(SessionInput.self)
            let user = try await SignIn.authenticate(email: input.email, password: input.password, request: req)
            req.context = try await RequestContext.make(user: user, on: req.db, via: "password", credentialID: nil,
                                                        address: req.clientAddress)
            let (token, secret) = try await TokenService(req).create(TokenInput(name: "session"), kind: "session")
            return SessionOutput(token: secret, expiresAt: token.expiresAt, user: UserOut(user))
        }
        api.on(.DELETE, "session", "Revoke the token of this request", tag: "account", status: 204) { req in
            let context = try req.requireContext()
            if context.actor.via == "token", let raw = context.actor.credentialID, let id = UUID(uuidString: raw) {
                _ = try await TokenService(req).revoke(id)
            }
            return HTTPStatus.noContent
        }
        api.on(.GET, "tokens", "List own tokens and managed integration tokens", tag: "tokens", response: "TokenList") { req in
            let (items, next) = try await ListQuery(req).page(try TokenService(req).visible())
            return ListPage(items: items.map { TokenOut($0) }, nextCursor: next)
        }
        api.on(.POST, "tokens", "Create a token; the secret is answered once", tag: "tokens", body: "TokenInput",
               response: "Token", status: 201) { req in
            let service = try TokenService(req)
            let input = try req.content.decode(TokenInput.self)
            let (token, secret) = try await service.create(input)
            return try await TokenOut(token, secret: secret).response(status: .created, for: req)
        }
        api.on(.DELETE, "tokens/{tokenID}", "Revoke a token", tag: "tokens", response: "Token") { req in
            TokenOut(try await TokenService(req).revoke(try req.idParameter("tokenID")))
        }
    }
}

private struct SessionInput: Content { var email: String; var password: String }
private struct SessionOutput: Content { let token: String; let expiresAt: Date?; let user: UserOut }
