import Foundation

/// `firing` or `resolved`, for a group or one alert.
public enum AlertmanagerStatus: String, Sendable, Hashable, Codable {
    case firing, resolved
}

/// The body of an Alertmanager webhook, payload version "4" (INTEROP.md section 2): one POST
/// carries one alert group.
///
/// Decoding is tolerant where Alertmanager and hand-made test posts vary: missing maps and
/// strings decode as empty, `truncatedAlerts` as 0, and dates accept RFC 3339 with or without
/// fractional seconds (Alertmanager sends up to nanoseconds) and any offset. The "zero" time
/// `0001-01-01T00:00:00Z` that a firing alert carries as `endsAt` decodes as nil.
public struct AlertmanagerWebhook: Sendable, Hashable, Codable {
    public var version: String
    public var groupKey: String
    public var truncatedAlerts: Int
    public var status: AlertmanagerStatus
    public var receiver: String
    public var groupLabels: [String: String]
    public var commonLabels: [String: String]
    public var commonAnnotations: [String: String]
    public var externalURL: String
    public var alerts: [AlertmanagerAlert]

    /// The payload version this model reads.
    public static let supportedVersion = "4"

    public init(
        version: String = AlertmanagerWebhook.supportedVersion, groupKey: String, truncatedAlerts: Int = 0,
        status: AlertmanagerStatus, receiver: String, groupLabels: [String: String] = [:],
        commonLabels: [String: String] = [:], commonAnnotations: [String: String] = [:], externalURL: String = "",
        alerts: [AlertmanagerAlert]
    ) {
        self.version = version
        self.groupKey = groupKey
        self.truncatedAlerts = truncatedAlerts
        self.status = status
        self.receiver = receiver
        self.groupLabels = groupLabels
        self.commonLabels = commonLabels
        self.commonAnnotations = commonAnnotations
        self.externalURL = externalURL
        self.alerts = alerts
    }

    public var isSupportedVersion: Bool { version == Self.supportedVersion }

    private enum CodingKeys: String, CodingKey {
        case version, groupKey, truncatedAlerts, status, receiver, groupLabels, commonLabels, commonAnnotations
        case externalURL, alerts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? Self.supportedVersion
        groupKey = try c.decodeIfPresent(String.self, forKey: .groupKey) ?? ""
        truncatedAlerts = try c.decodeIfPresent(Int.self, forKey: .truncatedAlerts) ?? 0
        status = try c.decode(AlertmanagerStatus.self, forKey: .status)
        receiver = try c.decodeIfPresent(String.self, forKey: .receiver) ?? ""
        groupLabels = try c.decodeIfPresent([String: String].self, forKey: .groupLabels) ?? [:]
        commonLabels = try c.decodeIfPresent([String: String].self, forKey: .commonLabels) ?? [:]
        commonAnnotations = try c.decodeIfPresent([String: String].self, forKey: .commonAnnotations) ?? [:]
        externalURL = try c.decodeIfPresent(String.self, forKey: .externalURL) ?? ""
        alerts = try c.decodeIfPresent([AlertmanagerAlert].self, forKey: .alerts) ?? []
    }

    /// Decodes a request body (no date strategy needed: the models parse their own dates).
    public static func decode(_ data: Data) throws -> AlertmanagerWebhook {
        try JSONDecoder().decode(AlertmanagerWebhook.self, from: data)
    }
}

/// One alert of a group. `fingerprint` is stable between firing and resolved: the per-alert key.
public struct AlertmanagerAlert: Sendable, Hashable, Codable {
    public var status: AlertmanagerStatus
    public var labels: [String: String]
    public var annotations: [String: String]
    public var startsAt: Date
    /// nil for Alertmanager's zero time (an alert still firing with no expected end).
    public var endsAt: Date?
    public var generatorURL: String
    public var fingerprint: String

    public init(
        status: AlertmanagerStatus, labels: [String: String], annotations: [String: String] = [:], startsAt: Date,
        endsAt: Date? = nil, generatorURL: String = "", fingerprint: String
    ) {
        self.status = status
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
        self.fingerprint = fingerprint
    }

    private enum CodingKeys: String, CodingKey {
        case status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(AlertmanagerStatus.self, forKey: .status)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
        guard let starts = try Self.date(c, .startsAt) else {
            throw DecodingError.dataCorruptedError(
                forKey: .startsAt, in: c, debugDescription: "startsAt must be an RFC 3339 time")
        }
        startsAt = starts
        endsAt = try Self.date(c, .endsAt)
        generatorURL = try c.decodeIfPresent(String.self, forKey: .generatorURL) ?? ""
        fingerprint = try c.decodeIfPresent(String.self, forKey: .fingerprint) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(labels, forKey: .labels)
        try c.encode(annotations, forKey: .annotations)
        try c.encode(RFC3339.format(startsAt, offset: 0), forKey: .startsAt)
        try c.encode(endsAt.map { RFC3339.format($0, offset: 0) } ?? Self.zeroTime, forKey: .endsAt)
        try c.encode(generatorURL, forKey: .generatorURL)
        try c.encode(fingerprint, forKey: .fingerprint)
    }

    /// Go's zero `time.Time`, which Alertmanager writes for "no end".
    public static let zeroTime = "0001-01-01T00:00:00Z"

    /// A date field: nil when absent, null, empty or Go's zero time (any year 1 instant);
    /// an error when present but not RFC 3339.
    private static func date(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date? {
        guard let text = try c.decodeIfPresent(String.self, forKey: key), !text.isEmpty else { return nil }
        if text.hasPrefix("0001-01-01") { return nil }
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an RFC 3339 time")
        }
        return date
    }
}
