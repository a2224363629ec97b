import Foundation
import KeelDomain
import XCTest

/// Every cell converter: dates, costs, currencies, lifecycle states and kinds.
final class AssetImportValueTests: XCTestCase {
    private func date(_ cell: String) -> String? {
        (try? AssetImportValues.date(cell))??.description
    }

    private func dateError(_ cell: String) -> AssetImportErrorCode? {
        do {
            _ = try AssetImportValues.date(cell)
            return nil
        } catch {
            return error
        }
    }

    private func cost(_ cell: String) -> AssetImportCost? {
        (try? AssetImportValues.cost(cell)) ?? nil
    }

    private func cents(_ cell: String) -> Int? {
        cost(cell)?.cents
    }

    // MARK: - Dates

    func testYearFirstDates() {
        let accepted: [(String, String)] = [
            ("2024-03-05", "2024-03-05"), ("2024/3/5", "2024-03-05"), ("2024.03.05", "2024-03-05"),
            ("2024年3月5日", "2024-03-05"), ("2024 年 3 月 5 日", "2024-03-05"), ("2024年03月05号", "2024-03-05"),
            ("20240305", "2024-03-05"), ("2024-3-5", "2024-03-05"), (" 2024/12/31 ", "2024-12-31"),
            ("2024/3/5 0:00", "2024-03-05"), ("2024-03-05 08:30:00", "2024-03-05"), ("2024-03-05T08:00:00Z", "2024-03-05"),
            ("2024/3/5 9:15 PM", "2024-03-05"), ("２０２４－０３－０５", "2024-03-05"), ("2024-02-29", "2024-02-29"), ("2999-12-31", "2999-12-31"),
        ]
        for (cell, expected) in accepted {
            XCTAssertEqual(date(cell), expected, cell)
        }
    }

    func testEmptyAndPlaceholderDatesAreNil() throws {
        for cell in ["", "   ", "-", "N/A", "无", "#N/A", "/"] {
            XCTAssertNil(try AssetImportValues.date(cell), cell)
        }
    }

    func testDayOrMonthFirstDatesAreAmbiguous() {
        for cell in ["05/03/2024", "5/3/2024", "25/03/2024", "03-25-2024", "1.2.2024"] {
            XCTAssertEqual(dateError(cell), .dateAmbiguous, cell)
        }
    }

