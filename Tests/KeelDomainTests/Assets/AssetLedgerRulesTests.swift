import KeelDomain
import XCTest

final class AssetLedgerRulesTests: XCTestCase {
    func testLifecycleMoves() {
        XCTAssertTrue(AssetLifecycleState.ordered.canMove(to: .inStock))
        XCTAssertTrue(AssetLifecycleState.inStock.canMove(to: .inUse))
        XCTAssertTrue(AssetLifecycleState.inUse.canMove(to: .inRepair))
        XCTAssertTrue(AssetLifecycleState.inRepair.canMove(to: .inUse))
        XCTAssertTrue(AssetLifecycleState.retired.canMove(to: .disposed))
        XCTAssertFalse(AssetLifecycleState.disposed.canMove(to: .inUse))
        XCTAssertFalse(AssetLifecycleState.ordered.canMove(to: .retired))
        XCTAssertFalse(AssetLifecycleState.inUse.canMove(to: .disposed), "a device in use is retired before it is disposed of")
        XCTAssertFalse(AssetLifecycleState.inUse.canMove(to: .inUse))
        for state in AssetLifecycleState.allCases { XCTAssertFalse(state.canMove(to: .ordered)) }
        XCTAssertFalse(AssetLifecycleState.retired.isActive)
        XCTAssertTrue(AssetLifecycleState.inRepair.isActive)
    }

    func testKindsAcceptTheirForms() {
        XCTAssertTrue(AssetKind.computer.accepts(subkind: "laptop"))
        XCTAssertTrue(AssetKind.printer.accepts(subkind: ""))
        XCTAssertFalse(AssetKind.printer.accepts(subkind: "laptop"))
        XCTAssertFalse(AssetKind.computer.accepts(subkind: "tablet"))
    }

    func testCustomFieldDefinitionsAreChecked() {
        let good = AssetFieldDefinition(key: "department", kind: .computer, labelEn: "Department", labelZh: "部门", valueType: .text)
        XCTAssertNil(good.problem())
        XCTAssertEqual(AssetFieldDefinition(key: "Dept!", kind: .computer, labelEn: "D", labelZh: "", valueType: .text).problem()?.code,
                       "asset_field_key_invalid")
        XCTAssertEqual(AssetFieldDefinition(key: "sim", kind: .phone, labelEn: " ", labelZh: "", valueType: .text).problem()?.code,
                       "asset_field_label_invalid")
        XCTAssertEqual(AssetFieldDefinition(key: "plan", kind: .phone, labelEn: "Plan", labelZh: "套餐", valueType: .choice).problem()?.code,
                       "asset_field_options_invalid")
        XCTAssertEqual(AssetFieldDefinition(key: "plan", kind: .phone, labelEn: "Plan", labelZh: "", valueType: .choice,
                                            options: ["A", "A"]).problem()?.code, "asset_field_options_invalid")
        XCTAssertEqual(good.label(.zhHans), "部门")
        XCTAssertEqual(good.label(.en), "Department")
    }

    func testCustomValuesAreNormalisedAndValidated() throws {
        let definitions = [
            AssetFieldDefinition(key: "department", kind: .computer, labelEn: "Department", labelZh: "部门", valueType: .text, required: true),
            AssetFieldDefinition(key: "ram_slots", kind: .computer, labelEn: "RAM slots", labelZh: "内存插槽", valueType: .number),
            AssetFieldDefinition(key: "leased_until", kind: .computer, labelEn: "Leased until", labelZh: "租赁到期", valueType: .date),
            AssetFieldDefinition(key: "tier", kind: .computer, labelEn: "Tier", labelZh: "级别", valueType: .choice, options: ["gold", "silver"]),
            AssetFieldDefinition(key: "encrypted", kind: .computer, labelEn: "Encrypted", labelZh: "已加密", valueType: .boolean),
        ]
        let stored = try AssetCustomFields.validate(
            ["department": " 财务部 ", "ram_slots": "1,024", "leased_until": "2027-02-28", "tier": "gold", "encrypted": "是", "note_unused": ""]
                .filter { $0.key != "note_unused" }, definitions: definitions)
        XCTAssertEqual(stored, ["department": "财务部", "ram_slots": "1024", "leased_until": "2027-02-28", "tier": "gold", "encrypted": "true"])
        XCTAssertThrowsError(try AssetCustomFields.validate(["department": "x", "leased_until": "2027-02-29"], definitions: definitions)) { error in
            XCTAssertEqual(error as? AssetCustomFields.Problem, .init(key: "leased_until", code: "asset_field_value_invalid"))
        }
        XCTAssertThrowsError(try AssetCustomFields.validate(["department": "x", "tier": "bronze"], definitions: definitions))
        XCTAssertThrowsError(try AssetCustomFields.validate(["department": "x", "colour": "red"], definitions: definitions)) { error in
            XCTAssertEqual((error as? AssetCustomFields.Problem)?.code, "asset_field_unknown")
        }
        XCTAssertThrowsError(try AssetCustomFields.validate(["ram_slots": "2"], definitions: definitions)) { error in
            XCTAssertEqual(error as? AssetCustomFields.Problem, .init(key: "department", code: "asset_field_required"))
        }
        XCTAssertThrowsError(try AssetCustomFields.validate(["department": "x", "ram_slots": "many"], definitions: definitions))
    }

