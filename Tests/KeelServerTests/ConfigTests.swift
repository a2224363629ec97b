import Foundation
import XCTest
@testable import KeelServer

final class ConfigTests: XCTestCase {
    func testNoConfigurationAtAllRuns() throws {
        var arguments = ["keel", "serve"]
        let config = try KeelConfig.load(environment: [:], arguments: &arguments)
        XCTAssertEqual(config.address, "127.0.0.1")
        XCTAssertEqual(config.port, 8080)
        XCTAssertEqual(config.dataDirectory, "./keel-data")
        XCTAssertFalse(config.usesPostgres)
    }

    func testDemoFlagIsKeelsOwn() throws {
        var arguments = ["keel", "serve", "--demo", "--port", "9000"]
        let config = try KeelConfig.load(environment: [:], arguments: &arguments)
        XCTAssertTrue(config.demo)
        XCTAssertEqual(arguments, ["keel", "serve", "--port", "9000"])
    }

    func testAWrongSettingIsNamed() {
        for (name, value) in [("KEEL_PORT", "eighty"), ("KEEL_PORT", "70000"), ("DATABASE_URL", "mysql://x"),
                              ("KEEL_LOG_LEVEL", "loud"), ("KEEL_BASE_URL", "ftp://x"), ("KEEL_DEMO_PASSWORD", "short")] {
            var arguments = ["keel"]
            XCTAssertThrowsError(try KeelConfig.load(environment: [name: value], arguments: &arguments)) { error in
                XCTAssertEqual((error as? KeelConfig.Invalid)?.setting, name)
            }
        }
    }

    func testSecretKeyIsCreatedOnceWithOwnerOnlyPermissions() throws {
        let path = NSTemporaryDirectory() + "keel-key-\(UUID().uuidString)/secret.key"
        let first = try Secrets.loadOrCreateKey(at: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let second = try Secrets.loadOrCreateKey(at: path)
        XCTAssertEqual(first, second)
        try FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
}
