import Foundation

/// When a push job (backup, cron job) is expected to ping (INTEROP.md section 3).
///
/// Either a period (`every 24 h`) or a cron expression in a time zone, and in both cases a
/// grace time: the job is *late* from its due time and *down* from due + grace.
public enum HeartbeatSchedule: Sendable, Hashable, Codable {
    /// Due `periodSeconds` after the last success.
    case period(periodSeconds: Int, graceSeconds: Int)
    /// Due at the first run of `cron` (in the IANA zone `timeZone`) after the last success.
    case cron(CronExpression, timeZone: String, graceSeconds: Int)

    /// Shortest period and grace accepted (one minute, as cron's resolution).
    public static let minimumSeconds = 60
    /// Longest period or grace accepted (a year).
    public static let maximumSeconds = 366 * 86400

    public var graceSeconds: Int {
        switch self {
        case .period(_, let grace), .cron(_, _, let grace): grace
        }
    }

    /// A checked schedule.
    public func validated() throws(HeartbeatScheduleError) -> HeartbeatSchedule {
        let range = HeartbeatSchedule.minimumSeconds...HeartbeatSchedule.maximumSeconds
        switch self {
        case .period(let period, let grace):
            guard range.contains(period) else { throw .period }
            guard range.contains(grace) else { throw .grace }
        case .cron(_, let zone, let grace):
            guard MonitorZone(identifier: zone) != nil else { throw .timeZone }
            guard range.contains(grace) else { throw .grace }
        }
        return self
    }

    /// A cron schedule from text; a bad expression is reported with its field.
    public static func cron(
        expression: String, timeZone: String, graceSeconds: Int
    ) throws(HeartbeatScheduleError) -> HeartbeatSchedule {
        let cron: CronExpression
        do {
            cron = try CronExpression(expression)
        } catch {
            throw .cron(error)
        }
        return try HeartbeatSchedule.cron(cron, timeZone: timeZone, graceSeconds: graceSeconds).validated()
    }

    private enum CodingKeys: String, CodingKey {
        case periodSeconds, graceSeconds, cron, timezone
    }

    /// JSON `{"periodSeconds", "graceSeconds"}` or `{"cron", "timezone", "graceSeconds"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let grace = try container.decode(Int.self, forKey: .graceSeconds)
        if let cron = try container.decodeIfPresent(CronExpression.self, forKey: .cron) {
            self = .cron(cron, timeZone: try container.decode(String.self, forKey: .timezone), graceSeconds: grace)
        } else {
            self = .period(periodSeconds: try container.decode(Int.self, forKey: .periodSeconds), graceSeconds: grace)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .period(let period, let grace):
            try container.encode(period, forKey: .periodSeconds)
            try container.encode(grace, forKey: .graceSeconds)
        case .cron(let cron, let zone, let grace):
            try container.encode(cron, forKey: .cron)
            try container.encode(zone, forKey: .timezone)
            try container.encode(grace, forKey: .graceSeconds)
        }
    }

    /// When a job whose last success was at `lastSuccess` is next due; nil when a cron
    /// expression never runs again.
    public func due(afterSuccessAt lastSuccess: Date) -> Date? {
        switch self {
        case .period(let period, _):
            return lastSuccess.addingTimeInterval(Double(period))
        case .cron(let cron, let zone, _):
            return cron.next(after: lastSuccess, zone: MonitorZone(identifier: zone) ?? .utc)
        }
    }
}

/// Why a heartbeat schedule was refused.
public enum HeartbeatScheduleError: Error, Sendable, Hashable {
    case period
    case grace
    case timeZone
    case cron(CronError)

    /// The API field at fault.
    public var field: String {
        switch self {
        case .period: "periodSeconds"
        case .grace: "graceSeconds"
        case .timeZone: "timezone"
        case .cron: "schedule"
        }
    }
}

/// One ping of a push job: `/ping/{uuid}` (success), `/start`, `/fail` or `/<exit code>`.
public enum HeartbeatPing: Sendable, Hashable, Codable {
    case success
    case start
    case fail
    /// 0 is a success, anything else a failure.
    case exitCode(Int)

    /// The ping a URL suffix after `/ping/{uuid}` stands for: `""`, `"start"`, `"fail"` or an
    /// exit status `0`…`255`; nil for anything else.
    public init?(pathSuffix: String) {
        switch pathSuffix {
        case "": self = .success
        case "start": self = .start
        case "fail": self = .fail
        default:
            guard (1...3).contains(pathSuffix.utf8.count), pathSuffix.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let code = Int(pathSuffix), code <= 255
            else { return nil }
            self = .exitCode(code)
        }
    }

    /// Uptime Kuma's push form, `?status=up|down`: nil (up) or `"up"` is a success, `"down"` a failure.
    public init?(kumaStatus: String?) {
        switch kumaStatus?.lowercased() {
        case nil, "up": self = .success
        case "down": self = .fail
        default: return nil
        }
    }

    /// Whether the ping reports a finished run that went well (true), badly (false), or is a start (nil).
    public var outcome: Bool? {
        switch self {
        case .success: true
        case .fail: false
        case .start: nil
        case .exitCode(let code): code == 0
        }
    }

    /// Largest ping body kept as the run's log, in bytes (as healthchecks.io).
    public static let bodyLimit = 10_000

    /// The body cut to `limit` bytes at a UTF-8 character boundary, and whether it was cut.
    public static func cappedBody(_ body: Data, limit: Int = bodyLimit) -> (body: Data, truncated: Bool) {
        guard body.count > limit else { return (body, false) }
        var end = body.startIndex + max(0, limit)
        // Step back over continuation bytes (10xxxxxx) so no character is split.
        while end > body.startIndex, body[end] & 0xC0 == 0x80 {
            end -= 1
        }
        return (Data(body[body.startIndex..<end]), true)
    }
}
