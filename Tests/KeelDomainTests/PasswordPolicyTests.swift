import KeelDomain
import XCTest

final class PasswordPolicyTests: XCTestCase {
    let policy = PasswordPolicy()

    func testTwelveCharactersIsTheMinimum() {
        XCTAssertEqual(policy.problem(with: "short-pass1"), .tooShort)
        XCTAssertNil(policy.problem(with: "tidal-lantern"))
    }

    func testLongPassphrasesUpTo128CharactersAreAccepted() {
        XCTAssertNil(policy.problem(with: String(repeating: "horse battery ", count: 9)))   // 126 characters
        XCTAssertEqual(policy.problem(with: String(repeating: "x1", count: 65)), .tooLong)
    }

    func testCommonPasswordsAreRefusedWhateverTheCase() {
        XCTAssertEqual(policy.problem(with: "Password1234"), .tooCommon)
        XCTAssertEqual(policy.problem(with: "QWERTY123456"), .tooCommon)
        XCTAssertEqual(policy.problem(with: "aaaaaaaaaaaaaaaa"), .tooCommon)
    }

    func testPasswordMayNotContainTheMailboxName() {
        XCTAssertEqual(policy.problem(with: "wangfang-2026-ok", email: "wangfang@huaxin-design.example"), .containsEmail)
        XCTAssertNil(policy.problem(with: "wangfang-2026-ok", email: "li@huaxin-design.example"))
    }

    func testChineseCharactersCountAsCharacters() {
        XCTAssertNil(policy.problem(with: "春眠不觉晓处处闻啼鸟夜来风雨"))
        XCTAssertEqual(policy.problem(with: "春眠不觉晓"), .tooShort)
    }

    func testThrottleLocksAtTheLimitPerAccountOrAddress() {
        let throttle = LoginThrottle(accountLimit: 10, addressLimit: 10)
        XCTAssertFalse(throttle.isLocked(accountFailures: 9, addressFailures: 9))
        XCTAssertTrue(throttle.isLocked(accountFailures: 10, addressFailures: 0))
        XCTAssertTrue(throttle.isLocked(accountFailures: 0, addressFailures: 10))
    }
}
