import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOSSL
import XCTest
import XCTVapor
@testable import KeelServer

/// Active checks against real targets on loopback: an HTTP server that can be told to fail,
/// answer slowly or drop its keyword, a closed TCP port, and a TLS server whose self-signed
/// certificate ends in three days. The runner's clock is driven by the test.
final class ActiveCheckTests: KeelTestCase {
    private var targets: [Application] = []
    let failing = NIOLockedValueBox(false)

    override func tearDown() async throws {
        for target in targets {
            await target.server.shutdown()
            try await target.asyncShutdown()
        }
        targets = []
        try await super.tearDown()
    }

    /// A loopback HTTP(S) server; returns its port.
    func startTarget(tls: TLSConfiguration? = nil) async throws -> Int {
        let target = try await Application.make(.testing)
        targets.append(target)
        target.logger.logLevel = .critical
        if let tls { target.http.server.configuration.tlsConfiguration = tls }
        let failing = self.failing
        target.get("ok") { _ in failing.withLockedValue { $0 } ? Response(status: .internalServerError) : Response(status: .ok, body: "all good keel-ok") }
        target.get("slow") { _ async throws -> String in
            try await Task.sleep(nanoseconds: 600_000_000)
            return "late keel-ok"
        }
        target.get("moved") { req in req.redirect(to: "/ok") }
        try await target.server.start(address: .hostname("127.0.0.1", port: 0))
        return try XCTUnwrap(target.http.server.shared.localAddress?.port)
    }

    func create(_ json: String) async throws -> MonitorCheck {
        let admin = try await token("admin@keel.test")
        let (status, body) = try await call(.POST, "/api/v1/checks", token: admin, json: json)
        XCTAssertEqual(status, .created, body)
        let check = try await MonitorCheck.find(UUID(uuidString: object(body)["id"] as? String ?? ""), on: app.db)
        return try XCTUnwrap(check)
    }

    /// Makes every check due and runs the runner once.
    func runDue() async throws {
        let past = Date().addingTimeInterval(-1)
        try await MonitorCheck.query(on: app.db).filter(\.$type != "push").set(\.$nextCheckAt, to: past).update()
        try await CheckRunner.tick(app, now: Date())
    }

    func status(_ check: MonitorCheck) async throws -> (String, String?) {
        let row = try await MonitorCheck.find(check.id, on: app.db)
        let last = try await CheckResult.query(on: app.db).filter(\.$checkID == check.requireID()).sort(\.$at, .descending).first()
        return (row?.status ?? "", last?.error)
    }

