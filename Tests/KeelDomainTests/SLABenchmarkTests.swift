import Foundation
import KeelDomain
import XCTest

/// A micro-benchmark of the SLA engine. It prints rates and never asserts on speed (the rate
/// depends on the machine and on debug/release). For the real figure run it optimised:
///
///     swift test -c release --filter SLABenchmarkTests
final class SLABenchmarkTests: XCTestCase {
    func testPrintDueTimeComputationRate() {
        let london = SLAFixtures.london
        // Typical targets, 1 h … 10 business days, in business seconds (10 business days on this
        // calendar are two weeks: 83 h).
        let targets = [3600, 2 * 3600, 4 * 3600, 8 * 3600, 25 * 3600 + 1800, 83 * 3600]
        // Starts spread over 2026 (deterministic), so weekends, holidays and DST changes occur.
        var seed: UInt64 = 42
        let year2026 = SLAFixtures.t("2026-01-01T00:00:00Z").timeIntervalSince1970
        let starts: [Date] = (0..<4096).map { _ in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Date(timeIntervalSince1970: year2026 + Double((seed >> 33) % (365 * 86400)))
        }
        let count = 300_000
        var checksum = 0.0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for i in 0..<count {
                checksum += london.addBusinessTime(targets[i % targets.count], to: starts[i & 4095]).timeIntervalSince1970
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "SLA benchmark: %.0f addBusinessTime computations/s (%d in %.3f s, checksum %.0f)",
                     Double(count) / seconds, count, seconds, checksum.truncatingRemainder(dividingBy: 1e6)))

        // Whole policy targets, including "3 business days" (converted to business time first).
        let policyTargets: [SLATarget] = [.businessHours(2), .businessHours(4), .businessHours(8), .businessDays(3),
                                          .endOfNextBusinessDay, .businessDays(10)]
        let policyCount = 100_000
        let policyElapsed = clock.measure {
            for i in 0..<policyCount {
                checksum += policyTargets[i % policyTargets.count].dueDate(from: starts[i & 4095], calendar: london)
                    .timeIntervalSince1970
            }
        }
        let policySeconds = Double(policyElapsed.components.seconds) + Double(policyElapsed.components.attoseconds) / 1e18
        print(String(format: "SLA benchmark: %.0f SLATarget.dueDate computations/s (%d in %.3f s)",
                     Double(policyCount) / policySeconds, policyCount, policySeconds))
        XCTAssertTrue(checksum.isFinite)
    }
}
