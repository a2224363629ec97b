import Foundation
import KeelDomain
import Vapor

/// Builds an active check from the API input, every value checked by the domain's rules.
enum ActiveChecks {
    static func make(_ input: CheckInput, type: String, organizationID: UUID, name: String, context: RequestContext,
                     box: SecretBox) throws -> MonitorCheck {
        guard let kind = MonitorCheckKind(rawValue: type), [.http, .tcp, .tls, .dns, .ping].contains(kind) else {
            throw KeelError.validation("type", "check_type_unsupported")
        }
        guard let target = MonitorTarget.parse(kind: kind, input.target ?? "") else { throw KeelError.validation("target", "check_target_invalid") }
        let policy: MonitorCheckPolicy
        do {
            policy = try MonitorCheckPolicy(intervalSeconds: input.intervalSeconds ?? 60, timeoutSeconds: input.timeoutSeconds ?? 10,
                                            failuresBeforeDown: (input.retries ?? 2) + 1).validated()
        } catch {
            throw KeelError.validation(error.rawValue, "check_policy_invalid")
        }
        var config = ActiveCheckConfig(policy: policy)
        if let method = input.method?.uppercased() {
            guard ["GET", "HEAD", "POST", "OPTIONS"].contains(method) else { throw KeelError.validation("method", "check_method_invalid") }
            config.method = method
        }
        if let raw = input.expectedStatus {
            let parts = raw.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(parts.count), let low = parts.first ?? nil, let high = parts.last ?? nil, low <= high,
                  (100...599).contains(low), (100...599).contains(high) else {
                throw KeelError.validation("expectedStatus", "check_status_invalid")
            }
            (config.acceptedLow, config.acceptedHigh) = (low, high)
        }
        if let keyword = input.keyword, !keyword.isEmpty {
            guard keyword.count <= 200 else { throw KeelError.validation("keyword", "text_too_long", values: ["max": "200"]) }
            config.keyword = keyword
        }
        config.keywordAbsent = input.keywordAbsent ?? false
        if let latency = input.maxLatencyMs {
            guard (1...120_000).contains(latency) else { throw KeelError.validation("maxLatencyMs", "check_policy_invalid") }
            config.maxLatencyMs = latency
        }
        config.followRedirects = input.followRedirects ?? true
        if let headers = input.headers {
            guard headers.count <= 20, headers.allSatisfy({ FieldRules.cleanText($0.key, maximum: 100) != nil && $0.value.count <= 1000
                    && !$0.value.unicodeScalars.contains(where: { $0.value < 0x20 }) && !$0.key.contains(":") }) else {
                throw KeelError.validation("headers", "check_headers_invalid")
            }
            config.headers = headers
        }
        if let days = input.tlsWarnDays {
            guard (1...365).contains(days) else { throw KeelError.validation("tlsWarnDays", "check_policy_invalid") }
            config.tlsWarnDays = days
        }
        if let expected = input.expectedValue?.trimmingCharacters(in: .whitespaces), !expected.isEmpty {
            guard kind == .dns, MonitorTarget.parse(kind: .ping, expected) != nil else {
                throw KeelError.validation("expectedValue", "check_expected_invalid")
            }
            config.expectedValue = expected.lowercased()
        }
        if let port = input.fallbackPort {
            guard kind == .ping, (1...65535).contains(port) else { throw KeelError.validation("fallbackPort", "check_policy_invalid") }
            config.fallbackPort = port
        }
        let now = Date()
        let check = MonitorCheck()
        check.id = UUID()
        check.organizationID = organizationID
        check.name = name
        check.type = kind.rawValue
        check.target = input.target?.trimmingCharacters(in: .whitespaces)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        check.config = String(decoding: try encoder.encode(config), as: UTF8.self)
        check.schedule = "{}"
        check.state = String(decoding: try JSONEncoder().encode(MonitorCheckState()), as: UTF8.self)
        check.status = MonitorCheckStatus.pending.rawValue
        check.impact = try TicketRules.impact(input.impact ?? "department").rawValue
        check.urgency = try TicketRules.urgency(input.urgency ?? "high").rawValue
        check.autoResolve = input.autoResolve ?? true
        // Active checks have no ping URL; the columns hold an unusable random value.
        let unused = Secrets.token(bytes: 24)
        check.pingHash = Secrets.sha256Hex(unused)
        check.pingSealed = try box.seal(unused)
        check.createdBy = context.user.id
        check.nextCheckAt = MonitorSchedule.firstDue(checkID: check.id!, interval: TimeInterval(policy.intervalSeconds), now: now)
        check.createdAt = now
        check.updatedAt = now
        _ = target
        return check
    }
}
