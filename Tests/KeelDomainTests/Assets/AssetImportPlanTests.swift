import Foundation
import KeelDomain
import XCTest

/// Building a plan: typed rows, per-row errors, duplicates, numbering, and a real Chinese file.
final class AssetImportPlanTests: XCTestCase {
    private func codes(_ plan: AssetImportPlan?) -> [String] {
        plan?.errors.map { "\($0.row):\($0.column ?? "-"):\($0.code.rawValue)" } ?? []
    }

    func testRealisticChineseSpreadsheetEndToEnd() throws {
        let csv = """
            资产编号,设备名称,类型,品牌,型号,序列号,购买日期,采购价格,供应商,保修到期,使用人,位置,状态,部门,备注\r
            ZC-2023-001,财务部-张三,笔记本,联想,ThinkPad T14,PF3ABCD1,2023/3/15,"6,499.00",京东企业购,2026年3月14日,张三,北京总部,使用中,财务部,\r
            ZC-2023-002,前台打印机,打印机,惠普,LaserJet Pro M404dn,VNB3K12345,2023.05.20,¥2180,办公伙伴,2024-05-19,,北京总部,在用,行政部,"放在前台\r
            碳粉每季度更换"\r
            ZC-2022-017,核心交换机,交换机,华为,S5735-L48T4S-A,2102353172DMN8000123,2022-11-01,15800,华为代理商,2027-10-31,李四,机房,在用,IT部,\r
            ZC-2021-008,文件服务器,服务器,戴尔,PowerEdge R740,7XYZ123,2021-06-30,CNY 42000,戴尔直销,2024-06-29,李四,机房,维修中,IT部,风扇故障已报修\r
            ZC-2019-003,旧台式机,台式机,联想,启天M415,-,2019/1/8,3200,,,,,报废,,\r
            ZC-2024-010,设计部显示器,显示器,戴尔,U2723QE,CN0ABC123,2024-01-12,3999.5,,2027-01-11,王五,上海分公司,库存,设计部,\r

            """
        let bytes = ImportFixtures.encode(csv, to: "GB18030")
        let table = try XCTUnwrap(ImportFixtures.parse(bytes))
        XCTAssertEqual(table.encoding, .gb18030)
        var mapping = AssetImportMapping.guess(headers: table.headers)
        XCTAssertEqual(mapping["部门"], .ignore)
        mapping["部门"] = .custom("department")
        let plan = AssetImportPlan.build(table: table, mapping: try mapping.validated(headers: table.headers),
                                         defaults: AssetImportDefaults(currency: "CNY"))
        XCTAssertEqual(plan.errors, [])
        XCTAssertTrue(plan.isValid)
        XCTAssertEqual(plan.rowCount, 6)
        XCTAssertEqual(plan.validRowCount, 6)
        XCTAssertEqual(plan.rows.map(\.row), [2, 3, 4, 5, 6, 7], "the quoted line end does not shift numbering")

        let laptop = plan.rows[0]
        XCTAssertEqual(laptop, AssetImportRow(
            row: 2, kind: .computer, subkind: .laptop, tag: "ZC-2023-001", name: "财务部-张三", manufacturer: "联想",
            model: "ThinkPad T14", serial: "PF3ABCD1", purchaseDate: CivilDate("2023-03-15"), purchaseCostCents: 649_900,
            currency: "CNY", supplier: "京东企业购", warrantyEnd: CivilDate("2026-03-14"), lifecycleState: .inUse,
            owner: "张三", site: "北京总部", custom: ["department": "财务部"]))
        XCTAssertEqual(plan.rows[1].kind, .printer)
        XCTAssertNil(plan.rows[1].subkind)
        XCTAssertEqual(plan.rows[1].notes, "放在前台\n碳粉每季度更换")
        XCTAssertNil(plan.rows[1].owner)
        XCTAssertEqual(plan.rows[1].purchaseCostCents, 218_000)
        XCTAssertEqual(plan.rows[1].currency, "CNY")
        XCTAssertEqual(plan.rows[2].kind, .network)
        XCTAssertEqual(plan.rows[3].subkind, .server)
        XCTAssertEqual(plan.rows[3].lifecycleState, .inRepair)
        XCTAssertEqual(plan.rows[3].notes, "风扇故障已报修")
        XCTAssertNil(plan.rows[4].serial, "\"-\" is no serial")
        XCTAssertEqual(plan.rows[4].lifecycleState, .disposed)
        XCTAssertEqual(plan.rows[4].custom, [:])
        XCTAssertEqual(plan.rows[5].kind, .peripheral)
        XCTAssertEqual(plan.rows[5].lifecycleState, .inStock)
        XCTAssertEqual(plan.rows[5].purchaseCostCents, 399_950)

        // The preview travels as JSON, dates as "YYYY-MM-DD" and states as API names.
        let json = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        XCTAssertTrue(json.contains("\"purchaseDate\":\"2023-03-15\""), json)
        XCTAssertTrue(json.contains("\"lifecycleState\":\"in_repair\""))
        XCTAssertTrue(json.contains("\"isValid\":true"))
        XCTAssertEqual(try JSONDecoder().decode(AssetImportPlan.self, from: Data(json.utf8)), plan)
    }

