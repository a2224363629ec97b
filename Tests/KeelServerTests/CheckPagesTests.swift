import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// Checks and maintenance windows managed in the browser: the forms go through the same
/// rules as the API, a refused form keeps what was typed, another organisation's check is 404.
final class CheckPagesTests: KeelTestCase {
    func testChecksAreCreatedChangedAndRemovedFromTheirPages() async throws {
        let (session, csrf) = try await signIn("office@greenlaw.example")
        var (status, html) = try await get("/monitoring/checks/new", session: session)
        XCTAssertEqual(status, .ok)
        XCTAssertTrue(html.contains("id=\"check-choose\""), "first the organisation and the type")
        (status, html) = try await get("/monitoring/checks/new?organizationId=\(green.uuidString)&type=http", session: session)
        XCTAssertEqual(status, .ok)
        XCTAssertTrue(html.contains("Helen Green") && html.contains("id=\"check-keyword\""), "people of the organisation, http fields")
        // A bad interval comes back marked, nothing is created.
        var (posted, body, location) = try await post("/monitoring/checks?type=http", session: session, pairs: [
            ("_csrf", csrf), ("organizationId", green.uuidString), ("name", "Intranet"), ("target", "https://intranet.greenlaw.example"),
            ("intervalSeconds", "5"), ("contacts[]", user("office@greenlaw.example").uuidString),
        ])
        XCTAssertEqual(posted, .unprocessableEntity)
        XCTAssertTrue(body.contains("id=\"check-interval\"") && body.contains("aria-invalid") && body.contains("Intranet"), "marked and kept")
        var count = try await MonitorCheck.query(on: app.db).count()
        XCTAssertEqual(count, 0)
        (posted, body, location) = try await post("/monitoring/checks?type=http", session: session, pairs: [
            ("_csrf", csrf), ("organizationId", green.uuidString), ("name", "Intranet"), ("target", "https://intranet.greenlaw.example"),
            ("intervalSeconds", "120"), ("keyword", "Welcome"), ("followRedirects", "on"), ("autoResolve", "on"),
            ("contacts[]", user("office@greenlaw.example").uuidString), ("contacts[]", user("s.okafor@greenlaw.example").uuidString),
        ])
        XCTAssertEqual(posted, .seeOther, body)
        let path = try XCTUnwrap(location)
        let checkRow = try await MonitorCheck.query(on: app.db).filter(\.$name == "Intranet").first()
        let check = try XCTUnwrap(checkRow)
        XCTAssertEqual(check.contactIDs.count, 2)
        XCTAssertEqual(CheckRunner.decodeConfig(check)?.keyword, "Welcome")
        XCTAssertEqual(CheckRunner.decodeConfig(check)?.policy.intervalSeconds, 120)
        (status, html) = try await get(path + "/edit", session: session)
        XCTAssertTrue(html.contains("value=\"Welcome\"") && html.contains("value=\"120\""), "the form shows the check")
        (posted, body, _) = try await post(path + "/edit", session: session, pairs: [
            ("_csrf", csrf), ("name", "Intranet home"), ("target", "https://intranet.greenlaw.example/home"), ("intervalSeconds", "120"),
            ("keyword", ""), ("contacts[]", user("office@greenlaw.example").uuidString),
        ])
        XCTAssertEqual(posted, .seeOther, body)
        let changed = try await MonitorCheck.find(check.id, on: app.db)
        XCTAssertEqual(changed?.name, "Intranet home")
        XCTAssertEqual(changed?.contactIDs, [user("office@greenlaw.example")])
        XCTAssertNil(CheckRunner.decodeConfig(try XCTUnwrap(changed))?.keyword, "a cleared keyword is gone")
        XCTAssertEqual(changed?.autoResolve, false, "an unticked box is false")
        // A heartbeat from the form shows its ping address and the lines to paste.
        (posted, body, location) = try await post("/monitoring/checks?type=push", session: session, pairs: [
            ("_csrf", csrf), ("organizationId", green.uuidString), ("name", "Nightly backup"), ("cron", "0 2 * * *"),
            ("timezone", "Europe/London"), ("graceSeconds", "3600"),
        ])
        XCTAssertEqual(posted, .seeOther, body)
        let backupRow = try await MonitorCheck.query(on: app.db).filter(\.$name == "Nightly backup").first()
        let backup = try XCTUnwrap(backupRow)
        (status, html) = try await get("/monitoring/checks/\(try backup.requireID().uuidString)/edit", session: session)
        XCTAssertTrue(html.contains("/ping/") && html.contains("curl -fsS"), "ping URL and curl lines")
        // Another client's admin gets 404 for the page and the removal; the owner removes it.
        let other = try await signIn("owner@bloom.example")
        (status, _) = try await get(path + "/edit", session: other.session)
        XCTAssertEqual(status, .notFound)
        (posted, _, _) = try await post(path + "/delete", session: other.session, form: ["_csrf": other.csrf])
        XCTAssertEqual(posted, .notFound)
        (posted, _, location) = try await post(path + "/delete", session: session, form: ["_csrf": csrf])
        XCTAssertEqual(posted, .seeOther)
        count = try await MonitorCheck.query(on: app.db).filter(\.$name == "Intranet home").count()
        XCTAssertEqual(count, 0)
    }

