import Foundation
import KeelDomain
import XCTest

/// Header guessing in English and Chinese, JSON mappings and their rejection.
final class AssetImportMappingTests: XCTestCase {
    private func guessed(_ headers: [String]) -> [String: String] {
        AssetImportMapping.guess(headers: headers).targets.mapValues(\.rawValue)
    }

    func testGuessesEnglishHeaders() {
        let headers = ["Asset Tag", "Hostname", "Type", "Manufacturer", "Model", "Serial Number", "Purchase Date",
                       "Cost", "Currency", "Supplier", "Warranty", "End of Support", "Status", "Owner", "Location",
                       "Notes", "Department"]
        XCTAssertEqual(guessed(headers), [
            "Asset Tag": "tag", "Hostname": "name", "Type": "kind", "Manufacturer": "manufacturer", "Model": "model",
            "Serial Number": "serial", "Purchase Date": "purchaseDate", "Cost": "purchaseCost", "Currency": "currency",
            "Supplier": "supplier", "Warranty": "warrantyEnd", "End of Support": "endOfSupport",
            "Status": "lifecycleState", "Owner": "owner", "Location": "site", "Notes": "notes",
        ])
    }

    func testGuessesChineseHeaders() {
        let headers = ["资产编号", "设备名称", "类型", "品牌", "型号", "序列号", "采购日期", "采购价格", "供应商",
                       "保修截止日期", "责任人", "地点", "状态", "备注", "部门"]
        XCTAssertEqual(guessed(headers), [
            "资产编号": "tag", "设备名称": "name", "类型": "kind", "品牌": "manufacturer", "型号": "model",
            "序列号": "serial", "采购日期": "purchaseDate", "采购价格": "purchaseCost", "供应商": "supplier",
            "保修截止日期": "warrantyEnd", "责任人": "owner", "地点": "site", "状态": "lifecycleState", "备注": "notes",
        ])
    }

    func testVariantsFromTheBrief() {
        let expectations: [(String, String)] = [
            ("Serial", "serial"), ("Serial Number", "serial"), ("S/N", "serial"), ("序列号", "serial"), ("SN", "serial"),
            ("名称", "name"), ("设备名称", "name"), ("计算机名", "name"), ("Hostname", "name"), ("Name", "name"),
            ("型号", "model"), ("品牌", "manufacturer"), ("厂商", "manufacturer"), ("制造商", "manufacturer"),
            ("资产编号", "tag"), ("资产标签", "tag"), ("Asset Tag", "tag"), ("购买日期", "purchaseDate"),
            ("采购日期", "purchaseDate"), ("价格", "purchaseCost"), ("采购价格", "purchaseCost"), ("金额", "purchaseCost"),
            ("Cost", "purchaseCost"), ("供应商", "supplier"), ("保修到期", "warrantyEnd"), ("保修截止日期", "warrantyEnd"),
            ("Warranty", "warrantyEnd"), ("使用人", "owner"), ("责任人", "owner"), ("Owner", "owner"), ("User", "owner"),
            ("位置", "site"), ("地点", "site"), ("Site", "site"), ("Location", "site"), ("状态", "lifecycleState"),
            ("Status", "lifecycleState"), ("类型", "kind"), ("Type", "kind"), ("备注", "notes"), ("Notes", "notes"),
        ]
        for (header, field) in expectations {
            XCTAssertEqual(AssetImportMapping.headerMatch(header)?.field.rawValue, field, header)
        }
    }

    func testMatchingIgnoresCaseSpacesPunctuationHintsAndPrefixes() {
        let expectations: [(String, AssetImportField)] = [
            ("  SERIAL-NUMBER ", .serial), ("serial_number", .serial), ("Serial No.", .serial), ("s / n", .serial),
            ("ＳＮ", .serial), ("购买日期(YYYY-MM-DD)", .purchaseDate), ("价格（元）", .purchaseCost), ("名称*", .name),
            ("【备注】", .notes), ("设备品牌", .manufacturer), ("Asset Serial", .serial), ("Device Model", .model),
            ("Warranty-End", .warrantyEnd), ("规格型号", .model), ("资产原值", .purchaseCost), ("保修到期日", .warrantyEnd),
        ]
        for (header, field) in expectations {
            XCTAssertEqual(AssetImportMapping.headerMatch(header)?.field, field, header)
        }
        for header in ["部门", "Department", "", "  ", "()", "IP地址", "资产", "保修期"] {
            XCTAssertNil(AssetImportMapping.headerMatch(header), header)
        }
    }