    func testErrorsCarryRowColumnCodeAndValue() throws {
        let csv = """
            Name,Purchase Date,Cost,Status,Type,Currency,Warranty
            PC-1,05/03/2024,abc,lost,Toaster,XYZ,2024-02-30
            ,2024-01-01,,,,,
            PC-3,,,,,,
            """
        let plan = try XCTUnwrap(ImportFixtures.plan(csv))
        XCTAssertFalse(plan.isValid)
        XCTAssertEqual(codes(plan), [
            "2:Purchase Date:import.date_ambiguous", "2:Cost:import.cost_invalid", "2:Status:import.state_unknown",
            "2:Type:import.kind_unknown", "2:Currency:import.currency_invalid", "2:Warranty:import.date_invalid",
            "3:Name:import.name_missing",
        ])
        XCTAssertEqual(plan.errors.map(\.value), ["05/03/2024", "abc", "lost", "Toaster", "XYZ", "2024-02-30", nil])
        XCTAssertEqual(plan.rows.map(\.name), ["PC-3"])
        XCTAssertEqual(plan.rowCount, 3)
        XCTAssertEqual(plan.validRowCount, 1)
        XCTAssertEqual(plan.invalidRowCount, 2)
        XCTAssertEqual(plan.errorCount, 7)
        XCTAssertFalse(plan.errorsTruncated)
        XCTAssertEqual(plan.errors[0].description, "row 2, Purchase Date: import.date_ambiguous \"05/03/2024\"")
    }

    func testRowNumbersFollowTheSpreadsheetWithTitleAndBlankRows() throws {
        let csv = "设备清单,,\n名称,序列号,状态\nPC-1,S1,在用\n\nPC-2,S2,不知道\n"
        let plan = try XCTUnwrap(ImportFixtures.plan(csv))
        XCTAssertEqual(plan.rows.map(\.row), [3])
        XCTAssertEqual(codes(plan), ["5:状态:import.state_unknown"])
    }

    func testDuplicatesInTheFile() throws {
        let csv = """
            Name,Serial,Asset Tag
            PC-1,abc123,T-1
            PC-2,ABC123,T-2
            PC-3,xyz,t-1
            PC-4,-,
            PC-5,N/A,
            PC-6,abc123,T-1
            """
        let plan = try XCTUnwrap(ImportFixtures.plan(csv))
        XCTAssertEqual(codes(plan), [
            "3:Serial:import.duplicate_serial_in_file", "4:Asset Tag:import.duplicate_tag_in_file",
            "7:Serial:import.duplicate_serial_in_file", "7:Asset Tag:import.duplicate_tag_in_file",
        ])
        XCTAssertEqual(plan.errors.map(\.otherRow), [2, 2, 2, 2])
        XCTAssertEqual(plan.errors.map(\.value), ["ABC123", "t-1", "abc123", "T-1"])
        XCTAssertEqual(plan.rows.map(\.row), [2, 5, 6], "placeholder serials are not duplicates")
    }

    func testLengthLimits() throws {
        let long = String(repeating: "长", count: 256)
        let notes = String(repeating: "n", count: 4000)
        let custom = String(repeating: "c", count: 1001)
        let csv = "Name,Model,Notes,Extra\nPC-1,\(long),\(notes),\(custom)\nPC-2,\(String(repeating: "长", count: 255)),\(notes)x,\(long)\n\(long),,,\n"
        let table = try XCTUnwrap(ImportFixtures.parse(csv))
        var mapping = AssetImportMapping.guess(headers: table.headers)
        mapping["Extra"] = .custom("extra")
        let plan = AssetImportPlan.build(table: table, mapping: mapping)
        XCTAssertEqual(codes(plan), ["2:Model:import.too_long", "2:Extra:import.too_long", "3:Notes:import.too_long",
                                     "4:Name:import.too_long"])
        XCTAssertEqual(plan.errors[0].value?.unicodeScalars.count, 201, "the echoed value is cut")
    }

