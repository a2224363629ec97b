import Foundation
import KeelDomain

/// `keel sla due --calendar FILE|24x7 --start RFC3339 --target 4h [--pause FROM,TO]…`
/// A pure computation on the domain's SLA engine: no database, no server. The due time is
/// the last line of standard output; a mistake goes to standard error with exit status 2.
public enum SLACommandLine {
    public static var usage: String { CLIText.t("cli.sla_usage") }

    /// Runs with the arguments after `keel`; returns the exit status.
    public static func run(_ arguments: [String], output: (String) -> Void, error report: (String) -> Void) -> Int32 {
        guard arguments.first == "sla" else { return 2 }
        guard arguments.count >= 2, arguments[1] == "due" else {
            report(usage)
            return arguments.contains("--help") ? 0 : 2
        }
        var calendar: String?, start: String?, target: String?
        var pauses: [String] = []
        var index = 2
        while index < arguments.count {
            let name = arguments[index]
            if name == "--help" || name == "-h" { output(usage); return 0 }
            guard index + 1 < arguments.count else { report("keel sla due: " + CLIText.t("cli.sla_needs_value", ["option": name]) + "\n" + usage); return 2 }
            let value = arguments[index + 1]
            switch name {
            case "--calendar": calendar = value
            case "--start": start = value
            case "--target": target = value
            case "--pause": pauses.append(value)
            default: report("keel sla due: " + CLIText.t("cli.sla_unknown_option", ["option": name]) + "\n" + usage); return 2
            }
            index += 2
        }
        guard let calendar, let start, let target else {
            report("keel sla due: " + CLIText.t("cli.sla_required") + "\n" + usage)
            return 2
        }
        do {
            let source = try SLADue.CalendarSource.fromArgument(calendar) { path in
                try Data(contentsOf: URL(fileURLWithPath: path))
            }
            output(try SLADue.dueTime(calendar: source, start: start, target: target, pauses: pauses))
            return 0
        } catch let failure {
            report("keel sla due: \(failure)")
            return 2
        }
    }
}