    func testHTTPChecksSeeStatusKeywordLatencyAndOpenThenResolveOneIncident() async throws {
        let port = try await startTarget()
        let base = "http://127.0.0.1:\(port)"
        let site = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Client portal","type":"http","target":"\(base)/ok","keyword":"keel-ok",
             "intervalSeconds":20,"timeoutSeconds":5,"retries":1}
            """)
        let slow = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Slow page","type":"http","target":"\(base)/slow","maxLatencyMs":200,"retries":0}
            """)
        let noFollow = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Redirect kept","type":"http","target":"\(base)/moved","followRedirects":false,
             "expectedStatus":"200-299","retries":0}
            """)
        let absent = try await create("""
            {"organizationId":"\(green.uuidString)","name":"No error text","type":"http","target":"\(base)/ok","keyword":"keel-ok",
             "keywordAbsent":true,"retries":0}
            """)
        try await runDue()
        var (siteStatus, siteError) = try await status(site)
        XCTAssertEqual(siteStatus, "up")
        XCTAssertNil(siteError)
        let slowState = try await status(slow)
        XCTAssertEqual(slowState.0, "down")
        XCTAssertEqual(slowState.1, "timeout", "slower than the ceiling")
        let redirect = try await status(noFollow)
        XCTAssertEqual(redirect.1, "httpStatus", "a 303 that is not followed is not 2xx")
        let keyword = try await status(absent)
        XCTAssertEqual(keyword.1, "keywordMissing")
        let latency = try await MonitorCheck.find(site.id, on: app.db)?.lastLatencyMs
        XCTAssertNotNil(latency)

        // The site starts failing: one failure is tolerated (retries 1), the second opens one incident.
        failing.withLockedValue { $0 = true }
        try await runDue()
        (siteStatus, siteError) = try await status(site)
        XCTAssertEqual(siteStatus, "up", "one failure is a retry, not an outage")
        XCTAssertEqual(siteError, "httpStatus")
        try await runDue()
        (siteStatus, _) = try await status(site)
        XCTAssertEqual(siteStatus, "down")
        let incidentID = try await MonitorCheck.find(site.id, on: app.db)?.incidentTicketID
        let ticket = try await Ticket.find(XCTUnwrap(incidentID), on: app.db)
        XCTAssertEqual(ticket?.channel, "monitoring")
        XCTAssertEqual(ticket?.$organization.id, green)
        try await runDue()
        let incidents = try await Ticket.query(on: app.db).filter(\.$channel == "monitoring").filter(\.$title ~~ ["Client portal is down"]).count()
        XCTAssertEqual(incidents, 1, "one ticket per outage")
        // It recovers: the incident is resolved.
        failing.withLockedValue { $0 = false }
        try await runDue()
        (siteStatus, _) = try await status(site)
        XCTAssertEqual(siteStatus, "up")
        let resolved = try await Ticket.find(incidentID, on: app.db)
        XCTAssertEqual(resolved?.status, "resolved")
        let results = try await CheckResult.query(on: app.db).filter(\.$checkID == site.requireID()).count()
        XCTAssertEqual(results, 5, "every probe kept")

        // History, availability (2 of 5 probes up), and the pages: red now, status page, check page.
        let admin = try await token("admin@keel.test")
        let siteID = try site.requireID().uuidString
        var (code, body) = try await call(.GET, "/api/v1/checks/\(siteID)/results?limit=3", token: admin)
        XCTAssertEqual((object(body)["items"] as? [[String: Any]])?.count, 3)
        (code, body) = try await call(.GET, "/api/v1/checks/\(siteID)/availability?days=2", token: admin)
        XCTAssertEqual(code, .ok, body)
        XCTAssertEqual(object(body)["percent"] as? Double ?? 0, 40, accuracy: 0.01)
        let (session, _) = try await signIn("admin@keel.test")
        var (page, html) = try await get("/monitoring", session: session)
        XCTAssertEqual(page, .ok)
        XCTAssertTrue(html.contains("Slow page") && html.contains("id=\"red-count\""), "the slow page is red")
        (page, html) = try await get("/monitoring/organizations/\(green.uuidString)", session: session)
        XCTAssertTrue(html.contains("<svg") && html.contains("keel-strip"), "a 90-day strip per check")
        (page, html) = try await get("/monitoring/checks/\(siteID)", session: session)
        XCTAssertTrue(html.contains("keel-latency") && html.contains("id=\"check-results\""))
        // Another organisation's client admin does not see these checks.
        let (foreign, _) = try await signIn("admin@huaxin-design.example")
        (page, _) = try await get("/monitoring/checks/\(siteID)", session: foreign)
        XCTAssertEqual(page, .notFound)
    }

    func testTCPAndTLSChecksOverRealSockets() async throws {
        // A port that was just free: nothing listens there.
        let probe = try await startTarget()
        await targets.removeLast().server.shutdown()
        let closed = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Closed port","type":"tcp","target":"127.0.0.1:\(probe)","retries":0}
            """)
        let open = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Open port","type":"tcp","target":"127.0.0.1:\(try await startTarget())","retries":0}
            """)
        // A self-signed certificate that ends in 3 days; the check warns 14 days ahead.
        let directory = NSTemporaryDirectory() + "keel-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3", "-subj", "/CN=localhost",
                             "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(directory + "/cert.pem").map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: directory + "/key.pem", format: .pem)))
        let tlsPort = try await startTarget(tls: tls)
        let expiring = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Certificate","type":"tls","target":"127.0.0.1:\(tlsPort)","retries":0}
            """)
        let relaxed = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Certificate (2 days)","type":"tls","target":"127.0.0.1:\(tlsPort)",
             "retries":0,"tlsWarnDays":2}
            """)
        try await runDue()
        let refused = try await status(closed)
        XCTAssertEqual(refused.0, "down")
        XCTAssertEqual(refused.1, "connectionRefused")
        let reached = try await status(open)
        XCTAssertEqual(reached.0, "up")
        let soon = try await status(expiring)
        XCTAssertEqual(soon.0, "down")
        XCTAssertEqual(soon.1, "certificateExpiringSoon")
        let fine = try await status(relaxed)
        XCTAssertEqual(fine.0, "up", "three days left, warned two days ahead")
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testAChecksRunIsClaimedOnceAndBadInputIsRefused() async throws {
        let port = try await startTarget()
        let check = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Once","type":"http","target":"http://127.0.0.1:\(port)/ok","retries":0}
            """)
        try await MonitorCheck.query(on: app.db).filter(\.$id == check.requireID()).set(\.$nextCheckAt, to: Date().addingTimeInterval(-1)).update()
        // Two runners (two nodes) at the same moment: the lease lets one of them run it.
        let application: Application = app
        let ran = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await CheckRunner.tick(application, now: Date()) }
            group.addTask { try await CheckRunner.tick(application, now: Date()) }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(ran, 1)
        let results = try await CheckResult.query(on: app.db).filter(\.$checkID == check.requireID()).count()
        XCTAssertEqual(results, 1)
        let next = try await MonitorCheck.find(check.id, on: app.db)?.nextCheckAt
        XCTAssertGreaterThan(try XCTUnwrap(next), Date().addingTimeInterval(10), "the next run is an interval later")
        let admin = try await token("admin@keel.test")
        for (json, code) in [(#""type":"http","target":"ftp://x""#, "check_target_invalid"),
                             (#""type":"tcp","target":"db.internal""#, "check_target_invalid"),
                             (#""type":"http","target":"http://x","intervalSeconds":5"#, "check_policy_invalid"),
                             (#""type":"http","target":"http://x","expectedStatus":"abc""#, "check_status_invalid"),
                             (#""type":"http","target":"http://x","headers":{"X-Bad":"a\r\nb"}"#, "check_headers_invalid")] {
            let (status, body) = try await call(.POST, "/api/v1/checks", token: admin,
                                                json: #"{"organizationId":"\#(green.uuidString)","name":"bad",\#(json)}"#)
            XCTAssertEqual(status, .unprocessableEntity, body)
            XCTAssertEqual(errorCode(body), code, json)
        }
    }
}

extension ActiveCheckTests {
    func testDNSChecksResolveThroughTheSystemResolver() async throws {
        let plain = try await create(#"{"organizationId":"\#(green.uuidString)","name":"Name","type":"dns","target":"localhost","retries":0}"#)
        let expected = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Points home","type":"dns","target":"localhost","expectedValue":"127.0.0.1","retries":0}
            """)
        let elsewhere = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Points away","type":"dns","target":"localhost","expectedValue":"10.9.9.9","retries":0}
            """)
        let missing = try await create(#"{"organizationId":"\#(green.uuidString)","name":"Gone","type":"dns","target":"no-such-host.invalid","retries":0}"#)
        try await runDue()
        let first = try await status(plain)
        XCTAssertEqual(first.0, "up")
        let second = try await status(expected)
        XCTAssertEqual(second.0, "up")
        let third = try await status(elsewhere)
        XCTAssertEqual(third.1, "dnsNoAnswer")
        let fourth = try await status(missing)
        XCTAssertEqual(fourth.0, "down")
        XCTAssertTrue(["dnsNoAnswer", "dnsFailure"].contains(fourth.1 ?? ""), "\(fourth)")
        let admin = try await token("admin@keel.test")
        let (code, body) = try await call(.POST, "/api/v1/checks", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"bad","type":"dns","target":"localhost","expectedValue":"not an address!"}
            """)
        XCTAssertEqual(code, .unprocessableEntity)
        XCTAssertEqual(errorCode(body), "check_expected_invalid")
    }
}

extension ActiveCheckTests {
    func testAFailureInsideAMaintenanceWindowOpensNoTicket() async throws {
        let port = try await startTarget()
        let check = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Mail server","type":"http","target":"http://127.0.0.1:\(port)/ok","retries":0}
            """)
        let admin = try await token("admin@keel.test")
        let formatter = ISO8601DateFormatter()
        var (code, body) = try await call(.POST, "/api/v1/maintenance-windows", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Exchange patching","start":"\(formatter.string(from: Date().addingTimeInterval(-3600)))",
             "end":"\(formatter.string(from: Date().addingTimeInterval(3600)))","checkIds":["\(try check.requireID().uuidString)"]}
            """)
        XCTAssertEqual(code, .created, body)
        let windowID = try XCTUnwrap(object(body)["id"] as? String)
        failing.withLockedValue { $0 = true }
        try await runDue()
        let (status, error) = try await self.status(check)
        XCTAssertEqual(status, "maintenance")
        XCTAssertEqual(error, "httpStatus", "the result is kept")
        let tickets = try await Ticket.query(on: app.db).filter(\.$channel == "monitoring").count()
        XCTAssertEqual(tickets, 0, "no ticket inside the window")
        // Recurring windows are checked; bad ones refused; the client's admin sees it, an employee does not.
        (code, body) = try await call(.POST, "/api/v1/maintenance-windows", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Weekly","weekdays":["sun"],"at":"02:00","durationMinutes":120,"timezone":"Europe/London"}
            """)
        XCTAssertEqual(code, .created, body)
        (code, body) = try await call(.POST, "/api/v1/maintenance-windows", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Bad","weekdays":["someday"],"at":"02:00","durationMinutes":120}
            """)
        XCTAssertEqual(errorCode(body), "maintenance_invalid")
        (code, body) = try await call(.POST, "/api/v1/maintenance-windows", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Bad zone","weekdays":["sun"],"at":"02:00","durationMinutes":120,"timezone":"Mars/Base"}
            """)
        XCTAssertEqual(errorCode(body), "maintenance_invalid")
        let office = try await token("office@greenlaw.example")
        (code, body) = try await call(.GET, "/api/v1/maintenance-windows", token: office)
        XCTAssertEqual((object(body)["items"] as? [Any])?.count, 2)
        let patel = try await token("j.patel@greenlaw.example")
        (code, body) = try await call(.GET, "/api/v1/maintenance-windows", token: patel)
        XCTAssertEqual((object(body)["items"] as? [Any])?.count, 0)
        (code, _) = try await call(.DELETE, "/api/v1/maintenance-windows/\(windowID)", token: office)
        XCTAssertEqual(code, .noContent)
        let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["maintenance.create", "maintenance.delete"]).count()
        XCTAssertEqual(audited, 3)
    }
}
