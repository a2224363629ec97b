import KeelDomain
import XCTest

final class LanguageTests: XCTestCase {
    func testChineseTagsOfAnyRegionMapToSimplifiedChinese() {
        XCTAssertEqual(Language.negotiate(acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8"), .zhHans)
        XCTAssertEqual(Language.negotiate(acceptLanguage: "zh-Hans"), .zhHans)
        XCTAssertEqual(Language.negotiate(acceptLanguage: "zh"), .zhHans)
    }

    func testQualityValuesDecideBetweenSupportedLanguages() {
        XCTAssertEqual(Language.negotiate(acceptLanguage: "en;q=0.3, zh-CN;q=0.9"), .zhHans)
        XCTAssertEqual(Language.negotiate(acceptLanguage: "fr-FR, en-GB;q=0.8, zh;q=0.5"), .en)
    }

    func testUnsupportedOrRefusedLanguagesGiveNoAnswer() {
        XCTAssertNil(Language.negotiate(acceptLanguage: "fr-FR, de;q=0.5"))
        XCTAssertNil(Language.negotiate(acceptLanguage: "zh;q=0"))
        XCTAssertNil(Language.negotiate(acceptLanguage: ""))
        XCTAssertNil(Language.negotiate(acceptLanguage: nil))
        XCTAssertNil(Language.negotiate(acceptLanguage: ";;;,,,q=="))
    }

    func testEqualQualityKeepsTheOrderOfTheHeader() {
        XCTAssertEqual(Language.negotiate(acceptLanguage: "en, zh"), .en)
        XCTAssertEqual(Language.negotiate(acceptLanguage: "zh, en"), .zhHans)
    }

    func testCatalogFillsPlaceholdersAndFallsBackToEnglishThenKey() {
        let catalog = Catalog(texts: [.en: ["a": "Hello {name}", "b": "Only English"], .zhHans: ["a": "你好 {name}"]])
        XCTAssertEqual(catalog.text("a", .zhHans, ["name": "王芳"]), "你好 王芳")
        XCTAssertEqual(catalog.text("b", .zhHans), "Only English")
        XCTAssertEqual(catalog.text("missing", .en), "missing")
        XCTAssertEqual(catalog.missingKeys()[.zhHans], ["b"])
        XCTAssertNil(catalog.missingKeys()[.en])
    }
}
