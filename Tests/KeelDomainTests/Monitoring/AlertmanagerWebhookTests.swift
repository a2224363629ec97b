import Foundation
import KeelDomain
import XCTest

final class AlertmanagerWebhookTests: XCTestCase {
    /// A payload as Alertmanager 0.25 posts it (fields in its order, nanosecond times).
    private let firing = #"""
        {"receiver":"keel","status":"firing","alerts":[
          {"status":"firing","labels":{"alertname":"DiskFull","instance":"srv1","severity":"critical"},
           "annotations":{"summary":"Disk /var on srv1 is 95% full"},
           "startsAt":"2026-04-01T10:15:30.123456789Z","endsAt":"0001-01-01T00:00:00Z",
           "generatorURL":"http://prom:9090/graph?g0.expr=disk","fingerprint":"2a0b5a6c8e1f3d47"},
          {"status":"firing","labels":{"alertname":"HighLoad","instance":"srv2"},
           "annotations":{"description":"  load\naverage   high  "},
           "startsAt":"2026-04-01T12:15:30+02:00","endsAt":"0001-01-01T00:00:00Z",
           "generatorURL":"","fingerprint":"9f00aa11bb22cc33"}],
         "groupLabels":{"alertname":"DiskFull"},"commonLabels":{"team":"ops"},"commonAnnotations":{},
         "externalURL":"http://am:9093","version":"4","groupKey":"{}:{alertname=\"DiskFull\"}","truncatedAlerts":0}
        """#

    func testDecodesVersion4PayloadWithZeroEndsAtAndFractionalSeconds() throws {
        let webhook = try AlertmanagerWebhook.decode(Data(firing.utf8))
        XCTAssertEqual(webhook.version, "4")
        XCTAssertTrue(webhook.isSupportedVersion)
        XCTAssertEqual(webhook.status, .firing)
        XCTAssertEqual(webhook.receiver, "keel")
        XCTAssertEqual(webhook.groupKey, "{}:{alertname=\"DiskFull\"}")
        XCTAssertEqual(webhook.externalURL, "http://am:9093")
        XCTAssertEqual(webhook.alerts.count, 2)
        let disk = webhook.alerts[0]
        XCTAssertNil(disk.endsAt)
        XCTAssertEqual(disk.startsAt.timeIntervalSince1970, MonitorFixtures.t("2026-04-01T10:15:30Z").timeIntervalSince1970 + 0.123456789,
                       accuracy: 1e-6)
        XCTAssertEqual(webhook.alerts[1].startsAt, MonitorFixtures.t("2026-04-01T10:15:30Z"))
        XCTAssertEqual(disk.fingerprint, "2a0b5a6c8e1f3d47")
    }

    func testToleratesMissingOptionalFieldsButNotBadDates() throws {
        let minimal = #"{"status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"X"},"startsAt":"2026-04-01T10:00:00Z","endsAt":"2026-04-01T11:00:00.5+01:00"}]}"#
        let webhook = try AlertmanagerWebhook.decode(Data(minimal.utf8))
        XCTAssertEqual(webhook.version, "4")
        XCTAssertEqual(webhook.truncatedAlerts, 0)
        XCTAssertEqual(webhook.alerts[0].endsAt, MonitorFixtures.t("2026-04-01T10:00:00Z").addingTimeInterval(0.5))
        XCTAssertEqual(webhook.alerts[0].fingerprint, "")
        let bad = #"{"status":"firing","alerts":[{"status":"firing","labels":{},"startsAt":"yesterday"}]}"#
        XCTAssertThrowsError(try AlertmanagerWebhook.decode(Data(bad.utf8)))
        XCTAssertThrowsError(try AlertmanagerWebhook.decode(Data(#"{"status":"exploded","alerts":[]}"#.utf8)))
    }

    func testRoundTripsThroughJSONKeepingZeroTime() throws {
        let webhook = try AlertmanagerWebhook.decode(Data(firing.utf8))
        let data = try JSONEncoder().encode(webhook)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("0001-01-01T00:00:00Z"))
        let again = try AlertmanagerWebhook.decode(data)
        XCTAssertEqual(again.alerts.map(\.fingerprint), webhook.alerts.map(\.fingerprint))
        XCTAssertEqual(again.alerts[0].startsAt.timeIntervalSince1970, webhook.alerts[0].startsAt.timeIntervalSince1970, accuracy: 0.001)
    }

    func testSignalsPerFingerprintWithTitleAndSeverity() throws {
        let signals = try AlertmanagerWebhook.decode(Data(firing.utf8)).signals()
        XCTAssertEqual(signals.map(\.fingerprint), ["2a0b5a6c8e1f3d47", "9f00aa11bb22cc33"])
        XCTAssertEqual(signals[0].title, "Disk /var on srv1 is 95% full")
        XCTAssertEqual(signals[0].severity, .critical)
        XCTAssertEqual(signals[0].impact, .organization)
        XCTAssertEqual(signals[0].urgency, .high)
        XCTAssertEqual(PriorityMatrix.standard.priority(impact: signals[0].impact, urgency: signals[0].urgency), .critical)
        XCTAssertEqual(signals[0].labels["team"], "ops", "common labels are merged in")
        XCTAssertEqual(signals[1].title, "load average high")
        XCTAssertEqual(signals[1].severity, .unknown)
        XCTAssertEqual(signals[1].impact, .department)
        XCTAssertEqual(signals[1].urgency, .medium)
        XCTAssertTrue(signals.allSatisfy(\.isFiring))
    }

    func testTitleFallsBackToAlertnameThenFingerprintAndIsCut() {
        let start = MonitorFixtures.t("2026-04-01T10:00:00Z")
        let long = String(repeating: "x", count: 500)
        let webhook = AlertmanagerWebhook(groupKey: "g", status: .firing, receiver: "keel", alerts: [
            AlertmanagerAlert(status: .firing, labels: ["alertname": "NodeDown", "severity": "warning"], startsAt: start, fingerprint: "a"),
            AlertmanagerAlert(status: .firing, labels: [:], startsAt: start, fingerprint: "b"),
            AlertmanagerAlert(status: .firing, labels: ["alertname": "X"], annotations: ["summary": long], startsAt: start, fingerprint: "c"),
            AlertmanagerAlert(status: .firing, labels: ["severity": "info", "urgency": "HIGH"], startsAt: start, fingerprint: "d"),
        ])
        let signals = webhook.signals()
        XCTAssertEqual(signals.map(\.title.count), [8, 1, 200, 1])
        XCTAssertEqual(signals[0].title, "NodeDown")
        XCTAssertEqual(signals[0].severity, .warning)
        XCTAssertEqual(signals[3].impact, .user)
        XCTAssertEqual(signals[3].urgency, .high, "an explicit urgency label wins")
    }

    func testMissingFingerprintGetsAStableHashAndDuplicatesCollapse() {
        let start = MonitorFixtures.t("2026-04-01T10:00:00Z")
        let labels = ["alertname": "DiskFull", "instance": "srv1"]
        let webhook = AlertmanagerWebhook(groupKey: "g", status: .resolved, receiver: "keel", alerts: [
            AlertmanagerAlert(status: .firing, labels: labels, startsAt: start, fingerprint: ""),
            AlertmanagerAlert(status: .resolved, labels: labels, startsAt: start, endsAt: start.addingTimeInterval(60), fingerprint: ""),
        ])
        let signals = webhook.signals()
        XCTAssertEqual(signals.count, 1)
        XCTAssertEqual(signals[0].status, .resolved, "the later entry wins")
        XCTAssertEqual(signals[0].fingerprint.count, 16)
        XCTAssertEqual(signals[0].fingerprint, webhook.signals()[0].fingerprint)
    }

    func testIdempotencyKeyIsEqualForRepeatsAndDiffersForResolution() throws {
        let webhook = try AlertmanagerWebhook.decode(Data(firing.utf8))
        let repeatSend = try AlertmanagerWebhook.decode(Data(firing.utf8))
        XCTAssertEqual(webhook.signals().map(\.idempotencyKey), repeatSend.signals().map(\.idempotencyKey))
        var resolved = webhook
        resolved.alerts[0].status = .resolved
        resolved.alerts[0].endsAt = MonitorFixtures.t("2026-04-01T11:00:00Z")
        XCTAssertNotEqual(resolved.signals()[0].idempotencyKey, webhook.signals()[0].idempotencyKey)
    }

    func testSeverityNames() {
        XCTAssertEqual(AlertSeverity(label: "CRITICAL"), .critical)
        XCTAssertEqual(AlertSeverity(label: "page"), .critical)
        XCTAssertEqual(AlertSeverity(label: "error"), .high)
        XCTAssertEqual(AlertSeverity(label: "warn"), .warning)
        XCTAssertEqual(AlertSeverity(label: "none"), .info)
        XCTAssertEqual(AlertSeverity(label: nil), .unknown)
        XCTAssertEqual(AlertSeverity(label: "spicy"), .unknown)
    }
}
