import Foundation
import KeelDomain
import XCTest
import XCTVapor
@testable import KeelServer

/// The OpenAPI document and the catalogs are contracts: routes and document agree, both
/// languages have every key, and templates contain no text outside the catalogs.
final class ContractTests: KeelTestCase {
    func testOpenAPIDocumentAndRegisteredRoutesAgree() async throws {
        let registered = Set(app.routes.all.compactMap { route -> String? in
            let path = "/" + route.path.map { component -> String in
                if case .parameter(let name) = component { return "{\(name)}" }
                return component.description
            }.joined(separator: "/")
            guard path.hasPrefix("/api/v1/"), path != "/api/v1/openapi.json" else { return nil }
            return "\(route.method.rawValue) \(path)"
        })
        var documented = Set<String>()
        try await app.test(.GET, "/api/v1/openapi.json") { res async throws in
            XCTAssertEqual(res.status, .ok)
            let json = try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as! [String: Any]
            XCTAssertTrue((json["openapi"] as? String ?? "").hasPrefix("3."))
            for (path, methods) in json["paths"] as! [String: [String: Any]] {
                for method in methods.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            let schemas = ((json["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
            // Every referenced schema exists.
            let text = res.body.string
            let references = text.components(separatedBy: "#/components/schemas/").dropFirst().map { $0.prefix { $0 != "\"" } }
            for reference in references { XCTAssertNotNil(schemas[String(reference)], "missing schema \(reference)") }
        }
        XCTAssertEqual(registered, documented)
        XCTAssertGreaterThanOrEqual(documented.count, 20)
    }

    func testServiceEndpointsAnswerWithoutAuthentication() async throws {
        try await app.test(.GET, "/healthz") { res async in XCTAssertEqual(res.status, .ok) }
        try await app.test(.GET, "/readyz") { res async in XCTAssertEqual(res.status, .ok) }
        _ = try await call(.GET, "/api/v1/me")
        try await app.test(.GET, "/metrics") { res async in
            XCTAssertEqual(res.status, .ok)
            XCTAssertTrue(res.body.string.contains("keel_http_requests_total{method=\"GET\",route=\"/api/v1/me\",status=\"401\"} 1"), res.body.string)
            XCTAssertTrue(res.body.string.contains("keel_http_request_duration_seconds_bucket"))
            XCTAssertTrue(res.body.string.contains("keel_db_up 1.0"))
        }
    }

    func testCatalogsHaveTheSameKeysInBothLanguages() {
        XCTAssertEqual(app.catalog.missingKeys(), [:])
    }

    func testEveryErrorCodeAndTemplateKeyIsInTheCatalogs() throws {
        let root = Application.defaultResources.appendingPathComponent("Views")
        let english = app.catalog.texts[.en] ?? [:]
        var keys = Set<String>()
        for file in try templates(under: root) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for piece in text.components(separatedBy: "#t(\"").dropFirst() {
                keys.insert(String(piece.prefix { $0 != "\"" }))
            }
        }
        XCTAssertGreaterThan(keys.count, 40)
        for key in keys { XCTAssertNotNil(english[key], "template key \(key) missing") }
        for role in Role.allCases { XCTAssertNotNil(english["role.\(role.rawValue)"]) }
        for language in Language.allCases { XCTAssertNotNil(english["language.\(language.rawValue)"]) }
        for problem in ["password_too_short", "password_too_long", "password_too_common", "password_contains_email"] {
            XCTAssertNotNil(english["error.\(problem)"])
        }
    }

    func testErrorCodesRaisedInSourcesAreInTheCatalogs() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/KeelServer")
        let english = app.catalog.texts[.en] ?? [:]
        let pattern = try NSRegularExpression(pattern: #"KeelError(?:\.validation)?\((?:\.[a-zA-Z]+, |"[A-Za-z]+", )?"([a-z_]+)""#)
        var codes = Set<String>()
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let file as URL in enumerator where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                codes.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        XCTAssertGreaterThan(codes.count, 20)
        for code in codes { XCTAssertNotNil(english["error.\(code)"], "error code \(code) has no message") }
    }

    /// Text between tags must come from `#t(...)` or data, never be typed into a template.
    func testTemplatesContainNoLiteralUserVisibleText() throws {
        let root = Application.defaultResources.appendingPathComponent("Views")
        let tag = try NSRegularExpression(pattern: #"<[^>]*>"#)
        let leaf = try NSRegularExpression(pattern: #"#\w*(\((?:[^()]|\([^()]*\))*\))?:?"#)
        for file in try templates(under: root) {
            var text = try String(contentsOf: file, encoding: .utf8)
            text = leaf.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: " ")
            text = tag.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: " ")
            let letters = text.unicodeScalars.filter { CharacterSet.letters.contains($0) }
            XCTAssertTrue(letters.isEmpty, "\(file.lastPathComponent) has literal text: \(String(String.UnicodeScalarView(letters)).prefix(80))")
        }
    }

    private func templates(under root: URL) throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" }
    }
}
