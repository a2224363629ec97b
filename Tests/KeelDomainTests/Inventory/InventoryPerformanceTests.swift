import Foundation
import KeelDomain
import XCTest

/// Prints how long the intake steps take; never asserts on time (debug and release builds
/// differ by an order of magnitude). For release figures:
///
///     swift test -c release --filter InventoryPerformanceTests
final class InventoryPerformanceTests: XCTestCase {
    func testPrintParseTimeOfA200KBInventoryWith750Packages() throws {
        let document = try InventoryFixtures.windows(generatedSoftware: 735)
        let (inventory, _) = try InventoryFixtures.read(document)
        XCTAssertEqual(inventory.software.count, 750)
        XCTAssertGreaterThan(document.count, 180_000)

        let rounds = 30
        var best = Double.infinity
        var total = 0.0
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            _ = try FusionInventoryReader.read(document)
            let elapsed = InventoryFixtures.milliseconds(since: start)
            best = min(best, elapsed)
            total += elapsed
        }
        print(String(format: "inventory parse: %d KB, %d packages: best %.3f ms, mean %.3f ms",
                     document.count / 1024, inventory.software.count, best, total / Double(rounds)))
    }

    func testPrintTimesOfTheRealDebianInventory() throws {
        let document = try InventoryFixtures.linux()
        let (inventory, _) = try InventoryFixtures.read(document)
        var modified = inventory
        modified.software.removeFirst(10)
        modified.software[100].version = "99"

        let rounds = 30
        let parse = measure(rounds) { _ = try? FusionInventoryReader.read(document) }
        let fingerprint = measure(rounds) { _ = inventory.fingerprint }
        let diff = measure(rounds) { _ = InventoryDiff.between(inventory, modified) }
        let catalogue = measure(rounds) {
            for entry in inventory.software { _ = SoftwareCatalog.normalise(name: entry.name, publisher: entry.publisher) }
        }
        print(String(format: "debian inventory (%d KB, %d packages): parse %.3f ms, fingerprint %.3f ms, "
                     + "diff %.3f ms, catalogue keys %.3f ms (best of %d)",
                     document.count / 1024, inventory.software.count, parse, fingerprint, diff, catalogue, rounds))
    }

    private func measure(_ rounds: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            body()
            best = min(best, InventoryFixtures.milliseconds(since: start))
        }
        return best
    }
}
