import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// The browser flow at HTTP level: CSRF on every form, cookie flags, language switch.
final class WebTests: KeelTestCase {
    func testSignInWithoutTheFormTokenIsRefused() async throws {
        try await app.test(.POST, "/login", beforeRequest: { req in
            try req.content.encode(["email": "admin@keel.test", "password": Self.password], as: .urlEncodedForm)
        }, afterResponse: { res async in
            XCTAssertEqual(res.status, .forbidden)
            XCTAssertNil(res.headers.setCookie?[AuthMiddleware.sessionCookie])
        })
    }

    func testWrongPasswordShowsTheFormAgainWithAnError() async throws {
        let (csrf, cookie) = try await loginPage()
        try await app.test(.POST, "/login", beforeRequest: { req in
            req.headers.cookie = HTTPCookies(dictionaryLiteral: ("keel_csrf", HTTPCookies.Value(string: cookie)))
            try req.content.encode(["email": "admin@keel.test", "password": "wrong-wrong-wrong", "_csrf": csrf], as: .urlEncodedForm)
        }, afterResponse: { res async in
            XCTAssertEqual(res.status, .unauthorized)
            XCTAssertTrue(res.body.string.contains("flash-error"))
            XCTAssertTrue(res.body.string.contains("Wrong email or password."))
        })
    }

    func testFormsWithoutTheSessionTokenChangeNothing() async throws {
        let (session, csrf) = try await signIn("admin@keel.test")
        XCTAssertFalse(csrf.isEmpty)
        let before = try await count(Organization.self)
        let (status, _, _) = try await post("/organizations", session: session,
                                            form: ["name": "Forged", "defaultLanguage": "en", "timezone": "UTC"])
        XCTAssertEqual(status, .forbidden)
        let value1 = try await count(Organization.self)
        XCTAssertEqual(value1, before)
        let (ok, _, location) = try await post("/organizations", session: session,
                                               form: ["name": "Real Co", "defaultLanguage": "en", "timezone": "Europe/London",
                                                      "emailDomains": "real.example, realco.example", "_csrf": csrf])
        XCTAssertEqual(ok, .seeOther)
        XCTAssertTrue(location?.hasPrefix("/organizations/") ?? false)
        let (page, html) = try await get(location!, session: session)
        XCTAssertEqual(page, .ok)
        XCTAssertTrue(html.contains("<h1 id=\"org-title\">Real Co</h1>"))
    }

    func testInvalidFormIsShownAgainWithTheFieldMarked() async throws {
        let (session, csrf) = try await signIn("admin@keel.test")
        let (status, html, _) = try await post("/organizations", session: session,
                                               form: ["name": "Bad Zone Ltd", "defaultLanguage": "en", "timezone": "Nowhere/Land", "_csrf": csrf])
        XCTAssertEqual(status, .unprocessableEntity)
        XCTAssertTrue(html.contains("flash-error"))
        XCTAssertTrue(html.contains("id=\"org-timezone\" name=\"timezone\" value=\"Nowhere/Land\" required class=\"field-error\""), html)
        XCTAssertTrue(html.contains("value=\"Bad Zone Ltd\""), "what was typed is kept")
    }

    func testLanguageSwitchTurnsTheWholePageChinese() async throws {
        let (session, csrf) = try await signIn("office@greenlaw.example")
        let (status, _, _) = try await post("/account/language", session: session, form: ["language": "zh-Hans", "_csrf": csrf])
        XCTAssertEqual(status, .seeOther)
        let (_, html) = try await get("/organizations", session: session)
        XCTAssertTrue(html.contains("<html lang=\"zh-Hans\">"))
        XCTAssertTrue(html.contains(">客户组织</a>"))
        let value2 = try await User.find(user("office@greenlaw.example"), on: app.db)?.language
        XCTAssertEqual(value2, "zh-Hans")
    }

    func testClientAdminSeesOwnOrganisationOnlyAndNoForeignPages() async throws {
        let (session, _) = try await signIn("office@greenlaw.example")
        let (_, list) = try await get("/organizations", session: session)
        XCTAssertTrue(list.contains("Green &amp; Co Solicitors"))
        XCTAssertFalse(list.contains("Huaxin"))
        let value3 = try await get("/organizations/\(huaxin.uuidString)", session: session).0
        XCTAssertEqual(value3, .notFound)
        let value4 = try await get("/users/\(user("admin@huaxin-design.example").uuidString)", session: session).0
        XCTAssertEqual(value4, .notFound)
        let (_, people) = try await get("/users", session: session)
        XCTAssertFalse(people.contains("huaxin-design.example"))
        XCTAssertFalse(people.contains("keel.test"), "provider staff are not listed to clients")
    }

