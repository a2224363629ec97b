import Foundation
import KeelDomain
import XCTest

final class MonitorSVGTests: XCTestCase {
    private func day(_ n: Int, up: Double, down: Double) -> MonitorDayBar {
        guard let date = CivilDate(year: 2026, month: 4, day: n) else { preconditionFailure() }
        return MonitorDayBar(date: date, availability: MonitorAvailability(up: up, down: down))
    }

    func testStripHasOneTitledBarPerDayInItsBandColour() {
        let days = [day(1, up: 1000, down: 0), day(2, up: 995, down: 5), day(3, up: 90, down: 10), day(4, up: 0, down: 0)]
        let svg = MonitorSVG.availabilityStrip(days: days, title: "Availability <90 days>") { bar in
            bar.date.description + ": " + (bar.percent.map { MonitorSVG.format($0, decimals: 2) + " %" } ?? "—")
        }
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        XCTAssertEqual(svg.components(separatedBy: "<rect ").count - 1, 4)
        XCTAssertTrue(svg.contains("aria-label=\"Availability &lt;90 days&gt;\""))
        XCTAssertTrue(svg.contains("fill=\"\(MonitorSVG.colour(.excellent))\"><title>2026-04-01: 100 %</title>"))
        XCTAssertTrue(svg.contains("class=\"keel-bar-good\" fill=\"\(MonitorSVG.colour(.good))\"><title>2026-04-02: 99.5 %</title>"))
        XCTAssertTrue(svg.contains("class=\"keel-bar-poor\""))
        XCTAssertTrue(svg.contains("class=\"keel-bar-noData\" fill=\"\(MonitorSVG.colour(.noData))\"><title>2026-04-04: —</title>"))
        XCTAssertTrue(svg.contains("viewBox=\"0 0 22 32\""), "4 bars of 4 with gaps of 2")
        XCTAssertEqual(Set(MonitorAvailabilityBand.allCases.map(MonitorSVG.colour)).count, 4)
    }

    func testLabelsAreEscaped() {
        let svg = MonitorSVG.availabilityStrip(days: [day(1, up: 1, down: 0)]) { _ in "<script>&\"'\u{1}" }
        XCTAssertTrue(svg.contains("<title>&lt;script&gt;&amp;&quot;&apos;</title>"), svg)
        XCTAssertFalse(svg.contains("<script>"))
    }

    func testLatencyChartDrawsAxesLabelsAndBrokenLine() {
        let t0 = MonitorFixtures.t("2026-04-01T00:00:00Z")
        let points = [MonitorLatencyPoint(at: t0, latencyMilliseconds: 100),
                      MonitorLatencyPoint(at: t0.addingTimeInterval(60), latencyMilliseconds: 50),
                      MonitorLatencyPoint(at: t0.addingTimeInterval(120), latencyMilliseconds: nil),
                      MonitorLatencyPoint(at: t0.addingTimeInterval(180), latencyMilliseconds: 200),
                      MonitorLatencyPoint(at: t0.addingTimeInterval(240), latencyMilliseconds: 0)]
        let svg = MonitorSVG.latencyChart(points: points, title: "Latency", width: 600, height: 160)
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2, "the gap splits the line")
        XCTAssertEqual(svg.components(separatedBy: "<line ").count - 1, 2, "two axes")
        XCTAssertTrue(svg.contains(">200 ms</text>"))
        XCTAssertTrue(svg.contains(">0 ms</text>"))
        XCTAssertTrue(svg.contains(">2026-04-01T00:00:00+00:00</text>"))
        XCTAssertTrue(svg.contains(">2026-04-01T00:04:00+00:00</text>"))
        // x from 56 to 592 over 4 minutes; y from 138 (0 ms) up to 8 (200 ms).
        XCTAssertTrue(svg.contains("points=\"56,73 190,105.5\""), svg)
        XCTAssertTrue(svg.contains("458,8 592,138"), svg)
        let localised = MonitorSVG.latencyChart(points: points, latencyLabel: { "\(Int($0)) 毫秒" }, timeLabel: { _ in "x<y" })
        XCTAssertTrue(localised.contains(">200 毫秒</text>"))
        XCTAssertTrue(localised.contains(">x&lt;y</text>"))
    }

    func testLatencyChartWithoutDataIsStillValid() {
        let svg = MonitorSVG.latencyChart(points: [])
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        XCTAssertFalse(svg.contains("polyline"))
        let single = MonitorSVG.latencyChart(points: [MonitorLatencyPoint(at: Date(timeIntervalSince1970: 0), latencyMilliseconds: 5)])
        XCTAssertTrue(single.contains("<circle"))
    }

    func testNumbersAreLocaleIndependent() {
        XCTAssertEqual(MonitorSVG.format(12.5, decimals: 1), "12.5")
        XCTAssertEqual(MonitorSVG.format(12.04, decimals: 1), "12")
        XCTAssertEqual(MonitorSVG.format(-3.25, decimals: 2), "-3.25")
        XCTAssertEqual(MonitorSVG.format(99.95, decimals: 2), "99.95")
        XCTAssertEqual(MonitorSVG.format(0.05, decimals: 2), "0.05")
        XCTAssertEqual(MonitorSVG.format(.nan, decimals: 2), "0")
        XCTAssertEqual(MonitorSVG.format(1e20, decimals: 0), "1000000000000")
    }
}
