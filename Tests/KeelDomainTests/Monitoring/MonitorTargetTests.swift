import Foundation
import KeelDomain
import XCTest

final class MonitorTargetTests: XCTestCase {
    func testHTTPTargetsNeedAnHTTPOrHTTPSURL() {
        let target = MonitorTarget.parse(kind: .http, "https://Status.Example.com:8443/health?x=1")
        XCTAssertEqual(target?.host, "status.example.com")
        XCTAssertEqual(target?.port, 8443)
        XCTAssertEqual(target?.url, "https://Status.Example.com:8443/health?x=1")
        XCTAssertNotNil(MonitorTarget.parse(kind: .http, "http://[::1]/"))
        XCTAssertNil(MonitorTarget.parse(kind: .http, "ftp://example.com"))
        XCTAssertNil(MonitorTarget.parse(kind: .http, "example.com"))
        XCTAssertNil(MonitorTarget.parse(kind: .http, "https://exa mple.com"))
    }

    func testTCPNeedsAPortAndTLSDefaultsTo443() {
        XCTAssertEqual(MonitorTarget.parse(kind: .tcp, "db1:5432"), MonitorTarget.parse(kind: .tcp, "DB1:5432"))
        XCTAssertEqual(MonitorTarget.parse(kind: .tcp, "[2001:db8::1]:22")?.host, "2001:db8::1")
        XCTAssertNil(MonitorTarget.parse(kind: .tcp, "db1"))
        XCTAssertNil(MonitorTarget.parse(kind: .tcp, "db1:70000"))
        XCTAssertNil(MonitorTarget.parse(kind: .tcp, "db1:+22"))
        XCTAssertEqual(MonitorTarget.parse(kind: .tls, "mail.example.com")?.port, 443)
        XCTAssertEqual(MonitorTarget.parse(kind: .tls, "mail.example.com:993")?.port, 993)
        XCTAssertEqual(MonitorTarget.parse(kind: .tls, "2001:db8::1")?.port, 443)
    }

    func testDNSAndPingHosts() {
        XCTAssertEqual(MonitorTarget.parse(kind: .dns, "Example.com.")?.host, "example.com.")
        XCTAssertNil(MonitorTarget.parse(kind: .dns, "192.0.2.1"), "DNS checks resolve names")
        XCTAssertEqual(MonitorTarget.parse(kind: .ping, "192.0.2.1")?.host, "192.0.2.1")
        XCTAssertEqual(MonitorTarget.parse(kind: .ping, "srv1")?.host, "srv1")
        XCTAssertNotNil(MonitorTarget.parse(kind: .ping, "fe80::1"))
        XCTAssertNil(MonitorTarget.parse(kind: .ping, "-bad-.example"))
        XCTAssertNil(MonitorTarget.parse(kind: .ping, "a..b"))
        XCTAssertNil(MonitorTarget.parse(kind: .ping, "1::2::3"))
        XCTAssertEqual(MonitorTarget.parse(kind: .push, "anything")?.host, "")
    }
}