    func testBilingualHeaders() {
        let expectations: [(String, AssetImportField)] = [
            ("资产编号/Asset Tag", .tag), ("名称 Name", .name), ("序列号Serial Number", .serial), ("型号 | Model", .model),
            ("购买日期 Purchase Date (YYYY-MM-DD)", .purchaseDate), ("备注 Notes", .notes), ("部门 Owner", .owner),
        ]
        for (header, field) in expectations {
            XCTAssertEqual(AssetImportMapping.headerMatch(header)?.field, field, header)
        }
        XCTAssertNil(AssetImportMapping.headerMatch("名称/Serial"), "halves that disagree match nothing")
        XCTAssertNil(AssetImportMapping.headerMatch("部门/Department"))
        // An exact name is preferred to a bilingual one.
        XCTAssertEqual(AssetImportMapping.guess(headers: ["名称 Name", "设备名称"]).column(for: .name), "设备名称")
    }

    func testEverySynonymMatchesItsOwnField() {
        for (field, words) in AssetImportMapping.headerSynonyms {
            for word in words {
                XCTAssertEqual(AssetImportMapping.headerMatch(word)?.field, field, "\(word) is claimed twice")
            }
        }
    }

    func testGuessNeverMapsTwoColumnsToOneField() {
        let mapping = AssetImportMapping.guess(headers: ["主机名", "名称", "Serial", "SN", "Model", "型号"])
        XCTAssertEqual(mapping.targets.mapValues(\.rawValue), ["名称": "name", "Serial": "serial", "Model": "model"])
        XCTAssertEqual(mapping["主机名"], .ignore)
        XCTAssertEqual(mapping.problems(headers: ["主机名", "名称", "Serial", "SN", "Model", "型号"]), [])
        // Same rank: the leftmost wins.
        XCTAssertEqual(AssetImportMapping.guess(headers: ["Hostname", "Host Name"]).column(for: .name), "Hostname")
    }

    func testGuessWithoutANameColumnIsReportedNotThrown() {
        let mapping = AssetImportMapping.guess(headers: ["Serial", "部门"])
        XCTAssertEqual(mapping.problems(headers: ["Serial", "部门"]), [.nameNotMapped])
        XCTAssertThrowsError(try mapping.validated()) { XCTAssertEqual($0 as? AssetImportMappingError, .nameNotMapped) }
    }

    // MARK: - JSON

