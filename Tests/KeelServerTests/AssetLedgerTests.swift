import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// The hand-kept ledger: assets entered and edited by people, lifecycle moves with who and
/// when, custom fields per type, ticket links, licences and compliance, purchase advice.
final class AssetLedgerTests: KeelTestCase {
    private func create(_ token: String, _ json: String) async throws -> [String: Any] {
        let (status, body) = try await call(.POST, "/api/v1/assets", token: token, json: json)
        XCTAssertEqual(status, .created, body)
        return object(body)
    }

    func testAssetsByHandWithCustomFieldsAndLifecycle() async throws {
        let admin = try await token("admin@keel.test")
        var (status, body) = try await call(.POST, "/api/v1/asset-fields", token: admin, json: """
            {"kind":"printer","key":"toner","labelEn":"Toner model","labelZh":"硒鼓型号","valueType":"text","required":true}
            """)
        XCTAssertEqual(status, .created, body)
        (status, body) = try await call(.POST, "/api/v1/asset-fields", token: admin, json: """
            {"kind":"printer","key":"toner","labelEn":"Again","valueType":"text"}
            """)
        XCTAssertEqual(status, .conflict, body)
        let office = try await token("office@greenlaw.example")
        (status, body) = try await call(.POST, "/api/v1/asset-fields", token: office, json: #"{"kind":"printer","key":"x","labelEn":"X"}"#)
        XCTAssertEqual(status, .forbidden, "only provider admins define fields")
        // The required custom field is enforced, then the printer is created by the client admin.
        (status, body) = try await call(.POST, "/api/v1/assets", token: office, json: """
            {"organizationId":"\(green.uuidString)","kind":"printer","name":"HP LaserJet M404","customFields":{}}
            """)
        XCTAssertEqual(status, .unprocessableEntity, body)
        XCTAssertEqual(errorCode(body), "asset_field_required")
        let printer = try await create(office, """
            {"organizationId":"\(green.uuidString)","kind":"printer","name":"HP LaserJet M404","manufacturer":"HP","serial":"PHB8K01234",
             "purchaseDate":"2022-03-01","purchaseCostCents":249900,"currency":"gbp","warrantyEnd":"2025-03-01","lifecycleState":"in_stock",
             "customFields":{"toner":"CF259A"},"ownerId":"\(user("j.patel@greenlaw.example").uuidString)"}
            """)
        XCTAssertEqual(printer["currency"] as? String, "GBP")
        XCTAssertEqual(printer["lifecycleState"] as? String, "in_stock")
        XCTAssertEqual((printer["customFields"] as? [String: String])?["toner"], "CF259A")
        let id = try XCTUnwrap(printer["id"] as? String)
        // Moves: in stock → in use → in repair; in repair → disposed is refused (409, in Chinese for a Chinese caller).
        (status, body) = try await call(.PATCH, "/api/v1/assets/\(id)", token: office, json: #"{"lifecycleState":"in_use"}"#)
        XCTAssertEqual(status, .ok, body)
        (status, body) = try await call(.PATCH, "/api/v1/assets/\(id)", token: admin,
                                        json: #"{"lifecycleState":"in_repair","lifecycleNote":"paper feed broken, sent to HP"}"#)
        XCTAssertEqual(status, .ok, body)
        (status, body) = try await call(.PATCH, "/api/v1/assets/\(id)", token: admin, json: #"{"lifecycleState":"disposed","name":"renamed"}"#)
        XCTAssertEqual(status, .conflict, body)
        XCTAssertTrue(body.contains("In repair"), body)
        (status, body) = try await call(.GET, "/api/v1/assets/\(id)", token: admin)
        XCTAssertEqual(object(body)["name"] as? String, "HP LaserJet M404", "a refused move changes nothing")
        (status, body) = try await call(.GET, "/api/v1/assets/\(id)/lifecycle", token: office)
        let moves = try XCTUnwrap(object(body)["items"] as? [[String: Any]])
        XCTAssertEqual(moves.map { $0["to"] as? String }, ["in_stock", "in_use", "in_repair"])
        XCTAssertEqual(moves.last?["note"] as? String, "paper feed broken, sent to HP")
        let adminName = try await User.find(user("admin@keel.test"), on: app.db)?.name
        XCTAssertEqual(moves.last?["by"] as? String, adminName)
        XCTAssertNotEqual(moves[1]["by"] as? String, moves[2]["by"] as? String, "who made each move is kept")
        let audited = try await AuditEvent.query(on: app.db).filter(\.$entityID == id.lowercased()).all().map(\.action)
        XCTAssertEqual(Set(audited), ["asset.create", "asset.lifecycle"])
        // Bad values are refused field by field.
        for (json, code) in [(#"{"purchaseDate":"2024-02-30"}"#, "date_invalid"), (#"{"kind":"toaster"}"#, "asset_kind_invalid"),
                             (#"{"subkind":"laptop"}"#, "asset_subkind_invalid"), (#"{"currency":"yuan"}"#, "asset_currency_invalid"),
                             (#"{"customFields":{"colour":"red"}}"#, "asset_field_unknown"),
                             (#"{"ownerId":"\#(user("wang.fang@huaxin-design.example").uuidString)"}"#, "asset_owner_invalid")] {
            (status, body) = try await call(.PATCH, "/api/v1/assets/\(id)", token: admin, json: json)
            XCTAssertEqual(errorCode(body), code, json)
        }
        // A client employee sees the device assigned to them but may not edit it.
        let patel = try await token("j.patel@greenlaw.example")
        (status, body) = try await call(.GET, "/api/v1/assets/\(id)", token: patel)
        XCTAssertEqual(status, .ok)
        (status, body) = try await call(.PATCH, "/api/v1/assets/\(id)", token: patel, json: #"{"name":"mine"}"#)
        XCTAssertEqual(status, .forbidden)
        // A client admin sees only their own organisation's people as owners.
        (status, body) = try await call(.PATCH, "/api/v1/assets/\(id)", token: office,
                                        json: #"{"ownerId":"\#(user("wang.fang@huaxin-design.example").uuidString)"}"#)
        XCTAssertEqual(status, .notFound)
        (status, body) = try await call(.POST, "/api/v1/assets", token: patel,
                                        json: #"{"organizationId":"\#(green.uuidString)","kind":"other","name":"x"}"#)
        XCTAssertEqual(status, .forbidden)
    }

    func testTicketsAndAssetsAreLinkedBothWays() async throws {
        let office = try await token("office@greenlaw.example")
        let patel = try await token("j.patel@greenlaw.example")
        let laptop = try await create(office, """
            {"organizationId":"\(green.uuidString)","kind":"computer","subkind":"laptop","name":"GL-LT-07","ownerId":"\(user("j.patel@greenlaw.example").uuidString)"}
            """)
        let router = try await create(office, #"{"organizationId":"\#(green.uuidString)","kind":"network","name":"Office router"}"#)
        let laptopID = laptop["id"] as! String, routerID = router["id"] as! String
        // The requester picks their laptop on the ticket form.
        var (status, body) = try await call(.POST, "/api/v1/tickets", token: patel, json: """
            {"title":"Laptop will not charge","assetIds":["\(laptopID)"]}
            """)
        XCTAssertEqual(status, .created, body)
        let ticketID = object(body)["id"] as! String
        // Not the router: a client employee only sees their own devices, so it does not exist for them.
        (status, body) = try await call(.POST, "/api/v1/tickets/\(ticketID)/assets", token: patel, json: #"{"assetId":"\#(routerID)"}"#)
        XCTAssertEqual(status, .notFound, body)
        let admin = try await token("admin@keel.test")
        (status, body) = try await call(.POST, "/api/v1/tickets/\(ticketID)/assets", token: admin, json: #"{"assetId":"\#(routerID)"}"#)
        XCTAssertEqual(status, .created, body)
        XCTAssertEqual((object(body)["items"] as? [[String: Any]])?.count, 2)
        (status, body) = try await call(.GET, "/api/v1/assets/\(laptopID)/tickets", token: patel)
        XCTAssertEqual((object(body)["items"] as? [[String: Any]])?.first?["title"] as? String, "Laptop will not charge")
        // The employee sees only the linked device of theirs; staff see both.
        (status, body) = try await call(.GET, "/api/v1/tickets/\(ticketID)/assets", token: patel)
        XCTAssertEqual((object(body)["items"] as? [[String: Any]])?.map { $0["id"] as? String }, [laptopID])
        // Another organisation's asset cannot be linked, even by staff.
        let foreign = try await create(admin, #"{"organizationId":"\#(huaxin.uuidString)","kind":"printer","name":"上海打印机"}"#)
        (status, body) = try await call(.POST, "/api/v1/tickets/\(ticketID)/assets", token: admin, json: #"{"assetId":"\#(foreign["id"] as! String)"}"#)
        XCTAssertEqual(errorCode(body), "asset_other_organization")
        (status, body) = try await call(.DELETE, "/api/v1/tickets/\(ticketID)/assets/\(routerID)", token: admin)
        XCTAssertEqual(status, .noContent)
        (status, body) = try await call(.DELETE, "/api/v1/tickets/\(ticketID)/assets/\(routerID)", token: admin)
        XCTAssertEqual(status, .notFound)
        let links = try await count(TicketAsset.self)
        XCTAssertEqual(links, 1)
        let actions = try await AuditEvent.query(on: app.db).filter(\.$entityID == ticketID.lowercased()).all().map(\.action)
        XCTAssertTrue(actions.contains("ticket.asset_link") && actions.contains("ticket.asset_unlink"), "\(actions)")
    }

    func testLicencesKeepTheKeySealedAndComplianceCountsInstallations() async throws {
        let admin = try await token("admin@keel.test")
        var (status, body) = try await call(.POST, "/api/v1/licences", token: admin, json: """
            {"organizationId":"\(green.uuidString)","name":"Office 2021 volume","software":"Microsoft Office Professional Plus 2021",
             "seats":2,"key":"ABCDE-FGHIJ-KLMNO-PQRST-UVWXY","expiresOn":"2099-12-31","costCents":120000,"currency":"GBP"}
            """)
        XCTAssertEqual(status, .created, body)
        let licence = object(body)
        XCTAssertEqual(licence["hasKey"] as? Bool, true)
        XCTAssertFalse(body.contains("ABCDE"), "the key is not in the representation")
        let id = licence["id"] as! String
        let stored = try await Licence.find(UUID(uuidString: id), on: app.db)
        XCTAssertFalse(stored?.keySealed?.contains("ABCDE") ?? true, "sealed at rest")
        let audit = try await AuditEvent.query(on: app.db).filter(\.$entityID == id.lowercased()).all()
        XCTAssertFalse(audit.contains { $0.changes.contains("ABCDE") }, "the key never reaches the audit log")
        (status, body) = try await call(.GET, "/api/v1/licences/\(id)/key", token: admin)
        XCTAssertEqual(object(body)["key"] as? String, "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY")
        let viewed = try await AuditEvent.query(on: app.db).filter(\.$action == "licence.key_view").count()
        XCTAssertEqual(viewed, 1)
        // Three computers of Green have Office installed (one retired, not counted): 2 seats, 2 in use → compliant; a third → short.
        let key = stored!.catalogKey
        for (index, state) in ["in_use", "in_use", "retired", "in_use"].enumerated() {
            let asset = try await makeAsset(green, name: "GL-PC-\(index)", subkind: "desktop", state: state)
            try await InstalledSoftware.install([.init(key: key, name: "Microsoft Office Professional Plus 2021", version: "16.0.14332",
                                                       publisher: "Microsoft")], on: asset.requireID(), db: app.db)
        }
        (status, body) = try await call(.GET, "/api/v1/licence-compliance?organizationId=\(green.uuidString)", token: admin)
        let line = try XCTUnwrap((object(body)["items"] as? [[String: Any]])?.first)
        XCTAssertEqual(line["installed"] as? Int, 3)
        XCTAssertEqual(line["owned"] as? Int, 2)
        XCTAssertEqual(line["shortfall"] as? Int, 1)
        XCTAssertEqual(line["status"] as? String, "under_licensed")
        (status, body) = try await call(.PATCH, "/api/v1/licences/\(id)", token: admin, json: #"{"seats":5}"#)
        XCTAssertEqual(status, .ok, body)
        (status, body) = try await call(.GET, "/api/v1/licence-compliance?organizationId=\(green.uuidString)", token: admin)
        XCTAssertEqual((object(body)["items"] as? [[String: Any]])?.first?["status"] as? String, "compliant")
        // Client employees see no licences; their admin sees the organisation's.
        let patel = try await token("j.patel@greenlaw.example")
        (status, body) = try await call(.GET, "/api/v1/licences/\(id)", token: patel)
        XCTAssertEqual(status, .notFound)
        let office = try await token("office@greenlaw.example")
        (status, body) = try await call(.GET, "/api/v1/licences", token: office)
        XCTAssertEqual((object(body)["items"] as? [[String: Any]])?.count, 1)
    }

    func testPurchaseAdviceListsOldAndUnsupportedDevicesWithTotals() async throws {
        let admin = try await token("admin@keel.test")
        _ = try await create(admin, """
            {"organizationId":"\(green.uuidString)","kind":"computer","subkind":"laptop","name":"OLD-LAPTOP","purchaseDate":"2019-01-15",
             "purchaseCostCents":95000,"currency":"GBP"}
            """)
        _ = try await create(admin, """
            {"organizationId":"\(green.uuidString)","kind":"computer","subkind":"desktop","name":"NEW-DESKTOP","purchaseDate":"\(AssetDatesForTest.recent)"}
            """)
        _ = try await create(admin, """
            {"organizationId":"\(green.uuidString)","kind":"computer","subkind":"laptop","name":"RETIRED","purchaseDate":"2015-01-15","lifecycleState":"retired"}
            """)
        let (status, body) = try await call(.GET, "/api/v1/purchase-advice?organizationId=\(green.uuidString)&horizonDays=90", token: admin)
        XCTAssertEqual(status, .ok, body)
        let advice = object(body)
        let items = try XCTUnwrap(advice["items"] as? [[String: Any]])
        XCTAssertEqual(items.compactMap { ($0["asset"] as? [String: Any])?["name"] as? String }, ["OLD-LAPTOP"])
        XCTAssertEqual(items.first?["reasons"] as? [String], ["too_old"])
        let totals = try XCTUnwrap(advice["totals"] as? [[String: Any]])
        XCTAssertEqual(totals.first?["currency"] as? String, "GBP")
        XCTAssertEqual(totals.first?["cents"] as? Int, 95000)
        let (bad, _) = try await call(.GET, "/api/v1/purchase-advice?horizonDays=0", token: admin)
        XCTAssertEqual(bad, .badRequest)
    }
}

enum AssetDatesForTest {
    /// A purchase date a few months ago.
    static var recent: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(-120 * 86_400))
    }
}

extension AssetLedgerTests {
    func testSoftwareCatalogueGroupsVersionsAndRespectsScope() async throws {
        let owners = [user("j.patel@greenlaw.example"), user("s.okafor@greenlaw.example")]
        for (index, version) in ["7.0.0.1", "7.1.0.3"].enumerated() {
            let asset = try await makeAsset(green, name: "GL-\(index)", subkind: "laptop", owner: owners[index])
            try await InstalledSoftware.install([.init(key: "7-zip", name: "7-Zip \(version) (x64)", version: version, publisher: "Igor Pavlov")],
                                                on: asset.requireID(), db: app.db)
        }
        let admin = try await token("admin@keel.test")
        var (status, body) = try await call(.GET, "/api/v1/software?q=ZIP", token: admin)
        XCTAssertEqual(status, .ok, body)
        var items = object(body)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(items.first?["devices"] as? Int, 2)
        XCTAssertEqual(items.first?["versions"] as? Int, 2)
        let patel = try await token("j.patel@greenlaw.example")
        (status, body) = try await call(.GET, "/api/v1/software", token: patel)
        items = object(body)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(items.first?["devices"] as? Int, 1, "an employee counts only their own device")
        let wang = try await token("wang.fang@huaxin-design.example")
        (status, body) = try await call(.GET, "/api/v1/software", token: wang)
        XCTAssertEqual((object(body)["items"] as? [Any])?.count, 0)
        (status, _) = try await call(.GET, "/api/v1/software?organizationId=\(green.uuidString)", token: wang)
        XCTAssertEqual(status, .notFound)
    }
}

extension AssetLedgerTests {
    func testTheLedgerFiltersByTypeAndState() async throws {
        try await makeAsset(green, name: "GL-PRN", kind: "printer", state: "in_repair")
        try await makeAsset(green, name: "GL-LT", subkind: "laptop")
        let admin = try await token("admin@keel.test")
        var (status, body) = try await call(.GET, "/api/v1/assets?organizationId=\(green.uuidString)&kind=printer&state=in_repair", token: admin)
        XCTAssertEqual(status, .ok, body)
        XCTAssertEqual((object(body)["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["GL-PRN"])
        (status, body) = try await call(.GET, "/api/v1/assets?state=lost", token: admin)
        XCTAssertEqual(errorCode(body), "asset_state_invalid")
        (status, body) = try await call(.GET, "/api/v1/assets?kind=toaster", token: admin)
        XCTAssertEqual(status, .badRequest)
    }
}
