import Foundation
import NIOHTTP1
import XCTest
import XCTVapor
@testable import KeelServer

/// Browser-like requests for page tests: sign in through the form, then GET and POST forms
/// with the session cookie.
extension KeelTestCase {
    func loginPage() async throws -> (csrf: String, cookie: String) {
        var csrf = "", cookie = ""
        try await app.test(.GET, "/login") { res async in
            XCTAssertEqual(res.status, .ok)
            cookie = res.headers.setCookie?["keel_csrf"]?.string ?? ""
            let html = res.body.string
            if let range = html.range(of: "name=\"_csrf\" value=\"") {
                csrf = String(html[range.upperBound...].prefix { $0 != "\"" })
            }
        }
        return (csrf, cookie)
    }

    func signIn(_ email: String) async throws -> (session: String, csrf: String) {
        let (csrf, cookie) = try await loginPage()
        var session = ""
        try await app.test(.POST, "/login", beforeRequest: { req in
            req.headers.cookie = HTTPCookies(dictionaryLiteral: ("keel_csrf", HTTPCookies.Value(string: cookie)))
            try req.content.encode(["email": email, "password": Self.password, "_csrf": csrf], as: .urlEncodedForm)
        }, afterResponse: { res async in
            XCTAssertEqual(res.status, .seeOther)
            let value = res.headers.setCookie?[AuthMiddleware.sessionCookie]
            XCTAssertEqual(value?.isHTTPOnly, true)
            XCTAssertEqual(value?.sameSite, .lax)
            session = value?.string ?? ""
        })
        var pageCSRF = ""
        try await app.test(.GET, "/", beforeRequest: { req in
            req.headers.cookie = HTTPCookies(dictionaryLiteral: (AuthMiddleware.sessionCookie, HTTPCookies.Value(string: session)))
        }, afterResponse: { res async in
            XCTAssertEqual(res.status, .ok)
            let html = res.body.string
            if let range = html.range(of: "name=\"_csrf\" value=\"") {
                pageCSRF = String(html[range.upperBound...].prefix { $0 != "\"" })
            }
        })
        return (session, pageCSRF)
    }

    func post(_ path: String, session: String, form: [String: String]) async throws -> (HTTPStatus, String, String?) {
        try await post(path, session: session, pairs: form.map { ($0.key, $0.value) })
    }

    /// A form as the browser sends it, repeated names (`contacts[]`) included.
    func post(_ path: String, session: String, pairs: [(String, String)]) async throws -> (HTTPStatus, String, String?) {
        var result: (HTTPStatus, String, String?) = (.internalServerError, "", nil)
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = pairs.map { pair in
            [pair.0, pair.1].map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }.joined(separator: "=")
        }.joined(separator: "&")
        try await app.test(.POST, path, beforeRequest: { req in
            req.headers.cookie = HTTPCookies(dictionaryLiteral: (AuthMiddleware.sessionCookie, HTTPCookies.Value(string: session)))
            req.headers.contentType = .urlEncodedForm
            req.body = ByteBuffer(string: body)
        }, afterResponse: { res async in
            result = (res.status, res.body.string, res.headers.first(name: .location))
        })
        return result
    }

    func get(_ path: String, session: String) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.internalServerError, "")
        try await app.test(.GET, path, beforeRequest: { req in
            req.headers.cookie = HTTPCookies(dictionaryLiteral: (AuthMiddleware.sessionCookie, HTTPCookies.Value(string: session)))
        }, afterResponse: { res async in result = (res.status, res.body.string) })
        return result
    }
}