    func testDates() {
        XCTAssertEqual(AssetDates.day("2024-02-29"), "2024-02-29")
        XCTAssertNil(AssetDates.day("2023-02-29"))
        XCTAssertNil(AssetDates.day("2024-2-9"))
        XCTAssertNil(AssetDates.day("2024-13-01"))
        XCTAssertEqual(AssetDates.string(Date(timeIntervalSince1970: 86_400 * 365)), "1971-01-01")
    }

    func testPurchaseAdviceReasonsAndEstimates() throws {
        let rules = PurchaseAdvice.Rules(today: "2026-11-23", horizonDays: 90, replaceAfterYears: 5)
        // A 2021 laptop is past the 4-year laptop age; its own cost is the estimate.
        let laptop = PurchaseAdvice.Device(kind: .computer, subkind: "laptop", purchaseDate: "2021-06-01", purchaseCostCents: 720_000, currency: "CNY")
        let advice = try XCTUnwrap(PurchaseAdvice.advise(laptop, rules: rules))
        XCTAssertEqual(advice.reasons, [.tooOld])
        XCTAssertEqual(advice.estimateCents, 720_000)
        XCTAssertFalse(advice.estimated)
        // A 2023 desktop on Windows 10 is out of support; no cost known → typical price.
        let desktop = PurchaseAdvice.Device(kind: .computer, subkind: "desktop", purchaseDate: "2023-01-10", osName: "Microsoft Windows 10 Pro")
        let second = try XCTUnwrap(PurchaseAdvice.advise(desktop, rules: rules))
        XCTAssertEqual(second.reasons, [.endOfSupport])
        XCTAssertEqual(second.estimateCents, 500_000)
        XCTAssertTrue(second.estimated)
        // Windows 10 before the end-of-support day is fine.
        XCTAssertNil(PurchaseAdvice.advise(desktop, rules: .init(today: "2025-01-01", horizonDays: 90)))
        // Warranty ends within the horizon on a 3.5-year-old desktop.
        let server = PurchaseAdvice.Device(kind: .computer, subkind: "desktop", purchaseDate: "2023-05-01", warrantyEnd: "2027-01-15")
        XCTAssertEqual(PurchaseAdvice.advise(server, rules: rules)?.reasons, [.outOfWarranty])
        // Young devices, retired ones, virtual machines and peripherals are not advised.
        XCTAssertNil(PurchaseAdvice.advise(.init(kind: .computer, subkind: "laptop", purchaseDate: "2025-03-01"), rules: rules))
        XCTAssertNil(PurchaseAdvice.advise(.init(kind: .computer, subkind: "laptop", state: .retired, purchaseDate: "2015-03-01"), rules: rules))
        XCTAssertNil(PurchaseAdvice.advise(.init(kind: .computer, subkind: "virtual", purchaseDate: "2015-03-01"), rules: rules))
        XCTAssertNil(PurchaseAdvice.advise(.init(kind: .peripheral, purchaseDate: "2015-03-01"), rules: rules))
        // An end of support inside the horizon counts; after it does not.
        XCTAssertEqual(PurchaseAdvice.advise(.init(kind: .network, endOfSupport: "2027-02-01"), rules: rules)?.reasons, [.endOfSupport])
        XCTAssertNil(PurchaseAdvice.advise(.init(kind: .network, endOfSupport: "2027-03-01"), rules: rules))
        let totals = PurchaseAdvice.totals([advice, second, .init(reasons: [.tooOld], estimateCents: 100, currency: "EUR", estimated: false)])
        XCTAssertEqual(totals.map { $0.currency }, ["CNY", "EUR"])
        XCTAssertEqual(totals.first?.cents, 1_220_000)
        XCTAssertEqual(totals.first?.count, 2)
    }

    func testLicenceCompliance() {
        let lines = LicenceCompliance.lines(
            owned: [.init(catalogKey: "microsoft office", seats: 10), .init(catalogKey: "microsoft office", seats: 5, expiresOn: "2026-01-01"),
                    .init(catalogKey: "wps office", seats: 20, expiresOn: "2027-06-30"), .init(catalogKey: "autocad", seats: 2, expiresOn: "2026-10-01")],
            installed: ["microsoft office": 12, "wps office": 3, "autocad": 1, "7-zip": 40], today: "2026-11-23")
        XCTAssertEqual(lines.map(\.catalogKey), ["autocad", "microsoft office", "wps office"])
        XCTAssertEqual(lines[0].status, .expired)
        XCTAssertEqual(lines[1].owned, 10, "the expired 5 seats no longer count")
        XCTAssertEqual(lines[1].shortfall, 2)
        XCTAssertEqual(lines[1].status, .underLicensed)
        XCTAssertEqual(lines[2].status, .compliant)
        XCTAssertEqual(lines[2].unused, 17)
    }
}
