import Fluent
import Foundation
import KeelDomain
import SQLKit
import XCTest
import XCTVapor
@testable import KeelServer

/// Checks changed and removed, their contacts told of each status change (in-app and by mail
/// in their language), ping checks over ICMP or TCP, maintenance notices, result retention.
extension ActiveCheckTests {
    private func notes(_ email: String, kind: String) async throws -> [InAppNotification] {
        try await InAppNotification.query(on: app.db).filter(\.$user.$id == user(email)).filter(\.$kind == kind).all()
    }

    func testChecksChangeAndTellTheirContactsOncePerChange() async throws {
        let port = try await startTarget()
        let admin = try await token("admin@keel.test")
        let check = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Portal","type":"http","target":"http://127.0.0.1:\(port)/nothing","retries":0,
             "contacts":["\(user("office@greenlaw.example").uuidString)","\(user("tech3@keel.test").uuidString)"]}
            """)
        let id = try check.requireID().uuidString
        // Only the fields given change; type and organisation stay; contacts and devices are checked.
        var (code, body) = try await call(.PATCH, "/api/v1/checks/\(id)", token: admin, json: #"{"target":"http://127.0.0.1:\#(port)/ok","name":"Client portal"}"#)
        XCTAssertEqual(code, .ok, body)
        XCTAssertEqual(object(body)["target"] as? String, "http://127.0.0.1:\(port)/ok")
        XCTAssertEqual(object(body)["name"] as? String, "Client portal")
        XCTAssertEqual((object(body)["contacts"] as? [String])?.count, 2)
        for (json, error) in [(#"{"type":"tcp"}"#, "check_type_fixed"), (#"{"intervalSeconds":5}"#, "check_policy_invalid"),
                              (#"{"contacts":["\#(user("admin@huaxin-design.example").uuidString)"]}"#, "contacts_invalid"),
                              (#"{"contacts":["not-an-id"]}"#, "contacts_invalid"), (#"{"assetId":"nope"}"#, "asset_invalid")] {
            (code, body) = try await call(.PATCH, "/api/v1/checks/\(id)", token: admin, json: json)
            XCTAssertEqual(code, .unprocessableEntity, json)
            XCTAssertEqual(errorCode(body), error, json)
        }
        let unchanged = try await MonitorCheck.find(check.id, on: app.db)
        XCTAssertEqual(unchanged?.name, "Client portal", "a refused change changes nothing")
        // Another organisation's admin cannot see it: 404, for reading, changing and removing.
        let other = try await token("owner@bloom.example")
        for method in [HTTPMethod.GET, .PATCH, .DELETE] {
            (code, _) = try await call(method, "/api/v1/checks/\(id)", token: other, json: method == .PATCH ? #"{"name":"x"}"# : nil)
            XCTAssertEqual(code, .notFound, "\(method)")
        }
        // Up first (no news), then down (news), a second failure (no change), up again (news).
        try await runDue()
        failing.withLockedValue { $0 = true }
        try await runDue()
        try await runDue()
        failing.withLockedValue { $0 = false }
        try await runDue()
        for email in ["office@greenlaw.example", "tech3@keel.test"] {
            let down = try await notes(email, kind: "check_down"), up = try await notes(email, kind: "check_up")
            XCTAssertEqual(down.count, 1, email)
            XCTAssertEqual(up.count, 1, email)
        }
        let bystander = try await InAppNotification.query(on: app.db).filter(\.$user.$id == user("tech1@keel.test")).filter(\.$checkID != nil).count()
        XCTAssertEqual(bystander, 0, "only the check's contacts are told")
        let office = try await token("office@greenlaw.example")
        (code, body) = try await call(.GET, "/api/v1/notifications", token: office)
        let items = object(body)["items"] as? [[String: Any]] ?? []
        let downNote = try XCTUnwrap(items.first { $0["kind"] as? String == "check_down" })
        XCTAssertEqual(downNote["text"] as? String, "Client portal is down")
        XCTAssertEqual(downNote["link"] as? String, "/monitoring/checks/\(id)")
        // The outbox mails each notice in the contact's language.
        try await Outbox(app: app).composePending()
        let mails = try await OutboundMessage.query(on: app.db).filter(\.$kind ~~ ["check_down", "check_up"]).all()
        XCTAssertEqual(mails.count, 4)
        let chinese = try XCTUnwrap(mails.first { $0.recipient == "tech3@keel.test" && $0.kind == "check_down" })
        XCTAssertTrue(chinese.subject.contains("Client portal 已宕机"), chinese.subject)
        let english = try XCTUnwrap(mails.first { $0.recipient == "office@greenlaw.example" && $0.kind == "check_up" })
        XCTAssertTrue(english.subject.contains("Client portal is up again"), english.subject)
        XCTAssertTrue(String(decoding: english.raw, as: UTF8.self).contains("Auto-Submitted: auto-generated"))
        // Results record how late each probe started; removal takes the results and is audited.
        let delays = try await CheckResult.query(on: app.db).filter(\.$checkID == check.requireID()).all().compactMap(\.delayMs)
        XCTAssertEqual(delays.count, 4)
        (code, _) = try await call(.DELETE, "/api/v1/checks/\(id)", token: office)
        XCTAssertEqual(code, .noContent)
        let left = try await CheckResult.query(on: app.db).filter(\.$checkID == check.requireID()).count()
        XCTAssertEqual(left, 0)
        let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["check.create", "check.update", "check.delete"]).count()
        XCTAssertEqual(audited, 3)
    }

    func testPingChecksUseICMPOrSayTheyFellBackToTCP() async throws {
        let port = try await startTarget()
        let icmp = try await create(#"{"organizationId":"\#(green.uuidString)","name":"Router","type":"ping","target":"127.0.0.1","retries":0}"#)
        app.keel.icmp = "off"
        let fallback = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Router over TCP","type":"ping","target":"127.0.0.1","fallbackPort":\(port),"retries":0}
            """)
        let closed = try await create("""
            {"organizationId":"\(green.uuidString)","name":"Closed","type":"ping","target":"127.0.0.1","fallbackPort":1,"retries":0}
            """)
        try await runDue()
        let viaTCP = try await MonitorCheck.find(fallback.id, on: app.db)
        XCTAssertEqual(viaTCP?.status, "up")
        XCTAssertEqual(viaTCP?.probeNote, "ping_tcp_fallback")
        let refused = try await status(closed)
        XCTAssertEqual(refused.0, "down")
        XCTAssertEqual(refused.1, "connectionRefused")
        // With ICMP allowed (root or CAP_NET_RAW here) the echo itself is measured.
        app.keel.icmp = "auto"
        guard ICMPPing.probe(host: "127.0.0.1", timeoutSeconds: 1) != .notPermitted else { throw XCTSkip("this process may not send ICMP") }
        try await runDue()
        let echoed = try await MonitorCheck.find(icmp.id, on: app.db)
        XCTAssertEqual(echoed?.status, "up")
        XCTAssertNil(echoed?.probeNote)
        let admin = try await token("admin@keel.test")
        let (code, body) = try await call(.POST, "/api/v1/checks", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"bad","type":"ping","target":"127.0.0.1","fallbackPort":70000}
            """)
        XCTAssertEqual(code, .unprocessableEntity)
        XCTAssertEqual(errorCode(body), "check_policy_invalid")
    }

    func testMaintenanceContactsHearAheadAndAfterOnce() async throws {
        let admin = try await token("admin@keel.test")
        let formatter = ISO8601DateFormatter()
        let start = Date().addingTimeInterval(30 * 3600), end = start.addingTimeInterval(2 * 3600)
        var (code, body) = try await call(.POST, "/api/v1/maintenance-windows", token: admin, json: """
            {"organizationId":"\(huaxin.uuidString)","name":"防火墙升级","start":"\(formatter.string(from: start))","end":"\(formatter.string(from: end))"}
            """)
        XCTAssertEqual(code, .created, body)
        XCTAssertEqual(object(body)["contacts"] as? [String], [user("admin@huaxin-design.example").uuidString], "default: the client's admins")
        (code, body) = try await call(.POST, "/api/v1/maintenance-windows", token: admin, json: """
            {"organizationId":"\(huaxin.uuidString)","name":"x","start":"\(formatter.string(from: start))","end":"\(formatter.string(from: end))",
             "contacts":["\(user("office@greenlaw.example").uuidString)"]}
            """)
        XCTAssertEqual(errorCode(body), "contacts_invalid")
        // Two nodes sweeping at once: one of them sends it.
        let application: Application = app
        var sent = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 { group.addTask { try await MonitoringNotices.sweepMaintenance(application, now: Date()) } }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(sent, 1, "30 h ahead is inside the 48 h notice, sent once")
        sent = try await MonitoringNotices.sweepMaintenance(app, now: Date().addingTimeInterval(60))
        XCTAssertEqual(sent, 0, "once per occurrence")
        sent = try await MonitoringNotices.sweepMaintenance(app, now: end.addingTimeInterval(120))
        XCTAssertEqual(sent, 1, "the completion notice")
        sent = try await MonitoringNotices.sweepMaintenance(app, now: end.addingTimeInterval(180))
        XCTAssertEqual(sent, 0)
        let liu = try await token("admin@huaxin-design.example")
        (code, body) = try await call(.GET, "/api/v1/notifications", token: liu, headers: [("Accept-Language", "zh-CN")])
        let texts = (object(body)["items"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        XCTAssertTrue(texts.contains { $0.hasPrefix("计划维护“防火墙升级”") }, "\(texts)")
        XCTAssertTrue(texts.contains { $0.hasPrefix("维护“防火墙升级”已结束") }, "\(texts)")
        try await Outbox(app: app).composePending()
        let mails = try await OutboundMessage.query(on: app.db).filter(\.$kind ~~ ["maintenance_upcoming", "maintenance_done"]).all()
        XCTAssertEqual(mails.count, 2)
        let raw = String(decoding: try XCTUnwrap(mails.first { $0.kind == "maintenance_upcoming" }).raw, as: UTF8.self)
        XCTAssertTrue(raw.contains("Content-Type: text/plain"), "a text part")
    }

    func testAHeartbeatFailingInsideMaintenanceTellsNobody() async throws {
        let admin = try await token("admin@keel.test")
        var (code, body) = try await call(.POST, "/api/v1/checks", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Nightly backup","type":"push","periodSeconds":86400,"graceSeconds":3600}
            """)
        XCTAssertEqual(code, .created, body)
        let ping = try XCTUnwrap(object(body)["pingUrl"] as? String).replacingOccurrences(of: app.keel.publicBaseURL, with: "")
        let formatter = ISO8601DateFormatter()
        (code, body) = try await call(.POST, "/api/v1/maintenance-windows", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Storage move","start":"\(formatter.string(from: Date().addingTimeInterval(-60)))",
             "end":"\(formatter.string(from: Date().addingTimeInterval(3600)))"}
            """)
        XCTAssertEqual(code, .created, body)
        (code, _) = try await call(.GET, ping)
        XCTAssertEqual(code, .ok)
        (code, _) = try await call(.GET, ping + "/fail")
        XCTAssertEqual(code, .ok)
        let tickets = try await Ticket.query(on: app.db).filter(\.$channel == "monitoring").count()
        XCTAssertEqual(tickets, 0, "inside the window: recorded, no ticket")
        let told = try await InAppNotification.query(on: app.db).filter(\.$kind == "check_failed").count()
        XCTAssertEqual(told, 0)
    }

    func testRawResultsExpireAndRollupsStay() async throws {
        let check = try await create(#"{"organizationId":"\#(green.uuidString)","name":"Old","type":"tcp","target":"127.0.0.1:1","retries":0}"#)
        let old = Date().addingTimeInterval(-40 * 86_400)
        for offset in 0..<3 {
            let row = CheckResult()
            row.id = OrderedID.make(at: old)
            row.checkID = try check.requireID()
            row.at = old.addingTimeInterval(Double(offset))
            row.up = true
            try await row.create(on: app.db)
            try await CheckRollupRecord.add(MonitorResult(at: row.at, isUp: true, latencyMilliseconds: 3), checkID: row.checkID, on: app.db)
        }
        try await runDue()
        let removed = try await MonitoringNotices.pruneResults(app)
        XCTAssertEqual(removed, 3)
        let kept = try await CheckResult.query(on: app.db).filter(\.$checkID == check.requireID()).count()
        XCTAssertEqual(kept, 1, "the fresh result stays")
        let rollups = try await CheckRollupRecord.query(on: app.db).filter(\.$checkID == check.requireID()).filter(\.$start < Date().addingTimeInterval(-86_400)).count()
        XCTAssertEqual(rollups, 1, "the old hour's roll-up stays")
    }
}

extension ActiveCheckTests {
    func testTheSchedulerDoesNotWaitForASlowTarget() async throws {
        let port = try await startTarget()
        let fast = try await create(#"{"organizationId":"\#(green.uuidString)","name":"Fast","type":"http","target":"http://127.0.0.1:\#(port)/ok","retries":0}"#)
        let slow = try await create(#"{"organizationId":"\#(green.uuidString)","name":"Slow","type":"http","target":"http://127.0.0.1:\#(port)/slow","retries":0}"#)
        try await MonitorCheck.query(on: app.db).set(\.$nextCheckAt, to: Date().addingTimeInterval(-2)).update()
        let scheduler = CheckScheduler(app: app)
        try await scheduler.step()
        func results(_ check: MonitorCheck) async throws -> [CheckResult] {
            try await CheckResult.query(on: app.db).filter(\.$checkID == check.requireID()).all()
        }
        try await Task.sleep(nanoseconds: 250_000_000)
        try await scheduler.step()
        var fastResults = try await results(fast), slowResults = try await results(slow)
        XCTAssertEqual(fastResults.count, 1, "the fast probe is stored while the slow one (600 ms) still runs")
        XCTAssertEqual(slowResults.count, 0)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(fastResults.first?.delayMs), 1000, "it was due two seconds ago")
        try await Task.sleep(nanoseconds: 900_000_000)
        try await scheduler.step()
        fastResults = try await results(fast)
        slowResults = try await results(slow)
        XCTAssertEqual(slowResults.count, 1)
        XCTAssertEqual(fastResults.count, 1, "not due again for an interval")
        let leased = try await MonitorCheck.query(on: app.db).filter(\.$leaseUntil != nil).count()
        XCTAssertEqual(leased, 0, "leases are released when results are stored")
    }
}

extension ActiveCheckTests {
    func testConcurrentPingsShareCommitsAndLoseNothing() async throws {
        let admin = try await token("admin@keel.test")
        let (code, body) = try await call(.POST, "/api/v1/checks", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Busy job","type":"push","periodSeconds":3600,"graceSeconds":600}
            """)
        XCTAssertEqual(code, .created, body)
        let ping = try XCTUnwrap(object(body)["pingUrl"] as? String).replacingOccurrences(of: app.keel.publicBaseURL, with: "")
        let checkID = try XCTUnwrap(UUID(uuidString: object(body)["id"] as? String ?? ""))
        let application: Application = app
        let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for index in 0..<60 {
                group.addTask {
                    var status: HTTPStatus = .internalServerError
                    try await application.test(index % 3 == 0 ? .POST : .GET, ping + (index == 59 ? "/fail" : ""), beforeRequest: { req in
                        if index % 3 == 0 { req.body = ByteBuffer(string: "log line \(index)") }
                    }, afterResponse: { res async in status = res.status })
                    return status
                }
            }
            return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
        }
        XCTAssertEqual(statuses.filter { $0 == .ok }.count, 60)
        let runs = try await HeartbeatRun.query(on: app.db).filter(\.$checkID == checkID).all()
        XCTAssertEqual(runs.count, 60, "every ping kept")
        XCTAssertEqual(Set(runs.compactMap(\.id)).count, 60)
        XCTAssertEqual(runs.filter { $0.kind == "fail" }.count, 1)
        XCTAssertEqual(runs.filter { $0.body.hasPrefix("log line") }.count, 20, "POST bodies kept as the runs' logs")
        XCTAssertTrue(runs.allSatisfy { abs($0.at.timeIntervalSinceNow) < 120 && !$0.truncated }, "times and flags read back")
        let check = try await MonitorCheck.find(checkID, on: app.db)
        XCTAssertLessThan(abs(try XCTUnwrap(check?.lastPingAt).timeIntervalSinceNow), 120)
        XCTAssertTrue(["up", "failed"].contains(check?.status ?? ""), check?.status ?? "")
    }
}