    func testMaintenanceIsPlannedAndCancelledFromItsPage() async throws {
        let (session, csrf) = try await signIn("admin@keel.test")
        var (status, html) = try await get("/monitoring/maintenance?organizationId=\(huaxin.uuidString)", session: session)
        XCTAssertEqual(status, .ok, html)
        XCTAssertTrue(html.contains("id=\"maintenance-form\"") && html.contains("上海总部"), "the form with the organisation's sites")
        var (posted, body, _) = try await post("/monitoring/maintenance", session: session, pairs: [
            ("_csrf", csrf), ("organizationId", huaxin.uuidString), ("name", "服务器迁移"), ("kind", "once"),
            ("start", "2031-05-01T22:00"), ("end", "2031-05-01T20:00"), ("timezone", "Asia/Shanghai"),
        ])
        XCTAssertEqual(posted, .unprocessableEntity, "ends before it starts")
        XCTAssertTrue(body.contains("服务器迁移"), "what was typed is kept")
        (posted, body, _) = try await post("/monitoring/maintenance", session: session, pairs: [
            ("_csrf", csrf), ("organizationId", huaxin.uuidString), ("name", "服务器迁移"), ("kind", "once"),
            ("start", "2031-05-01T22:00"), ("end", "2031-05-02T02:00"), ("timezone", "Asia/Shanghai"),
            ("siteIds[]", DemoData.id("site:huaxin:上海总部").uuidString), ("contacts[]", user("admin@huaxin-design.example").uuidString),
        ])
        XCTAssertEqual(posted, .seeOther, body)
        let recordRow = try await MaintenanceWindowRecord.query(on: app.db).first()
        let record = try XCTUnwrap(recordRow)
        guard case .once(let start, _)? = record.window?.recurrence else { return XCTFail("one-off expected") }
        XCTAssertEqual(start, ISO8601DateFormatter().date(from: "2031-05-01T14:00:00Z"), "22:00 in Shanghai")
        XCTAssertEqual(record.window?.targets.siteIDs, [DemoData.id("site:huaxin:上海总部")])
        (posted, body, _) = try await post("/monitoring/maintenance", session: session, pairs: [
            ("_csrf", csrf), ("organizationId", huaxin.uuidString), ("name", "Weekly patching"), ("kind", "weekly"),
            ("weekdays[]", "sat"), ("weekdays[]", "sun"), ("at", "03:00"), ("durationMinutes", "90"), ("timezone", "Asia/Shanghai"),
        ])
        XCTAssertEqual(posted, .seeOther, body)
        let liu = try await signIn("admin@huaxin-design.example")
        (status, html) = try await get("/monitoring/maintenance", session: liu.session)
        XCTAssertTrue(html.contains("每周六, 周日 03:00（Asia/Shanghai），持续 90 分钟"), "recurring windows in words, in Chinese")
        XCTAssertTrue(html.contains("服务器迁移"))
        let bloom = try await signIn("owner@bloom.example")
        (status, html) = try await get("/monitoring/maintenance", session: bloom.session)
        XCTAssertFalse(html.contains("服务器迁移"), "another client sees none of it")
        (posted, _, _) = try await post("/monitoring/maintenance/\(try record.requireID().uuidString)/delete", session: bloom.session,
                                        form: ["_csrf": bloom.csrf])
        XCTAssertEqual(posted, .notFound)
        (posted, _, _) = try await post("/monitoring/maintenance/\(try record.requireID().uuidString)/delete", session: liu.session,
                                        form: ["_csrf": liu.csrf])
        XCTAssertEqual(posted, .seeOther)
        let left = try await MaintenanceWindowRecord.query(on: app.db).count()
        XCTAssertEqual(left, 1)
    }
}