    func testSignOutEndsTheSession() async throws {
        let (session, csrf) = try await signIn("tech1@keel.test")
        let (status, _, location) = try await post("/logout", session: session, form: ["_csrf": csrf])
        XCTAssertEqual(status, .seeOther)
        XCTAssertTrue(location?.hasPrefix("/login") ?? false)
        try await app.test(.GET, "/organizations", beforeRequest: { req in
            req.headers.cookie = HTTPCookies(dictionaryLiteral: (AuthMiddleware.sessionCookie, HTTPCookies.Value(string: session)))
        }, afterResponse: { res async in
            XCTAssertEqual(res.status, .seeOther)
            XCTAssertEqual(res.headers.first(name: .location), "/login")
        })
        let value5 = try await count(WebSession.self)
        XCTAssertEqual(value5, 0)
    }

    func testPagesRenderForEveryRole() async throws {
        for email in ["admin@keel.test", "tech3@keel.test", "office@greenlaw.example", "j.patel@greenlaw.example"] {
            let (session, _) = try await signIn(email)
            for path in ["/", "/organizations", "/users", "/account", "/tokens", "/organizations/new", "/users/new", "/tickets", "/tickets/new",
                         "/board", "/notifications", "/calendars", "/calendars/new", "/tickets?q=printer&status=&sla=", "/tickets.csv",
                         "/assets", "/assets/new", "/licences", "/purchase-advice", "/purchase-advice.csv", "/assets.csv?view=old",
                         "/monitoring", "/assets/import"] {
                let (status, html) = try await get(path, session: session)
                XCTAssertTrue([200, 403].contains(status.code), "\(email) \(path) → \(status)")
                XCTAssertFalse(html.contains("went wrong"), "\(email) \(path)")
            }
            let audit = try await get("/audit", session: session).0
            XCTAssertEqual(audit.code, ["admin@keel.test", "office@greenlaw.example"].contains(email) ? 200 : 403, email)
        }
    }

    func testAdminLimitsATechnicianFromThePersonForm() async throws {
        let (session, csrf) = try await signIn("admin@keel.test")
        let tech1 = user("tech1@keel.test")
        let (_, page) = try await get("/users/\(tech1.uuidString)/edit", session: session)
        XCTAssertTrue(page.contains("id=\"technician-scope\""))
        var form = ["name": "Sam Carter", "email": "tech1@keel.test", "role": "technician", "organizationId": "",
                    "language": "en", "active": "on", "technicianScope": "1", "_csrf": csrf]
        form["technicianOrganizationIds[]"] = bloom.uuidString
        let (status, _, _) = try await post("/users/\(tech1.uuidString)", session: session, form: form)
        XCTAssertEqual(status, .seeOther)
        let rows = try await TechnicianAssignment.query(on: app.db).filter(\.$user.$id == tech1).all()
        XCTAssertEqual(rows.map { $0.$organization.id }, [bloom])
        // Unticking everything gives the technician all organisations again.
        form.removeValue(forKey: "technicianOrganizationIds[]")
        _ = try await post("/users/\(tech1.uuidString)", session: session, form: form)
        let remaining = try await TechnicianAssignment.query(on: app.db).filter(\.$user.$id == tech1).count()
        XCTAssertEqual(remaining, 0)
    }

    func testAdminEditsASiteAndBadTimezoneIsShownOnTheForm() async throws {
        let (session, csrf) = try await signIn("admin@keel.test")
        let site = DemoData.id("site:bloom:Shop")
        let path = "/organizations/\(bloom.uuidString)/sites/\(site.uuidString)"
        let (bad, html, _) = try await post(path, session: session,
                                            form: ["name": "Shop", "address": "x", "timezone": "Bath/Abbey", "_csrf": csrf])
        XCTAssertEqual(bad, .unprocessableEntity)
        XCTAssertTrue(html.contains("field-error"))
        let (ok, _, _) = try await post(path, session: session,
                                        form: ["name": "Bath shop", "address": "5 Market Street", "timezone": "Europe/London", "_csrf": csrf])
        XCTAssertEqual(ok, .seeOther)
        let saved = try await Site.find(site, on: app.db)
        XCTAssertEqual(saved?.name, "Bath shop")
        // A client admin cannot reach the edit page of another organisation's site.
        let (office, _) = try await signIn("office@greenlaw.example")
        let foreign = try await get("\(path)/edit", session: office).0
        XCTAssertEqual(foreign, .notFound)
    }

