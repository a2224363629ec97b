import Foundation
import KeelDomain
import XCTest

/// Times, zones and ids shared by the monitoring tests.
enum MonitorFixtures {
    static func t(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { preconditionFailure("bad test time \(text)") }
        return date
    }

    static func zone(_ identifier: String) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { preconditionFailure("unknown zone \(identifier)") }
        return zone
    }

    static let london = zone("Europe/London")
    static let newYork = zone("America/New_York")
    static let shanghai = zone("Asia/Shanghai")
    static let utc = zone("UTC")

    static func cron(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> CronExpression {
        do {
            return try CronExpression(text)
        } catch {
            XCTFail("\(text) should parse: \(error)", file: file, line: line)
            preconditionFailure()
        }
    }

    /// A fixed UUID whose last bytes are `n`.
    static func id(_ n: Int) -> UUID {
        let hex = String(n, radix: 16)
        let tail = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        guard let id = UUID(uuidString: "00000000-0000-4000-8000-" + tail) else { preconditionFailure("bad id") }
        return id
    }

    /// Deterministic pseudo-random numbers (PCG-style LCG).
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }
}

/// RFC 3339 in UTC for readable assertions.
func monitorISO(_ date: Date?) -> String {
    guard let date else { return "nil" }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}
