import Foundation
import KeelDomain
import Leaf
import Fluent
import Vapor

/// What every page's layout needs: language, the person, navigation rights, CSRF token.
struct PageMeta: Encodable {
    let lang: String
    let csrf: String
    let signedIn: Bool
    let userName: String
    let userEmail: String
    let roleLabel: String
    let isProviderStaff: Bool
    let managesPeople: Bool
    let seesAudit: Bool
    let flashError: String?
    let flashInfo: String?
    let version: String
    let unread: Int
}

struct Page<Data: Encodable>: Encodable {
    let meta: PageMeta
    let data: Data
}

extension Request {
    func pageMeta(error: String? = nil, info: String? = nil, unread: Int = 0) -> PageMeta {
        let context = self.context
        return PageMeta(
            lang: language.rawValue,
            csrf: context?.csrfToken ?? cookies["keel_csrf"]?.string ?? "",
            signedIn: context != nil,
            userName: context?.user.name ?? "",
            userEmail: context?.user.email ?? "",
            roleLabel: context.map { t("role.\($0.role.rawValue)") } ?? "",
            isProviderStaff: context?.isProviderStaff ?? false,
            managesPeople: context?.managesPeople ?? false,
            seesAudit: (context?.isProviderAdmin ?? false) || context?.role == .clientAdmin,
            flashError: error,
            flashInfo: info ?? query[String.self, at: "notice"].flatMap { key in
                ["created", "saved", "password_changed", "revoked", "signed_out"].contains(key) ? t("notice.\(key)") : nil
            },
            version: KeelVersion.current, unread: unread)
    }

    func renderPage<D: Encodable>(_ template: String, status: HTTPStatus = .ok, data: D,
                                  error: String? = nil) async throws -> Response {
        var unread = 0
        if let context {
            unread = try await InAppNotification.query(on: db).filter(\.$user.$id == context.user.id).filter(\.$readAt == nil).count()
        }
        let view = try await self.view.render(template, Page(meta: pageMeta(error: error, unread: unread), data: data))
        let response = try await view.encodeResponse(for: self)
        response.status = status
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                      value: "default-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
        return response
    }

    /// The message of an error in the caller's language, for re-rendering a form.
    func message(for error: any Error) -> (String, String?) {
        let keelError = KeelErrorMiddleware.classify(error)
        return (t("error.\(keelError.code)", keelError.values), keelError.field)
    }

    /// Dates shown in the person's timezone.
    func display(_ date: Date?) -> String {
        guard let date else { return "" }
        return DateFormats.string(date, pattern: "yyyy-MM-dd HH:mm zzz", locale: "en_US_POSIX", zone: context?.timeZone ?? .gmt)
    }

    func requireWebContext() throws -> RequestContext {
        guard let context else { throw Abort.redirect(to: "/login") }
        return context
    }
}

struct SelectOption: Encodable {
    let value: String
    let label: String
    let selected: Bool
}

extension Request {
    func languageOptions(selected: String?) -> [SelectOption] {
        Language.allCases.map { SelectOption(value: $0.rawValue, label: t("language.\($0.rawValue)"), selected: $0.rawValue == selected) }
    }
}