    func testCustomFieldsCarriedOrCheckedAgainstDefinitions() throws {
        let csv = """
            Name,Type,Department,Bought,SIM,Colour
            PC-1,笔记本,财务部,2024/3/5,,blue
            PC-2,台式机,,2024年3月5日,,
            Phone-1,手机,销售部,,138,
            PC-3,笔记本,IT,yesterday,,
            """
        let table = try XCTUnwrap(ImportFixtures.parse(csv))
        var mapping = AssetImportMapping.guess(headers: table.headers)
        mapping["Department"] = .custom("department")
        mapping["Bought"] = .custom("handover")
        mapping["SIM"] = .custom("sim_no")
        mapping["Colour"] = .custom("colour")

        let carried = AssetImportPlan.build(table: table, mapping: mapping)
        XCTAssertTrue(carried.isValid)
        XCTAssertEqual(carried.rows[0].custom, ["department": "财务部", "handover": "2024/3/5", "colour": "blue"])

        let definitions = [
            AssetFieldDefinition(key: "department", kind: .computer, labelEn: "Department", labelZh: "部门",
                                 valueType: .choice, options: ["财务部", "IT"], required: true),
            AssetFieldDefinition(key: "handover", kind: .computer, labelEn: "Handed over", labelZh: "交付日期", valueType: .date),
            AssetFieldDefinition(key: "sim_no", kind: .phone, labelEn: "SIM", labelZh: "SIM 卡号", valueType: .text),
        ]
        let imei = AssetFieldDefinition(key: "imei", kind: .phone, labelEn: "IMEI", labelZh: "IMEI", valueType: .text,
                                        required: true)
        let checked = AssetImportPlan.build(table: table, mapping: mapping, customFields: definitions + [imei])
        XCTAssertEqual(codes(checked), [
            "2:Colour:import.custom_field_unknown", "3:Department:import.custom_field_required",
            "4:Department:import.custom_field_unknown", "4:-:import.custom_field_required",
            "5:Bought:import.custom_value_invalid",
        ])
        XCTAssertNil(checked.errors[3].column, "a required field no column fills")
        XCTAssertEqual(checked.errors[4].value, "yesterday")
        let clean = AssetImportPlan.build(table: table, mapping: mapping, customFields: definitions + [
            AssetFieldDefinition(key: "colour", kind: .computer, labelEn: "Colour", labelZh: "颜色", valueType: .text),
            AssetFieldDefinition(key: "department", kind: .phone, labelEn: "Department", labelZh: "部门", valueType: .text),
        ])
        XCTAssertEqual(clean.rows.first?.custom, ["department": "财务部", "handover": "2024-03-05", "colour": "blue"],
                       "dates are normalised for date fields")
        XCTAssertEqual(clean.rows.map(\.name), ["PC-1", "Phone-1"])
    }

    func testKindSubkindAndDefaults() throws {
        let csv = """
            Name,Type,Subkind,Status,Cost
            A,,,,
            B,Computer,Laptop,,
            C,,服务器,,
            D,笔记本,server,,
            E,Printer,laptop,,
            F,Computer,Tablet,,
            G,-,-,-,-
            """
        let defaults = AssetImportDefaults(currency: "EUR", kind: .computer, lifecycleState: .inStock)
        let plan = try XCTUnwrap(ImportFixtures.plan(csv, defaults: defaults))
        XCTAssertEqual(codes(plan), ["6:Subkind:import.subkind_not_computer", "7:Subkind:import.subkind_unknown"])
        let byName = Dictionary(uniqueKeysWithValues: plan.rows.map { ($0.name, $0) })
        XCTAssertEqual(byName["A"]?.kind, .computer)
        XCTAssertNil(byName["A"]?.subkind)
        XCTAssertEqual(byName["A"]?.lifecycleState, .inStock)
        XCTAssertNil(byName["A"]?.currency, "no cost, no currency")
        XCTAssertEqual(byName["B"]?.subkind, .laptop)
        XCTAssertEqual(byName["C"]?.kind, .computer, "a subkind alone makes a computer")
        XCTAssertEqual(byName["C"]?.subkind, .server)
        XCTAssertEqual(byName["D"]?.subkind, .server, "the subkind column wins over the kind word")
        XCTAssertEqual(byName["G"]?.kind, .computer)

        let other = try XCTUnwrap(ImportFixtures.plan("Name\nX\n"))
        XCTAssertEqual(other.rows.first?.kind, .other, "the default kind is other")
        XCTAssertEqual(other.rows.first?.lifecycleState, .inUse, "the default state is in use")
    }

