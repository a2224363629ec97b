import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// Pings are answered ahead of the router (`PingResponder`); these pin down that the fast path
/// and the routed one (bodies still streaming) behave as one route.
final class PingResponderTests: KeelTestCase {
    private func pushCheck() async throws -> (id: UUID, path: String) {
        let admin = try await token("admin@keel.test")
        let (status, body) = try await call(.POST, "/api/v1/checks", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Nightly export","type":"push","periodSeconds":3600,"graceSeconds":600}
            """)
        XCTAssertEqual(status, .created, body)
        let url = try XCTUnwrap(object(body)["pingUrl"] as? String)
        let id = try XCTUnwrap(UUID(uuidString: object(body)["id"] as? String ?? ""))
        return (id, String(url[url.range(of: "/ping/")!.lowerBound...]))
    }

    private func runs(_ id: UUID) async throws -> [HeartbeatRun] {
        try await HeartbeatRun.query(on: app.db).filter(\.$checkID == id).sort(\.$at).all()
    }

    func testPathsAreSplitAsTheRouterWould() {
        XCTAssertEqual(PingResponder.parts("/ping/abc")?.key, "abc")
        XCTAssertNil(PingResponder.parts("/ping/abc")?.suffix)
        XCTAssertEqual(PingResponder.parts("/ping/abc/fail")?.suffix, "fail")
        XCTAssertEqual(PingResponder.parts("/ping//abc/")?.key, "abc", "empty components are dropped, as by the router")
        XCTAssertEqual(PingResponder.parts("/ping/a%2Db")?.key, "a-b")
        XCTAssertNil(PingResponder.parts("/ping/a/b/c"), "left to the router: 404")
        XCTAssertNil(PingResponder.parts("/ping"))
        XCTAssertNil(PingResponder.parts("/pingx/abc"))
        XCTAssertNil(PingResponder.parts("/ping/%E0%A4%A"), "an invalid escape is left to the router")
    }

    func testFastAndRoutedPingsAreStoredAlikeOverARealSocket() async throws {
        let (id, path) = try await pushCheck()
        let port = 20_000 + Int.random(in: 0..<20_000)
        let server = try app.testable(method: .running(hostname: "127.0.0.1", port: port))
        // A bodiless GET: the fast path.
        try await server.test(.GET, path, afterResponse: { res async in
            XCTAssertEqual(res.status, .ok)
            XCTAssertEqual(res.body.string, "OK\n")
            XCTAssertEqual(res.headers.contentType?.description, "text/plain; charset=utf-8")
        })
        // A percent-encoded key reaches the same job.
        let last = path.index(before: path.endIndex)
        let encoded = String(path[..<last]) + String(format: "%%%02X", path[last].asciiValue!)
        try await server.test(.POST, encoded + "/fail", beforeRequest: { req in req.body = ByteBuffer(string: "no space left") },
                              afterResponse: { res async in XCTAssertEqual(res.status, .ok) })
        // A 40 KB log arrives in several reads, so it takes the routed path; kept to the first 10,000 bytes.
        let log = String(repeating: "rsync: write failed\n", count: 2_000)
        try await server.test(.POST, path + "/0", beforeRequest: { req in req.body = ByteBuffer(string: log) },
                              afterResponse: { res async in XCTAssertEqual(res.status, .ok) })
        // Over 64 KB is refused with the usual error body and stores nothing.
        try await server.test(.POST, path, beforeRequest: { req in req.body = ByteBuffer(string: String(repeating: "x", count: 200_000)) },
                              afterResponse: { res async in
            XCTAssertEqual(res.status, .payloadTooLarge)
            XCTAssertEqual(self.errorCode(res.body.string), "body_too_large")
        })
        // An unknown key is 404 in the caller's language.
        try await server.test(.GET, "/ping/no-such-key", beforeRequest: { req in req.headers.replaceOrAdd(name: .acceptLanguage, value: "zh-CN") },
                              afterResponse: { res async in
            XCTAssertEqual(res.status, .notFound)
            XCTAssertEqual(res.body.string, self.app.catalog.text("error.ping_unknown", .zhHans) + "\n")
        })
        let stored = try await runs(id)
        XCTAssertEqual(stored.map(\.kind), ["success", "fail", "exit"])
        XCTAssertEqual(stored[1].body, "no space left")
        XCTAssertEqual(stored[2].body.utf8.count, 10_000)
        XCTAssertTrue(stored[2].truncated)
        let check = try await MonitorCheck.find(id, on: app.db)
        XCTAssertEqual(check?.status, "up", "exit code 0 after the failure")
        // The fast path still counts in /metrics under the route's name.
        try await server.test(.GET, "/metrics", afterResponse: { res async in
            XCTAssertTrue(res.body.string.contains("method=\"GET\",route=\"/ping/:key\",status=\"200\""), res.body.string)
            XCTAssertTrue(res.body.string.contains("method=\"POST\",route=\"/ping/:key/:suffix\",status=\"200\""))
        })
    }
}
