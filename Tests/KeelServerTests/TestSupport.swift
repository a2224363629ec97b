import Fluent
import Foundation
import NIOHTTP1
import SQLKit
import XCTest
import XCTVapor
@testable import KeelServer

/// Every database test runs against the database named by KEEL_TEST_DB: `sqlite` (a fresh
/// file per test) or `postgres` (a real server at KEEL_TEST_POSTGRES_URL, schema reset per test).
enum TestDatabase {
    static var kind: String { ProcessInfo.processInfo.environment["KEEL_TEST_DB"] ?? "sqlite" }
    static var postgresURL: String? { ProcessInfo.processInfo.environment["KEEL_TEST_POSTGRES_URL"] }
}

class KeelTestCase: XCTestCase {
    var app: Application!
    var dataDirectory: String!
    static let password = "demo-password-for-tests"
    /// The demo's year of tickets is loaded only by the tests that need it (it takes a moment).
    var loadsDemoTickets: Bool { false }
    /// A test class may adjust the configuration before the application starts.
    func adjust(_ config: inout KeelConfig) {}

    override func setUp() async throws {
        try await super.setUp()
        dataDirectory = NSTemporaryDirectory() + "keel-test-\(UUID().uuidString)"
        var config = KeelConfig()
        config.dataDirectory = dataDirectory
        config.passwordHashCost = 4
        config.logLevel = .warning
        if TestDatabase.kind == "postgres" {
            guard let url = TestDatabase.postgresURL else {
                XCTFail("KEEL_TEST_DB=postgres needs KEEL_TEST_POSTGRES_URL")
                return
            }
            config.databaseURL = url
        }
        adjust(&config)
        app = try await Application.make(.testing)
        try app.configureKeel(config)
        if config.usesPostgres {
            let sql = app.db as! any SQLDatabase
            try await sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
            try await sql.raw("CREATE SCHEMA public").run()
        }
        try await app.prepareKeel()
        try await DemoData.load(into: app, password: Self.password, tickets: loadsDemoTickets)
    }

    override func tearDown() async throws {
        try await app?.asyncShutdown()
        app = nil
        if let dataDirectory { try? FileManager.default.removeItem(atPath: dataDirectory) }
        try await super.tearDown()
    }

    // MARK: helpers

    func token(_ email: String, password: String = KeelTestCase.password) async throws -> String {
        var token = ""
        try await app.test(.POST, "/api/v1/session", beforeRequest: { req in
            try req.content.encode(["email": email, "password": password])
        }, afterResponse: { res async throws in
            XCTAssertEqual(res.status, .ok, "sign-in of \(email): \(res.body.string)")
            token = try res.content.get(String.self, at: "token")
        })
        return token
    }

    /// Sends a request with a bearer token and an optional JSON body; returns status and body.
    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil,
              headers extra: [(String, String)] = []) async throws -> (HTTPStatus, String) {
        var status: HTTPStatus = .internalServerError
        var body = ""
        try await app.test(method, path, beforeRequest: { req in
            if let token { req.headers.bearerAuthorization = BearerAuthorization(token: token) }
            for (name, value) in extra { req.headers.replaceOrAdd(name: name, value: value) }
            if let json {
                req.headers.contentType = .json
                req.body = ByteBuffer(string: json)
            }
        }, afterResponse: { res async in
            status = res.status
            body = res.body.string
        })
        return (status, body)
    }

    /// Uploads one file as multipart/form-data; returns status and body.
    func upload(_ path: String, token: String, fileName: String, contentType: String = "image/png", data: Data,
                fields: [String: String] = [:]) async throws -> (HTTPStatus, String) {
        let boundary = "keel-test-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var status: HTTPStatus = .internalServerError
        var text = ""
        try await app.test(.POST, path, beforeRequest: { req in
            req.headers.bearerAuthorization = BearerAuthorization(token: token)
            req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            req.body = ByteBuffer(data: body)
        }, afterResponse: { res async in
            status = res.status
            text = res.body.string
        })
        return (status, text)
    }

    func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    func errorCode(_ text: String) -> String? {
        (object(text)["error"] as? [String: Any])?["code"] as? String
    }

    func count<M: Model>(_ model: M.Type) async throws -> Int {
        try await M.query(on: app.db).count()
    }

    /// An asset written straight to the database (as the agent or an import would leave it).
    @discardableResult
    func makeAsset(_ organization: UUID, name: String, kind: String = "computer", subkind: String = "", owner: UUID? = nil,
                   serial: String? = nil, state: String = "in_use") async throws -> Asset {
        let asset = Asset()
        asset.$organization.id = organization
        asset.$owner.id = owner
        asset.kind = kind
        asset.subkind = subkind
        asset.name = name
        asset.serial = serial
        asset.lifecycleState = state
        asset.notes = ""
        asset.macs = ""
        try await asset.create(on: app.db)
        return asset
    }

    var green: UUID { DemoData.id("org:green") }
    var huaxin: UUID { DemoData.id("org:huaxin") }
    var bloom: UUID { DemoData.id("org:bloom") }
    func user(_ email: String) -> UUID { DemoData.id("user:\(email)") }

    /// A priority matrix other than the built-in one: a user's high urgency is high, not medium.
    let userHighMatrix = """
        {"organization":{"high":"critical","medium":"high","low":"medium"},
         "department":{"high":"high","medium":"medium","low":"low"},
         "user":{"high":"high","medium":"low","low":"low"}}
        """
}