    func testCurrencyResolution() throws {
        let csv = """
            Name,Cost,Currency
            A,100,
            B,100,usd
            C,USD 100,
            D,USD 100,EUR
            E,¥100,
            F,¥100,JPY
            G,¥100,USD
            H,$100,
            I,,HKD
            J,€5,eur
            """
        let plan = try XCTUnwrap(ImportFixtures.plan(csv, defaults: AssetImportDefaults(currency: "cny")))
        XCTAssertEqual(codes(plan), ["5:Cost:import.currency_mismatch", "8:Cost:import.currency_mismatch"])
        let currency = Dictionary(uniqueKeysWithValues: plan.rows.map { ($0.name, $0.currency ?? "nil") })
        XCTAssertEqual(currency, ["A": "CNY", "B": "USD", "C": "USD", "E": "CNY", "F": "JPY", "H": "USD", "I": "HKD",
                                  "J": "EUR"])
        let yen = try XCTUnwrap(ImportFixtures.plan("Name,Cost\nA,¥100\n", defaults: AssetImportDefaults(currency: "JPY")))
        XCTAssertEqual(yen.rows.first?.currency, "JPY", "¥ with a yen default is yen")
        let none = try XCTUnwrap(ImportFixtures.plan("Name,Cost\nA,100\n", defaults: AssetImportDefaults(currency: nil)))
        XCTAssertNil(none.rows.first?.currency)
        XCTAssertEqual(none.rows.first?.purchaseCostCents, 10_000)
    }

    func testExtraCellsBeyondTheHeaderAreRefusedUnlessEmpty() throws {
        let csv = "Name,Cost\nA,\"1,234.50\"\nB,1,234.50\nC,5,,\nD\n"
        let plan = try XCTUnwrap(ImportFixtures.plan(csv))
        XCTAssertEqual(codes(plan), ["3:-:import.extra_cells"])
        XCTAssertEqual(plan.errors.first?.value, "234.50")
        XCTAssertEqual(plan.rows.map(\.name), ["A", "C", "D"], "short rows read as padded")
        XCTAssertEqual(plan.rows.first?.purchaseCostCents, 123_450)
    }

    func testTextIsCleaned() throws {
        let csv = "Name,Owner,Notes,Site\n\"  Dell\n OptiPlex \u{0007} 7090 \",\u{00A0}zhang@example.com\u{3000},\"  line 1  \r\n\r\n  line 2\t \",\" \"\n"
        let plan = try XCTUnwrap(ImportFixtures.plan(csv))
        let row = try XCTUnwrap(plan.rows.first)
        XCTAssertEqual(row.name, "Dell OptiPlex 7090")
        XCTAssertEqual(row.owner, "zhang@example.com")
        XCTAssertEqual(row.notes, "line 1\n\n  line 2")
        XCTAssertNil(row.site)
    }

    func testMappingProblemsYieldNoRows() throws {
        let table = try XCTUnwrap(ImportFixtures.parse("Serial,SN\nA,B\n"))
        let plan = AssetImportPlan.build(table: table, mapping: .guess(headers: table.headers))
        XCTAssertEqual(plan.mappingErrors, [.nameNotMapped])
        XCTAssertFalse(plan.isValid)
        XCTAssertEqual(plan.rows, [])
        XCTAssertEqual(plan.rowCount, 1)
        let stale = AssetImportPlan.build(table: table, mapping: AssetImportMapping(["Name": .field(.name)]))
        XCTAssertEqual(stale.mappingErrors, [.unknownColumn("Name"), .nameNotMapped])
    }

    func testErrorsAreCappedButCounted() throws {
        var csv = "Name,Purchase Date\n"
        for i in 0..<50 { csv += "PC-\(i),bad\n" }
        let table = try XCTUnwrap(ImportFixtures.parse(csv))
        let plan = AssetImportPlan.build(table: table, mapping: .guess(headers: table.headers), maxErrors: 10)
        XCTAssertEqual(plan.errors.count, 10)
        XCTAssertEqual(plan.errorCount, 50)
        XCTAssertEqual(plan.invalidRowCount, 50)
        XCTAssertTrue(plan.errorsTruncated)
        XCTAssertEqual(plan.errors.last?.row, 11)
    }

    func testHeaderOnlyFileIsAValidEmptyPlan() throws {
        let plan = try XCTUnwrap(ImportFixtures.plan("名称,序列号\r\n"))
        XCTAssertTrue(plan.isValid)
        XCTAssertEqual(plan.rowCount, 0)
    }

    func testLargePlanIsQuick() throws {
        var csv = "名称,类型,序列号,购买日期,价格,状态\n"
        for i in 0..<5_000 { csv += "PC-\(i),笔记本,SN\(i),2024/1/\(i % 28 + 1),\"1,\(100 + i % 900).50\",在用\n" }
        let start = Date()
        let plan = try XCTUnwrap(ImportFixtures.plan(csv))
        XCTAssertTrue(plan.isValid, "\(plan.errors.prefix(3))")
        XCTAssertEqual(plan.validRowCount, 5_000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }
}
