// SLA engine throughput on one thread: how many due times Keel's domain code computes per second.
//
//   sla-bench [--count N] [--repeat R]
//
// Runs each scenario R times (default 5) over N computations (default 2,000,000) and prints the
// best and the median rate. Pin it to one core with `taskset -c 1` (bench/run does). Inputs are
// deterministic: ticket start times spread over 2026 (weekends, holidays, DST changes included).
import Foundation
import KeelDomain

var count = 2_000_000
var repeats = 5
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--count": count = Int(arguments.next() ?? "") ?? count
    case "--repeat": repeats = Int(arguments.next() ?? "") ?? repeats
    default:
        FileHandle.standardError.write(Data("usage: sla-bench [--count N] [--repeat R]\n".utf8))
        exit(2)
    }
}

func calendar(_ json: String) -> BusinessCalendar {
    do { return try BusinessCalendar.decode(json: Data(json.utf8)) } catch { fatalError("calendar: \(error)") }
}

// The calendars of Keel's API.md / domain tests: London (split Friday, holidays, a make-up
// workday) and Shanghai (lunch break, National Day week, 调休 make-up days, yearly New Year).
let london = calendar("""
    {"name": "London office", "timezone": "Europe/London",
     "weekly": {"mon": [["09:00","17:30"]], "tue": [["09:00","17:30"]], "wed": [["09:00","17:30"]],
                "thu": [["09:00","17:30"]], "fri": [["09:00","13:00"],["14:00","17:30"]], "sat": [], "sun": []},
     "holidays": ["2026-12-25", "2026-12-28"], "workdays": ["2026-10-10"]}
    """)
let shanghai = calendar("""
    {"name": "上海办公室", "timezone": "Asia/Shanghai",
     "weekly": {"mon": [["09:00","12:00"],["13:30","18:00"]], "tue": [["09:00","12:00"],["13:30","18:00"]],
                "wed": [["09:00","12:00"],["13:30","18:00"]], "thu": [["09:00","12:00"],["13:30","18:00"]],
                "fri": [["09:00","12:00"],["13:30","18:00"]]},
     "holidays": ["--01-01", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",
                  "2026-10-06", "2026-10-07"],
     "workdays": ["2026-09-20", "2026-10-10"]}
    """)

var seed: UInt64 = 42
let year2026 = 1_767_225_600.0 // 2026-01-01T00:00:00Z
let starts: [Date] = (0..<4096).map { _ in
    seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Date(timeIntervalSince1970: year2026 + Double((seed >> 33) % (365 * 86400)))
}
let priorities = Priority.allCases
let policy = SLAPolicy.standard
// Typical business-time targets, 1 h … 83 h (two weeks of the London calendar).
let businessSeconds = [3600, 2 * 3600, 4 * 3600, 8 * 3600, 25 * 3600 + 1800, 83 * 3600]

struct Scenario {
    let name: String
    let computationsPerIteration: Int
    let body: (Int) -> Double
}

let scenarios: [Scenario] = [
    Scenario(name: "addBusinessTime, London calendar", computationsPerIteration: 1) { i in
        london.addBusinessTime(businessSeconds[i % businessSeconds.count], to: starts[i & 4095]).timeIntervalSince1970
    },
    Scenario(name: "addBusinessTime, Shanghai calendar", computationsPerIteration: 1) { i in
        shanghai.addBusinessTime(businessSeconds[i % businessSeconds.count], to: starts[i & 4095]).timeIntervalSince1970
    },
    // What Keel does per ticket: both clocks of the standard policy for the ticket's priority
    // (critical is 24×7, low uses "end of next business day" / "10 business days").
    Scenario(name: "SLATarget.dueDate, standard policy, both clocks, London", computationsPerIteration: 2) { i in
        let targets = policy.targets(for: priorities[i & 3])
        let start = starts[i & 4095]
        return targets.firstResponse.dueDate(from: start, calendar: london).timeIntervalSince1970
            + targets.resolution.dueDate(from: start, calendar: london).timeIntervalSince1970
    },
    Scenario(name: "SLATarget.dueDate with one pause (pending customer), London", computationsPerIteration: 1) { i in
        let start = starts[i & 4095]
        let pause = DateInterval(start: start.addingTimeInterval(1800), duration: 86400)
        return SLATarget.businessDays(3).dueDate(from: start, calendar: london, pauses: [pause]).timeIntervalSince1970
    },
]

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

print("sla-bench: \(count) iterations × \(repeats) runs per scenario, one thread")
var checksum = 0.0
let clock = ContinuousClock()
for scenario in scenarios {
    // Warm-up (caches, lazily built tables).
    for i in 0..<min(count, 50_000) { checksum += scenario.body(i) }
    var rates: [Double] = []
    for _ in 0..<repeats {
        var local = 0.0
        let elapsed = clock.measure {
            for i in 0..<count { local += scenario.body(i) }
        }
        checksum += local
        rates.append(Double(count * scenario.computationsPerIteration) / seconds(elapsed))
    }
    rates.sort()
    let label = scenario.name.padding(toLength: 60, withPad: " ", startingAt: 0)
    print(label + String(format: " median %10.0f /s   best %10.0f /s", rates[rates.count / 2], rates.last!))
}
print(String(format: "checksum %.0f", checksum.truncatingRemainder(dividingBy: 1e9)))