    func testInvalidDates() {
        for cell in ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "45356", "March 5, 2024", "2024-03",
                     "24-03-05", "1899-12-31", "3000-01-01", "2024年3月", "3月5日", "2024-03-05 soon", "2024--03-05",
                     "2024/03/05/01", "二〇二四年三月五日"] {
            XCTAssertEqual(dateError(cell), .dateInvalid, cell)
        }
    }

    // MARK: - Costs

    func testCosts() {
        let accepted: [(String, Int)] = [
            ("1234", 123_400), ("1,234.50", 123_450), ("1234.5", 123_450), ("¥1234.5", 123_450), ("￥1,234", 123_400),
            ("CNY 1234", 123_400), ("1234 CNY", 123_400), ("cny1234", 123_400), ("1234元", 123_400),
            ("人民币 1,000.00", 100_000), ("RMB 88", 8_800), ("0", 0), ("0.99", 99), ("1234.", 123_400),
            ("1.234,50", 123_450), ("1234,5", 123_450), ("1 234,50", 123_450), ("1'234.50", 123_450),
            ("1.234.567", 123_456_700), ("12,345,678.9", 1_234_567_890), ("1234.5000", 123_450), ("$ 99.95", 9_995),
            ("€1.234,50", 123_450), ("１２３４．５", 123_450),
        ]
        for (cell, expected) in accepted {
            XCTAssertEqual(cents(cell), expected, cell)
        }
    }

    func testCostCurrencyHints() {
        XCTAssertEqual(cost("CNY 1234")?.currency, "CNY")
        XCTAssertEqual(cost("1234 usd")?.currency, "USD")
        XCTAssertEqual(cost("1234元")?.currency, "CNY")
        XCTAssertEqual(cost("RMB 5")?.currency, "CNY")
        XCTAssertEqual(cost("US$5")?.currency, "USD")
        XCTAssertEqual(cost("€5")?.currency, "EUR")
        XCTAssertEqual(cost("¥5")?.currency, nil)
        XCTAssertEqual(cost("¥5")?.symbolCurrencies, ["CNY", "JPY"])
        XCTAssertEqual(cost("$5")?.symbolCurrencies.first, "USD")
        XCTAssertEqual(cost("5")?.currency, nil)
        XCTAssertEqual(cost("5")?.symbolCurrencies, [])
    }

    func testInvalidCosts() {
        for cell in ["-5", "(100)", "abc", "1,2345", "12,34,567", "1.234,5,6", "1,234.5.6", "1234.567", "1.5万", "1e5",
                     "1234 XYZ", "CNY", "¥", ".5", "1,234,56.00", "99999999999999", "12 34"] {
            XCTAssertThrowsError(try AssetImportValues.cost(cell), cell) {
                XCTAssertEqual($0 as? AssetImportErrorCode, .costInvalid, cell)
            }
        }
        XCTAssertNil(cost("-"), "a placeholder is no cost, not an error")
        XCTAssertEqual(cents("1000000000000"), 100_000_000_000_000, "the largest accepted")
    }

    func testHugeCellsAreRefusedQuickly() {
        let start = Date()
        XCTAssertNil(try AssetImportValues.cost(String(repeating: " ", count: 200_000)), "blank, however long")
        for filler in ["$", "USD", "1", "-1", "年"] {
            let cell = String(repeating: filler, count: 200_000)
            XCTAssertThrowsError(try AssetImportValues.cost(cell))
            XCTAssertThrowsError(try AssetImportValues.date(cell))
            XCTAssertNil(AssetImportValues.currency(cell))
            XCTAssertNil(AssetVocabulary.kind(cell))
            XCTAssertNil(AssetVocabulary.lifecycleState(cell))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }

    // MARK: - Currencies

    func testCurrencies() {
        let accepted: [(String, String)] = [
            ("CNY", "CNY"), ("cny", "CNY"), (" usd ", "USD"), ("EUR", "EUR"), ("RMB", "CNY"), ("rmb", "CNY"),
            ("人民币", "CNY"), ("元", "CNY"), ("美元", "USD"), ("港币", "HKD"), ("¥", "CNY"), ("JPY", "JPY"),
        ]
        for (cell, expected) in accepted {
            XCTAssertEqual(AssetImportValues.currency(cell), expected, cell)
        }
        for cell in ["XYZ", "US", "USDD", "dollars", "", "12"] {
            XCTAssertNil(AssetImportValues.currency(cell), cell)
        }
    }

    // MARK: - States

    func testLifecycleStates() {
        let accepted: [(String, AssetLifecycleState)] = [
            ("已订购", .ordered), ("ordered", .ordered), ("On order", .ordered),
            ("在库", .inStock), ("库存", .inStock), ("in stock", .inStock), ("In_Stock", .inStock), ("闲置", .inStock),
            ("使用中", .inUse), ("在用", .inUse), ("In use", .inUse), ("in_use", .inUse), ("IN-USE", .inUse),
            ("维修中", .inRepair), ("送修", .inRepair), ("in repair", .inRepair),
            ("已退役", .retired), ("停用", .retired), ("Retired", .retired),
            ("报废", .disposed), ("已处置", .disposed), ("Disposed", .disposed), ("已报废", .disposed),
        ]
        for (cell, expected) in accepted {
            XCTAssertEqual(AssetVocabulary.lifecycleState(cell), expected, cell)
        }
        for cell in ["lost", "好", "maybe"] {
            XCTAssertNil(AssetVocabulary.lifecycleState(cell), cell)
        }
        for state in AssetLifecycleState.allCases {
            XCTAssertEqual(AssetVocabulary.lifecycleState(state.rawValue), state, "the API name is a word too")
        }
    }

    // MARK: - Kinds

    func testKinds() {
        let accepted: [(String, AssetKind, AssetSubkind?)] = [
            ("台式机", .computer, .desktop), ("笔记本", .computer, .laptop), ("笔记本电脑", .computer, .laptop),
            ("服务器", .computer, .server), ("虚拟机", .computer, .virtual), ("Laptop", .computer, .laptop),
            ("VM", .computer, .virtual), ("电脑", .computer, nil), ("Computer", .computer, nil),
            ("打印机", .printer, nil), ("Printer", .printer, nil),
            ("交换机", .network, nil), ("路由器", .network, nil), ("防火墙", .network, nil), ("网络设备", .network, nil),
            ("Switch", .network, nil), ("手机", .phone, nil), ("电话", .phone, nil), ("显示器", .peripheral, nil),
            ("外设", .peripheral, nil), ("Monitor", .peripheral, nil), ("云服务", .cloud, nil), ("订阅", .cloud, nil),
            ("SaaS", .cloud, nil), ("其他", .other, nil), ("Other", .other, nil),
        ]
        for (cell, kind, subkind) in accepted {
            let found = AssetVocabulary.kind(cell)
            XCTAssertEqual(found?.kind, kind, cell)
            XCTAssertEqual(found?.subkind, subkind, cell)
        }
        XCTAssertNil(AssetVocabulary.kind("Toaster"))
        XCTAssertNil(AssetVocabulary.kind("平板"))
        XCTAssertEqual(AssetVocabulary.subkind("笔记本"), .laptop)
        XCTAssertNil(AssetVocabulary.subkind("打印机"))
        for kind in AssetKind.allCases {
            XCTAssertEqual(AssetVocabulary.kind(kind.rawValue)?.kind, kind)
        }
        XCTAssertEqual(Set(AssetSubkind.allCases.map(\.rawValue)), AssetKind.computerForms)
        XCTAssertTrue(AssetSubkind.allCases.allSatisfy { AssetKind.computer.accepts(subkind: $0.rawValue) })
    }

    func testEveryVocabularyWordReadsAsItsOwnValue() {
        for (state, words) in AssetVocabulary.stateSynonyms {
            for word in words { XCTAssertEqual(AssetVocabulary.lifecycleState(word), state, word) }
        }
        for (kind, words) in AssetVocabulary.kindSynonyms {
            for word in words { XCTAssertEqual(AssetVocabulary.kind(word)?.kind, kind, word) }
        }
        for (subkind, words) in AssetVocabulary.subkindSynonyms {
            for word in words { XCTAssertEqual(AssetVocabulary.kind(word)?.subkind, subkind, word) }
        }
    }

    func testErrorCodesAreStable() {
        XCTAssertEqual(AssetImportErrorCode.allCases.map(\.rawValue), [
            "import.name_missing", "import.date_invalid", "import.date_ambiguous", "import.cost_invalid",
            "import.currency_invalid", "import.currency_mismatch", "import.state_unknown", "import.kind_unknown",
            "import.subkind_unknown", "import.subkind_not_computer", "import.too_long",
            "import.duplicate_serial_in_file", "import.duplicate_tag_in_file", "import.extra_cells",
            "import.custom_field_unknown", "import.custom_value_invalid", "import.custom_field_required",
        ])
    }
}