    func testTechnicianRecordsTimeAndMergesByNumberFromTheTicketPage() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let first = object(try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"Email down"}"#).1)
        let second = object(try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"No email"}"#).1)
        let (session, csrf) = try await signIn("tech1@keel.test")
        let secondID = second["id"] as! String
        let (timeStatus, _, _) = try await post("/tickets/\(secondID)/staff", session: session,
                                                form: ["action": "time", "minutes": "25", "billable": "on", "note": "checked MX", "_csrf": csrf])
        XCTAssertEqual(timeStatus, .seeOther)
        let entries = try await TimeEntry.query(on: app.db).all()
        XCTAssertEqual(entries.map(\.minutes), [25])
        let (unknown, html, _) = try await post("/tickets/\(secondID)/staff", session: session,
                                                form: ["action": "merge", "number": "#99999", "_csrf": csrf])
        XCTAssertEqual(unknown, .ok)
        XCTAssertTrue(html.contains("flash-error"))
        let (merged, _, _) = try await post("/tickets/\(secondID)/staff", session: session,
                                            form: ["action": "merge", "number": "#\(first["number"] as! Int)", "_csrf": csrf])
        XCTAssertEqual(merged, .seeOther)
        let stored = try await Ticket.find(UUID(uuidString: secondID)!, on: app.db)
        XCTAssertEqual(stored?.status, "closed")
        XCTAssertEqual(stored?.mergedIntoID?.uuidString, first["id"] as? String)
    }
}


final class CalendarWebTests: KeelTestCase {
    func testCalendarsAreManagedAsJSONWithFieldErrorsAndICSImport() async throws {
        let admin = try await token("admin@keel.test")
        // API: a bad definition names the field; a good one is stored and used.
        let (bad, badBody) = try await call(.POST, "/api/v1/calendars", token: admin, json: """
            {"organizationId":"\(bloom.uuidString)","name":"Shop","timezone":"Europe/London","weekly":{"mon":[["18:00","09:00"]]},"holidays":[],"workdays":[]}
            """)
        XCTAssertEqual(bad, .unprocessableEntity)
        XCTAssertEqual(errorCode(badBody), "calendar_invalid")
        XCTAssertTrue(badBody.contains("weekly.mon"), badBody)
        let (ok, okBody) = try await call(.POST, "/api/v1/calendars", token: admin, json: """
            {"organizationId":"\(bloom.uuidString)","name":"Shop hours","timezone":"Europe/London",
             "weekly":{"mon":[["08:00","18:00"]],"tue":[["08:00","18:00"]],"wed":[["08:00","18:00"]],"thu":[["08:00","18:00"]],
                       "fri":[["08:00","18:00"]],"sat":[["09:00","13:00"]],"sun":[]},"holidays":["--12-25"],"workdays":[]}
            """)
        XCTAssertEqual(ok, .created, okBody)
        let id = object(okBody)["id"] as! String
        XCTAssertEqual(object(okBody)["timezone"] as? String, "Europe/London")
        XCTAssertEqual(object(okBody)["organizationId"] as? String, bloom.uuidString)
        // Clients read their own organisation's calendar, not others'.
        let owner = try await token("owner@bloom.example")
        let own = try await call(.GET, "/api/v1/calendars/\(id)", token: owner).0
        XCTAssertEqual(own, .ok)
        let denied = try await call(.PATCH, "/api/v1/calendars/\(id)", token: owner, json: "{}").0
        XCTAssertEqual(denied, .forbidden)
        // ICS import merges holidays.
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let record = try await BusinessCalendarRecord.find(UUID(uuidString: id)!, on: app.db)!
        let context = try await RequestContext.make(user: try await User.find(user("admin@keel.test"), on: app.db)!, on: app.db,
                                                    via: "test", credentialID: nil, address: nil)
        let request = Request(application: app, on: app.eventLoopGroup.next())
        request.context = context
        try await CalendarAPI.importICS(ics, into: record, req: request)
        let (_, after) = try await call(.GET, "/api/v1/calendars/\(id)", token: admin)
        XCTAssertEqual(object(after)["holidays"] as? [String], ["--12-25", "2027-01-01"])
    }
}
