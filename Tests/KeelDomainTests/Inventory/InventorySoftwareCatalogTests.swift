import Foundation
import KeelDomain
import XCTest

final class InventorySoftwareCatalogTests: XCTestCase {
    private func key(_ name: String, _ publisher: String? = nil) -> String {
        SoftwareCatalog.normalise(name: name, publisher: publisher).key
    }

    func testFirefoxAcrossVersionStringsIsOneProduct() {
        let a = SoftwareCatalog.normalise(name: "Mozilla Firefox (x64 zh-CN) 118.0.1", publisher: "Mozilla")
        let b = SoftwareCatalog.normalise(name: "Mozilla Firefox 120.0 (x64 en-US)", publisher: "Mozilla")
        XCTAssertEqual(a.key, "mozilla firefox")
        XCTAssertEqual(a.key, b.key)
        XCTAssertEqual(a.displayName, "Mozilla Firefox")
        XCTAssertEqual(a.vendor, "Mozilla")
    }

    func testVersionsArchitecturesAndLocalesAreStripped() {
        let cases: [(String, String)] = [
            ("Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.36.32532", "microsoft visual c++ 2015-2022 redistributable"),
            ("Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.38.33130", "microsoft visual c++ 2015-2022 redistributable"),
            ("7-Zip 23.01 (x64)", "7-zip"),
            ("7-Zip 19.00", "7-zip"),
            ("Python 3.11.4 (64-bit)", "python"),
            ("Java 8 Update 381 (64-bit)", "java 8"),
            ("Java 8 Update 401", "java 8"),
            ("Notepad++ (64-bit x64)", "notepad++"),
            ("Zoom(64bit)", "zoom"),
            ("WPS Office (11.1.0.14309)", "wps office"),
            ("Microsoft 365 - zh-cn", "microsoft 365"),
            ("Microsoft 365 - en-us", "microsoft 365"),
            ("Microsoft .NET Runtime - 6.0.21 (x64)", "microsoft .net runtime"),
            ("Git version 2.42.0", "git"),
            ("Intel(R) Management Engine Components", "intel management engine components"),
            ("NVIDIA 图形驱动程序 536.67", "nvidia 图形驱动程序"),
            ("VLC media player   v3.0.18", "vlc media player"),
            ("  Google Chrome  ", "google chrome"),
        ]
        for (name, expected) in cases {
            XCTAssertEqual(key(name), expected, name)
        }
    }

    func testWhatTellsProductsApartStays() {
        XCTAssertNotEqual(key("Microsoft Office Professional Plus 2016"), key("Microsoft Office Professional Plus 2019"))
        XCTAssertEqual(key("Microsoft Office Professional Plus 2019 - zh-cn"), "microsoft office professional plus 2019")
        XCTAssertEqual(key("Security Update for Windows (KB5029244)"), "security update for windows (kb5029244)")
        XCTAssertEqual(key("Windows 10 Update Assistant"), "windows 10 update assistant")
        XCTAssertEqual(key("python3.11"), "python3.11")
        XCTAssertEqual(key("linux-image-6.1.0-25-amd64"), "linux-image-6.1.0-25-amd64")
        XCTAssertEqual(key("libc6"), "libc6")
    }

    func testChineseNames() {
        XCTAssertEqual(key("微信"), "微信")
        XCTAssertEqual(key("钉钉"), "钉钉")
        XCTAssertEqual(key("360安全卫士"), "360安全卫士")
        XCTAssertEqual(key("腾讯会议"), "腾讯会议")
        XCTAssertEqual(key("搜狗输入法 13.9正式版"), "搜狗输入法 13.9正式版")
        XCTAssertEqual(key("腾讯QQ（64位）"), "腾讯qq")
        XCTAssertEqual(SoftwareCatalog.normalise(name: "WPS Office (11.1.0.14309)", publisher: nil).displayName, "WPS Office")
    }

    func testOnlyVersionLeftFallsBackToTheName() {
        XCTAssertEqual(SoftwareCatalog.normalise(name: "1.2.3 (x64)", publisher: nil).displayName, "1.2.3 (x64)")
    }

    func testVendorsLoseTheirLegalForm() {
        let cases: [(String?, String?)] = [
            ("Microsoft Corporation", "Microsoft"), ("Google LLC", "Google"), ("Adobe Inc.", "Adobe"),
            ("Kingsoft Corp.", "Kingsoft"), ("Realtek Semiconductor Corp.", "Realtek Semiconductor"),
            ("Alibaba (China) Network Technology Co.,Ltd.", "Alibaba (China) Network Technology"),
            ("Foo, Inc.", "Foo"), ("Software AG", "Software AG"), ("腾讯科技(深圳)有限公司", "腾讯科技(深圳)有限公司"),
            ("  ", nil), (nil, nil), ("Inc.", "Inc"),
        ]
        for (publisher, expected) in cases {
            XCTAssertEqual(SoftwareCatalog.normaliseVendor(publisher), expected, publisher ?? "nil")
        }
    }

    func testEveryRealPackageGetsANonEmptyKey() throws {
        let (inventory, _) = try InventoryFixtures.read(try InventoryFixtures.linux())
        let keys = Set(inventory.software.map { key($0.name, $0.publisher) })
        XCTAssertFalse(keys.contains(""))
        XCTAssertEqual(keys.count, Set(inventory.software.map(\.name)).count, "Debian package names are already products")
    }
}
