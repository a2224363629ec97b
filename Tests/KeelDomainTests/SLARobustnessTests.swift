import Dispatch
import Foundation
import KeelDomain
import XCTest

/// Bad or absurd input never crashes or hangs the SLA engine, and calendars are safe to share
/// between threads.
final class SLARobustnessTests: XCTestCase {
    private let t = SLAFixtures.t

    func testAbsurdTargetsAreNeverDueInsteadOfHanging() {
        let london = SLAFixtures.london
        let start = t("2026-06-01T09:00:00+01:00")
        XCTAssertEqual(london.addBusinessTime(Int.max, to: start), .distantFuture)
        XCTAssertEqual(BusinessCalendar.twentyFourSeven.addBusinessTime(Int.max, to: start), .distantFuture)
        XCTAssertEqual(london.addBusinessDays(Int.max, to: start), .distantFuture)
        XCTAssertEqual(SLATarget.businessTime(seconds: Int.max).dueDate(from: start, calendar: london), .distantFuture)
        // A whole millennium of business time is still answered (in a few milliseconds).
        XCTAssertGreaterThan(london.businessSeconds(from: start, to: .distantFuture), 0)
    }

    func testCalendarWithOneBusinessMinuteAYearStillAnswers() {
        // Only 1 January 09:00–09:01, as a workday (no weekly hours besides Monday's minute).
        let sparse = SLAFixtures.calendar("""
            {"name": "sparse", "timezone": "UTC", "weekly": {"mon": [["09:00","09:01"]]},
             "holidays": [], "workdays": ["2027-01-02"]}
            """)
        // Three business minutes from Friday 1 Jan 2027: Sat 2 Jan (workday), Mon 4, Mon 11.
        XCTAssertEqual(sparse.addBusinessTime(180, to: t("2027-01-01T00:00:00Z")), t("2027-01-11T09:01:00Z"))
    }

    func testSharedCalendarsGiveTheSameAnswersOnManyThreads() {
        // Zone tables are built lazily under a lock; use zones no other test touched first.
        let zones = ["America/Sao_Paulo", "Asia/Kolkata", "Europe/Berlin", "Africa/Casablanca", "America/Santiago", "Asia/Tehran"]
        let start = t("2026-03-27T16:00:00Z")
        let expected: [Date] = zones.map { zone in
            let calendar = SLAFixtures.calendar(zone: zone, days: [.mon, .tue, .wed, .thu, .fri], [("09:00", "17:30")])
            return calendar.addBusinessTime(40 * 3600, to: start)
        }
        let results = ResultBox(count: 64)
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let calendar = SLAFixtures.calendar(zone: zones[i % zones.count], days: [.mon, .tue, .wed, .thu, .fri], [("09:00", "17:30")])
            results.set(i, calendar.addBusinessTime(40 * 3600, to: start))
        }
        for i in 0..<64 { XCTAssertEqual(results.get(i), expected[i % zones.count], zones[i % zones.count]) }
    }

    func testRandomCalendarJSONNeverCrashes() {
        var generator = Generator(seed: 99)
        let base = Array(SLAFixtures.londonJSON.utf8)
        let alphabet = Array(#"{}[]",:0123456789-+ .TZtruefalsenull"monfriweekly24:00"#.utf8)
        var accepted = 0
        for _ in 0..<2000 {
            var bytes = base
            for _ in 0..<(1 + generator.random(4)) {
                let position = generator.random(bytes.count)
                switch generator.random(3) {
                case 0: bytes[position] = alphabet[generator.random(alphabet.count)]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[generator.random(alphabet.count)], at: position)
                }
            }
            do {
                let calendar = try BusinessCalendar.decode(json: Data(bytes))
                accepted += 1
                _ = calendar.addBusinessTime(4 * 3600, to: t("2026-03-27T16:00:00Z"))
            } catch {
                XCTAssertFalse(error.description.isEmpty)
            }
        }
        XCTAssertGreaterThan(accepted, 0)
    }

    func testRandomICSAndCommandLineInputNeverCrash() {
        var generator = Generator(seed: 5)
        let pieces = ["BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "DTSTART;VALUE=DATE:20261225",
                      "DTEND;VALUE=DATE:20261227", "DTEND;VALUE=DATE:2026122", "RRULE:FREQ=YEARLY", "RRULE:FREQ=YEARLY;COUNT=x",
                      "DURATION:P2D", "SUMMARY:x", " folded", "\t", ":", ";;;", "DTSTART:99999999", "RRULE:FREQ=YEARLY;INTERVAL=0"]
        for _ in 0..<2000 {
            let lines = (0..<generator.random(12)).map { _ in pieces[generator.random(pieces.count)] }
            do {
                _ = try ICSImport.parse(lines.joined(separator: generator.random(2) == 0 ? "\r\n" : "\n"))
            } catch {
                XCTAssertFalse(error.description.isEmpty)
            }
        }
        let words = ["4h", "90m", "2d", "", "x", "2026-03-27T16:00:00+00:00", "2026-03-27T16:00:00Z,2026-03-28T16:00:00Z",
                     "2026-13-27T16:00:00Z", "-1h", ",", "9999999h"]
        let source = SLADue.CalendarSource.json(Data(SLAFixtures.londonJSON.utf8))
        for _ in 0..<500 {
            do {
                _ = try SLADue.dueTime(
                    calendar: source, start: words[generator.random(words.count)], target: words[generator.random(words.count)],
                    pauses: (0..<generator.random(3)).map { _ in words[generator.random(words.count)] })
            } catch {
                XCTAssertFalse(error.description.isEmpty)
            }
        }
    }

    private struct Generator {
        var seed: UInt64

        mutating func random(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(max(bound, 1)))
        }
    }

    /// Results written from many threads, each index once.
    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Date?]

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ value: Date) {
            lock.lock()
            values[index] = value
            lock.unlock()
        }

        func get(_ index: Int) -> Date? {
            lock.lock()
            defer { lock.unlock() }
            return values[index]
        }
    }
}
