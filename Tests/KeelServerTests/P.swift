import XCTest
import XCTVapor
final class PS: XCTestCase { func testX() {} }
