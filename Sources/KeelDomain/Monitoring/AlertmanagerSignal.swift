import Foundation

/// How serious an alert says it is, from its `severity` label.
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    case critical, high, warning, info, unknown

    /// Common spellings of Prometheus rule severities (any case).
    public init(label: String?) {
        switch label?.lowercased() {
        case "critical", "crit", "page", "emergency", "emerg", "fatal", "disaster": self = .critical
        case "high", "error", "err", "major", "severe": self = .high
        case "warning", "warn", "medium", "average", "minor": self = .warning
        case "info", "informational", "information", "low", "notice", "none", "debug": self = .info
        default: self = .unknown
        }
    }

    /// The suggested impact and urgency of a ticket (priority through `PriorityMatrix.standard`:
    /// critical → critical, high → high, warning and unknown → medium, info → low).
    public var suggested: (impact: Impact, urgency: Urgency) {
        switch self {
        case .critical: (.organization, .high)
        case .high: (.department, .high)
        case .warning, .unknown: (.department, .medium)
        case .info: (.user, .low)
        }
    }
}

/// One alert of a webhook, reduced to what the incident logic needs.
public struct AlertSignal: Sendable, Hashable, Codable {
    /// The per-alert key (Alertmanager's fingerprint, or a hash of the labels when absent).
    public var fingerprint: String
    public var status: AlertmanagerStatus
    /// From the `summary` annotation, else `description`, else the `alertname` label, else the
    /// fingerprint; one line, at most `maximumTitleLength` characters.
    public var title: String
    public var severity: AlertSeverity
    public var impact: Impact
    public var urgency: Urgency
    public var startsAt: Date
    public var endsAt: Date?
    public var labels: [String: String]
    public var annotations: [String: String]
    public var generatorURL: String
    public var groupKey: String

    /// Ticket titles are at most 200 characters.
    public static let maximumTitleLength = 200

    public var isFiring: Bool { status == .firing }

    /// Equal for Alertmanager's repeats of the same notification (it re-sends every
    /// `repeat_interval` and retries on 5xx): store it and drop a signal seen before, so
    /// intake is idempotent.
    public var idempotencyKey: String {
        var key = fingerprint + "|" + status.rawValue + "|" + String(Int64(startsAt.timeIntervalSince1970.rounded(.down)))
        if status == .resolved, let endsAt { key += "|" + String(Int64(endsAt.timeIntervalSince1970.rounded(.down))) }
        return key
    }
}

extension AlertmanagerWebhook {
    /// One signal per fingerprint, in the order alerts first appear; when a fingerprint occurs
    /// twice the later entry wins. Alert labels and annotations override the group's common ones.
    public func signals() -> [AlertSignal] {
        var order: [String] = []
        var byKey: [String: AlertSignal] = [:]
        for alert in alerts {
            let signal = signal(for: alert)
            if byKey.updateValue(signal, forKey: signal.fingerprint) == nil { order.append(signal.fingerprint) }
        }
        return order.compactMap { byKey[$0] }
    }

    private func signal(for alert: AlertmanagerAlert) -> AlertSignal {
        let labels = commonLabels.merging(alert.labels) { _, own in own }
        let annotations = commonAnnotations.merging(alert.annotations) { _, own in own }
        let fingerprint = alert.fingerprint.isEmpty ? Self.labelHash(labels) : alert.fingerprint
        let severity = AlertSeverity(label: labels["severity"])
        var (impact, urgency) = severity.suggested
        if let explicit = labels["impact"].flatMap({ Impact(rawValue: $0.lowercased()) }) { impact = explicit }
        if let explicit = labels["urgency"].flatMap({ Urgency(rawValue: $0.lowercased()) }) { urgency = explicit }
        let candidates = [annotations["summary"], annotations["description"], labels["alertname"]]
        let title = candidates.lazy.compactMap { $0.map(Self.oneLine) }.first { !$0.isEmpty } ?? fingerprint
        return AlertSignal(
            fingerprint: fingerprint, status: alert.status, title: title, severity: severity, impact: impact,
            urgency: urgency, startsAt: alert.startsAt, endsAt: alert.endsAt, labels: labels, annotations: annotations,
            generatorURL: alert.generatorURL, groupKey: groupKey)
    }

    /// Whitespace and control characters collapsed to single spaces, trimmed, cut to the title length.
    static func oneLine(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        var count = 0
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out += " "
                pendingSpace = false
            }
            out.unicodeScalars.append(scalar)
            count += 1
            if count >= AlertSignal.maximumTitleLength * 2 { break }
        }
        return out.count > AlertSignal.maximumTitleLength ? String(out.prefix(AlertSignal.maximumTitleLength)) : out
    }

    /// A stable 16-hex-digit FNV-1a hash of the sorted labels, for alerts without a fingerprint.
    static func labelHash(_ labels: [String: String]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for key in labels.keys.sorted() {
            for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3
            for byte in (labels[key] ?? "").utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            hash = (hash ^ 0xFE) &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