    func testDecodesTheJSONMapping() throws {
        let json = #"{"Serial Number":"serial","部门":"custom:department","Junk":"ignore","Name":"name","Bought":"purchase_date"}"#
        let mapping = try AssetImportMapping(json: Data(json.utf8))
        XCTAssertEqual(mapping["Serial Number"], .field(.serial))
        XCTAssertEqual(mapping["部门"], .custom("department"))
        XCTAssertEqual(mapping["Junk"], .ignore)
        XCTAssertEqual(mapping["Bought"], .field(.purchaseDate), "snake_case names are read too")
        XCTAssertEqual(mapping["Not there"], .ignore)
        XCTAssertEqual(mapping[" Serial Number "], .field(.serial), "look-ups trim like headers")
        XCTAssertEqual(String(decoding: mapping.jsonData(), as: UTF8.self),
                       #"{"Bought":"purchaseDate","Junk":"ignore","Name":"name","Serial Number":"serial","部门":"custom:department"}"#)
        XCTAssertEqual(try JSONDecoder().decode(AssetImportMapping.self, from: mapping.jsonData()), mapping)
    }

    func testCustomKeys() {
        // Keys follow AssetFieldDefinition: a-z first, then a-z, 0-9, _; at most 40.
        XCTAssertEqual(AssetImportTarget(rawValue: "custom:department"), .custom("department"))
        XCTAssertEqual(AssetImportTarget(rawValue: " CUSTOM: Cost_Center2 "), .custom("cost_center2"))
        XCTAssertEqual(AssetImportTarget(rawValue: "custom:sim_no")?.rawValue, "custom:sim_no")
        XCTAssertEqual(AssetImportTarget(rawValue: "custom:" + String(repeating: "k", count: 40)),
                       .custom(String(repeating: "k", count: 40)))
        for bad in ["custom:", "custom:a b", "custom:a/b", "custom:" + String(repeating: "k", count: 41), "custom:\u{0}",
                    "custom:部门", "custom:cost-center", "custom:1st", "custom:_x", "custom:a.b"] {
            XCTAssertNil(AssetImportTarget(rawValue: bad), bad)
        }
        XCTAssertEqual(AssetImportTarget(rawValue: "Serial"), .field(.serial), "field names ignore case")
        XCTAssertEqual(AssetImportTarget(rawValue: "WARRANTY_END"), .field(.warrantyEnd))
        XCTAssertEqual(AssetImportTarget(rawValue: "IGNORE"), .ignore)
        XCTAssertEqual(AssetImportTarget(rawValue: ""), .ignore)
        XCTAssertNil(AssetImportTarget(rawValue: "colour"))
    }

    func testRejectsBadJSONMappings() {
        func refusal(_ json: String, headers: [String]? = nil) -> AssetImportMappingError? {
            do {
                _ = try AssetImportMapping(json: Data(json.utf8), headers: headers)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(refusal("[1,2]"), .malformed)
        XCTAssertEqual(refusal(#"{"Name": 3}"#), .malformed)
        XCTAssertEqual(refusal("not json"), .malformed)
        XCTAssertEqual(refusal(#"{"Name":"name","Colour":"colour"}"#), .unknownTarget(column: "Colour", target: "colour"))
        XCTAssertEqual(refusal(#"{"Name":"name","部门":"custom:a b"}"#), .invalidCustomKey(column: "部门", key: "a b"))
        XCTAssertEqual(refusal(#"{"Serial":"serial","Junk":"ignore"}"#), .nameNotMapped)
        XCTAssertEqual(refusal(#"{"Name":"name","SN":"serial","Serial":"serial"}"#),
                       .duplicateTarget(target: "serial", columns: ["SN", "Serial"]))
        XCTAssertEqual(refusal(#"{"Name":"name","Host":"name"}"#, headers: ["Name", "Host"]),
                       .duplicateTarget(target: "name", columns: ["Name", "Host"]), "file order when headers are known")
        XCTAssertEqual(refusal(#"{"Name":"name","A":"custom:x","B":"custom:x"}"#),
                       .duplicateTarget(target: "custom:x", columns: ["A", "B"]))
        XCTAssertEqual(refusal(#"{"Name":"name","Gone":"serial"}"#, headers: ["Name"]), .unknownColumn("Gone"))
        XCTAssertNil(refusal(#"{"Name":"name","Gone":"ignore"}"#, headers: ["Name"]), "ignoring a missing column is harmless")
        XCTAssertNil(refusal(#"{"Name":"name","A":"ignore","B":"ignore"}"#), "ignore may repeat")
    }

    func testProblemsListsEverythingInOrder() {
        let mapping = AssetImportMapping(["Gone": .field(.model), "S1": .field(.serial), "S2": .field(.serial),
                                          "T1": .field(.tag), "T2": .field(.tag)])
        XCTAssertEqual(mapping.problems(headers: ["T2", "S1", "T1", "S2"]), [
            .unknownColumn("Gone"), .duplicateTarget(target: "tag", columns: ["T2", "T1"]),
            .duplicateTarget(target: "serial", columns: ["S1", "S2"]), .nameNotMapped,
        ])
    }

    func testErrorCodesAndDescriptions() {
        let errors: [AssetImportMappingError] = [.malformed, .unknownTarget(column: "A", target: "x"),
                                                 .invalidCustomKey(column: "A", key: ""),
                                                 .duplicateTarget(target: "serial", columns: ["A", "B"]),
                                                 .nameNotMapped, .unknownColumn("A")]
        XCTAssertEqual(errors.map(\.code), ["import.mapping_malformed", "import.mapping_unknown_target",
                                            "import.mapping_custom_key_invalid", "import.mapping_duplicate_target",
                                            "import.mapping_name_missing", "import.mapping_unknown_column"])
        XCTAssertEqual(AssetImportMappingError.duplicateTarget(target: "serial", columns: ["A", "B"]).description,
                       "columns \"A\", \"B\" all fill serial")
    }
}
