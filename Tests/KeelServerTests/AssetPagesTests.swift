import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// The ledger's pages: forms for adding and editing assets, lifecycle moves, ticket links.
final class AssetPagesTests: KeelTestCase {
    func testAssetFormsLifecycleAndTicketLinksInTheBrowser() async throws {
        let admin = try await token("admin@keel.test")
        _ = try await call(.POST, "/api/v1/asset-fields", token: admin, json: """
            {"kind":"printer","key":"toner","labelEn":"Toner model","labelZh":"硒鼓型号","valueType":"text"}
            """)
        let (session, csrf) = try await signIn("office@greenlaw.example")
        var (status, html) = try await get("/assets/new", session: session)
        XCTAssertEqual(status, .ok)
        XCTAssertTrue(html.contains("custom.printer.toner"), "the printer's custom field is on the form")
        // A bad date: the form comes back with the field marked and nothing is created.
        var (posted, body, location) = try await post("/assets", session: session, form: [
            "_csrf": csrf, "organizationId": green.uuidString, "kind": "printer", "name": "Brother HL-L2350", "purchaseDate": "2024-02-31",
        ])
        XCTAssertEqual(posted, .unprocessableEntity)
        XCTAssertTrue(body.contains("id=\"asset-purchase-date\"") && body.contains("aria-invalid"), "field marked")
        XCTAssertTrue(body.contains("Brother HL-L2350"), "what was typed is kept")
        let brothers = try await Asset.query(on: app.db).filter(\.$name == "Brother HL-L2350").count()
        XCTAssertEqual(brothers, 0)
        (posted, body, location) = try await post("/assets", session: session, form: [
            "_csrf": csrf, "organizationId": green.uuidString, "kind": "printer", "name": "Brother HL-L2350", "purchaseDate": "2024-02-28",
            "purchaseCost": "1,299.50", "currency": "GBP", "lifecycleState": "in_use", "custom.printer.toner": "TN-2420",
            "custom.computer.whatever": "ignored", "ownerId": user("j.patel@greenlaw.example").uuidString,
        ])
        XCTAssertEqual(posted, .seeOther, body)
        let path = try XCTUnwrap(location)
        let asset = try await Asset.query(on: app.db).filter(\.$name == "Brother HL-L2350").first()
        XCTAssertEqual(asset?.purchaseCostCents, 129_950)
        XCTAssertEqual(asset?.customFields, #"{"toner":"TN-2420"}"#)
        (status, html) = try await get(path, session: session)
        XCTAssertTrue(html.contains("TN-2420") && html.contains("Toner model") && html.contains("1299.50 GBP"), "facts shown")
        // Move it to repair with a reason; the history shows who and why.
        (posted, body, _) = try await post(path + "/lifecycle", session: session, form: ["_csrf": csrf, "state": "in_repair", "note": "roller worn"])
        XCTAssertEqual(posted, .seeOther, body)
        (status, html) = try await get(path, session: session)
        XCTAssertTrue(html.contains("roller worn") && html.contains("In repair"), "lifecycle shown")
        // An illegal move is shown as an error on the page, nothing changes.
        (posted, body, _) = try await post(path + "/lifecycle", session: session, form: ["_csrf": csrf, "state": "disposed"])
        XCTAssertEqual(posted, .unprocessableEntity)
        XCTAssertTrue(body.contains("cannot go from"), body)
        // Edit: the name changes, the custom field is kept.
        (posted, body, _) = try await post(path + "/edit", session: session, form: [
            "_csrf": csrf, "kind": "printer", "name": "Brother HL-L2350DW", "custom.printer.toner": "TN-2420", "purchaseDate": "2024-02-28",
        ])
        XCTAssertEqual(posted, .seeOther, body)
        let renamed = try await Asset.find(asset?.id, on: app.db)
        XCTAssertEqual(renamed?.name, "Brother HL-L2350DW")
        XCTAssertEqual(renamed?.lifecycleState, "in_repair")
        // The employee raises a ticket about their printer from the portal form; the asset page lists it.
        let employee = try await signIn("j.patel@greenlaw.example")
        (status, html) = try await get("/tickets/new", session: employee.session)
        XCTAssertTrue(html.contains("Brother HL-L2350DW"), "their device is offered on the ticket form")
        (posted, body, location) = try await post("/tickets", session: employee.session, form: [
            "_csrf": employee.csrf, "title": "Printer streaks every page", "assetIds[]": asset!.id!.uuidString,
        ])
        XCTAssertEqual(posted, .seeOther, body)
        (status, html) = try await get(path, session: session)
        XCTAssertTrue(html.contains("Printer streaks every page"), "the asset page lists its tickets")
        let ticketPath = try XCTUnwrap(location?.components(separatedBy: "?").first)
        (status, html) = try await get(ticketPath, session: employee.session)
        XCTAssertTrue(html.contains("id=\"ticket-assets\"") && html.contains("Brother HL-L2350DW"))
        // The employee may not open the edit form.
        (status, _) = try await get(path + "/edit", session: employee.session)
        XCTAssertEqual(status, .forbidden)
    }
}

extension AssetPagesTests {
    func testLicencePageShowsComplianceAndRevealsTheKeyOnlyWithAnAuditRecord() async throws {
        let (session, csrf) = try await signIn("office@greenlaw.example")
        var (posted, body, location) = try await post("/licences", session: session, form: [
            "_csrf": csrf, "organizationId": green.uuidString, "name": "WPS 2023 team", "software": "WPS Office", "seats": "many",
        ])
        XCTAssertEqual(posted, .unprocessableEntity, "seats must be a number")
        (posted, body, location) = try await post("/licences", session: session, form: [
            "_csrf": csrf, "organizationId": green.uuidString, "name": "WPS 2023 team", "software": "WPS Office", "seats": "5",
            "key": "WPS-SECRET-123", "expiresOn": "2099-01-01",
        ])
        XCTAssertEqual(posted, .seeOther, body)
        var (status, html) = try await get(try XCTUnwrap(location), session: session)
        XCTAssertEqual(status, .ok)
        XCTAssertTrue(html.contains("id=\"compliance\"") && html.contains("WPS 2023 team"))
        XCTAssertFalse(html.contains("WPS-SECRET-123"), "the key is not on the page until asked for")
        let licence = try await Licence.query(on: app.db).filter(\.$name == "WPS 2023 team").first()
        (status, html, _) = try await post("/licences/\(licence!.id!.uuidString)/key", session: session, form: ["_csrf": csrf])
        XCTAssertTrue(html.contains("WPS-SECRET-123"))
        let looks = try await AuditEvent.query(on: app.db).filter(\.$action == "licence.key_view").count()
        XCTAssertEqual(looks, 1)
        // A client employee sees no licence page data and cannot reveal keys.
        let employee = try await signIn("j.patel@greenlaw.example")
        (status, html, _) = try await post("/licences/\(licence!.id!.uuidString)/key", session: employee.session, form: ["_csrf": employee.csrf])
        XCTAssertEqual(status, .notFound)
        (status, html) = try await get("/purchase-advice", session: session)
        XCTAssertEqual(status, .ok)
        XCTAssertTrue(html.contains("id=\"advice-totals\""))
    }
}

extension AssetPagesTests {
    private func uploadCSV(_ csv: String, session: String, csrf: String) async throws -> (HTTPStatus, String) {
        let boundary = "keel-\(UUID().uuidString)"
        var body = ""
        for (name, value) in ["_csrf": csrf, "organizationId": green.uuidString, "currency": "GBP"] {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ledger.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
        var result: (HTTPStatus, String) = (.internalServerError, "")
        try await app.test(.POST, "/assets/import", beforeRequest: { req in
            req.headers.cookie = HTTPCookies(dictionaryLiteral: (AuthMiddleware.sessionCookie, HTTPCookies.Value(string: session)))
            req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            req.body = ByteBuffer(string: body)
        }, afterResponse: { res async in result = (res.status, res.body.string) })
        return result
    }

    func testImportPageShowsProblemsLetsTheMappingChangeAndImportsWhenClean() async throws {
        let (session, csrf) = try await signIn("office@greenlaw.example")
        var (status, html) = try await get("/assets/import", session: session)
        XCTAssertEqual(status, .ok)
        XCTAssertTrue(html.contains("id=\"import-upload\""))
        // "Code" is guessed as nothing, "Hostname" as the name. Row 3 has a bad date.
        let csv = "Hostname,Code,Purchase Date,Price\nGL-NEW-1,T-1,2024-01-02,899.00\nGL-NEW-2,T-2,yesterday,700\n"
        (status, html) = try await uploadCSV(csv, session: session, csrf: csrf)
        XCTAssertEqual(status, .unprocessableEntity, html)
        XCTAssertTrue(html.contains("id=\"import-problems\"") && html.contains("Not a date"), "the bad date is shown with its row")
        XCTAssertTrue(html.contains("<option value=\"name\" selected>"), "the guessed mapping is preselected")
        XCTAssertFalse(html.contains("id=\"import-commit\""), "no import button while anything is wrong")
        let hidden = try XCTUnwrap(html.range(of: "name=\"csv\" value=\"")).upperBound
        let original = String(html[hidden...].prefix { $0 != "\"" })
        // Map "Code" to the asset tag and fix nothing else: still refused, nothing created.
        var (posted, body, _) = try await post("/assets/import", session: session, form: [
            "_csrf": csrf, "csv": original, "organizationId": green.uuidString, "currency": "GBP", "fileName": "ledger.csv",
            "map.0": "name", "map.1": "tag", "map.2": "purchaseDate", "map.3": "purchaseCost", "commit": "1",
        ])
        XCTAssertEqual(posted, .unprocessableEntity)
        let none = try await Asset.query(on: app.db).filter(\.$name ~~ ["GL-NEW-1", "GL-NEW-2"]).count()
        XCTAssertEqual(none, 0)
        // The corrected file, with the chosen mapping, goes in whole.
        let fixed = Data("Machine,Code,Bought,Price\nGL-NEW-1,T-1,2024-01-02,899.00\nGL-NEW-2,T-2,2024-02-03,700\n".utf8).base64EncodedString()
        (posted, body, _) = try await post("/assets/import", session: session, form: [
            "_csrf": csrf, "csv": fixed, "organizationId": green.uuidString, "currency": "GBP", "fileName": "ledger.csv",
            "map.0": "name", "map.1": "tag", "map.2": "purchaseDate", "map.3": "purchaseCost", "commit": "1",
        ])
        XCTAssertEqual(posted, .seeOther, body)
        let created = try await Asset.query(on: app.db).filter(\.$name ~~ ["GL-NEW-1", "GL-NEW-2"]).all()
        XCTAssertEqual(created.count, 2)
        XCTAssertEqual(Set(created.compactMap(\.tag)), ["T-1", "T-2"])
        XCTAssertEqual(created.first { $0.name == "GL-NEW-1" }?.purchaseCostCents, 89_900)
        XCTAssertEqual(created.first?.currency, "GBP")
        let moves = try await AssetLifecycleEvent.query(on: app.db).filter(\.$asset.$id ~~ created.compactMap(\.id)).all()
        XCTAssertTrue(moves.allSatisfy { $0.note.contains("ledger.csv") })
    }
}
