import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

/// CSV import over HTTP: preview with a guessed mapping and per-row problems, nothing
/// half-imported, then every row in one go.
final class AssetImportTests: KeelTestCase {
    /// A spreadsheet as a Chinese office exports it: GB18030, a title row, Chinese headers.
    private func gb18030(_ text: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    private func body(_ csv: Data, organization: UUID, mapping: String? = nil) -> String {
        """
        {"organizationId":"\(organization.uuidString)","csv":"\(csv.base64EncodedString())","currency":"CNY"\(mapping.map { ",\"mapping\":\($0)" } ?? "")}
        """
    }

    func testAChineseSpreadsheetIsPreviewedRefusedWhileWrongAndThenImportedWhole() async throws {
        let admin = try await token("admin@keel.test")
        try await makeAsset(huaxin, name: "HX-OLD", subkind: "laptop", serial: "PF2ABCD1")
        let broken = try gb18030("""
            固定资产清单,,,,,,
            资产编号,设备名称,类型,序列号,购买日期,采购价格,使用人,状态
            HX-001,设计部笔记本,笔记本,PF2ABCD1,2021年3月5日,"¥8,999.00",wang.fang@huaxin-design.example,使用中
            HX-002,前台打印机,打印机,CN12345,05/03/2022,3200,,在用
            HX-003,会议室电视,显示器,,2023-01-10,4500,不存在的人,在库
            """)
        var (status, answer) = try await call(.POST, "/api/v1/assets/import/preview", token: admin, json: body(broken, organization: huaxin))
        XCTAssertEqual(status, .ok, answer)
        let preview = object(answer)
        XCTAssertEqual(preview["encoding"] as? String, "gb18030")
        let mapping = try XCTUnwrap(preview["mapping"] as? [String: String])
        XCTAssertEqual(mapping["序列号"], "serial")
        XCTAssertEqual(mapping["设备名称"], "name")
        XCTAssertEqual(mapping["使用人"], "owner")
        XCTAssertEqual(preview["valid"] as? Bool, false)
        // Row 4 has an ambiguous date (the domain says so before the database is asked).
        var problems = try XCTUnwrap(preview["problems"] as? [[String: Any]])
        XCTAssertEqual(problems.map { $0["row"] as? Int }, [4])
        XCTAssertEqual(problems.first?["code"] as? String, "import.date_ambiguous")
        XCTAssertEqual(problems.first?["column"] as? String, "购买日期")
        let before = try await count(Asset.self)
        (status, answer) = try await call(.POST, "/api/v1/assets/import", token: admin, json: body(broken, organization: huaxin))
        XCTAssertEqual(status, .unprocessableEntity, answer)
        XCTAssertEqual(errorCode(answer), "import_has_errors")
        let afterRefusal = try await count(Asset.self)
        XCTAssertEqual(afterRefusal, before, "nothing half-imported")
        // The date fixed: now the database checks show (existing serial, unknown person).
        let second = try gb18030("""
            资产编号,设备名称,类型,序列号,购买日期,采购价格,使用人,状态
            HX-001,设计部笔记本,笔记本,PF2ABCD1,2021年3月5日,"¥8,999.00",wang.fang@huaxin-design.example,使用中
            HX-002,前台打印机,打印机,CN12345,2022-03-05,3200,,在用
            HX-003,会议室电视,显示器,,2023-01-10,4500,不存在的人,在库
            """)
        (status, answer) = try await call(.POST, "/api/v1/assets/import/preview", token: admin, json: body(second, organization: huaxin))
        problems = object(answer)["problems"] as? [[String: Any]] ?? []
        XCTAssertEqual(problems.compactMap { $0["code"] as? String }, ["import.serial_exists", "import.owner_unknown"], answer)
        // A mapping given by the caller: the owner column ignored, the serial of row 2 corrected.
        let fixed = try gb18030("""
            资产编号,设备名称,类型,序列号,购买日期,采购价格,使用人,状态
            HX-001,设计部笔记本,笔记本,PF2ZZZZ9,2021年3月5日,"¥8,999.00",wang.fang@huaxin-design.example,使用中
            HX-002,前台打印机,打印机,CN12345,2022-03-05,3200,,在用
            HX-003,会议室电视,显示器,,2023-01-10,4500,,在库
            """)
        (status, answer) = try await call(.POST, "/api/v1/assets/import", token: admin, json: body(fixed, organization: huaxin))
        XCTAssertEqual(status, .created, answer)
        XCTAssertEqual(object(answer)["created"] as? Int, 3)
        let laptop = try await Asset.query(on: app.db).filter(\.$serial == "PF2ZZZZ9").first()
        XCTAssertEqual(laptop?.subkind, "laptop")
        XCTAssertEqual(laptop?.purchaseDate, "2021-03-05")
        XCTAssertEqual(laptop?.purchaseCostCents, 899_900)
        XCTAssertEqual(laptop?.currency, "CNY")
        XCTAssertEqual(laptop?.$owner.id, user("wang.fang@huaxin-design.example"))
        let tv = try await Asset.query(on: app.db).filter(\.$tag == "HX-003").first()
        XCTAssertEqual(tv?.kind, "peripheral")
        XCTAssertEqual(tv?.lifecycleState, "in_stock")
        let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "asset.import").count()
        XCTAssertEqual(audited, 3)
        // A mapping that names no name column is refused as a whole.
        (status, answer) = try await call(.POST, "/api/v1/assets/import/preview", token: admin,
                                          json: body(fixed, organization: huaxin, mapping: #"{"设备名称":"ignore"}"#))
        XCTAssertEqual(errorCode(answer), "import.mapping_name_missing")
    }

    func testImportIsScopedAndRefusesBadFiles() async throws {
        let office = try await token("office@greenlaw.example")
        let csv = Data("Name,Serial\nGL-1,S1\n".utf8)
        var (status, answer) = try await call(.POST, "/api/v1/assets/import", token: office, json: body(csv, organization: huaxin))
        XCTAssertEqual(status, .notFound, "another organisation does not exist for a client admin")
        let patel = try await token("j.patel@greenlaw.example")
        (status, answer) = try await call(.POST, "/api/v1/assets/import", token: patel, json: body(csv, organization: green))
        XCTAssertEqual(status, .forbidden)
        (status, answer) = try await call(.POST, "/api/v1/assets/import", token: office, json: body(Data("\"unclosed,x\n".utf8), organization: green))
        XCTAssertEqual(errorCode(answer), "import.unterminated_quote", answer)
        (status, answer) = try await call(.POST, "/api/v1/assets/import", token: office,
                                          json: #"{"organizationId":"\#(green.uuidString)","csv":""}"#)
        XCTAssertEqual(errorCode(answer), "import.file_empty")
        (status, answer) = try await call(.POST, "/api/v1/assets/import", token: office, json: body(csv, organization: green))
        XCTAssertEqual(status, .created, answer)
    }
}
