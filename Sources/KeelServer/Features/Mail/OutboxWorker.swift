import Fluent
import Foundation
import KeelDomain
import Vapor

/// Every second: compose mail for new notifications, send what is due through the relay with
/// back-off (1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h, 24 h, then failed), and the staff's
/// daily digests. Queued mail is in the database, so a restart resumes where it stopped.
actor OutboxWorker {
    private weak var app: Application?
    private var running = false
    private var passes = 0

    static let backoff: [TimeInterval] = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600]

    init(app: Application) {
        self.app = app
    }

    func pass(now: Date = Date()) async {
        guard let app, !running else { return }
        running = true
        defer { running = false }
        do {
            // Small batches, each its own short transaction, so other writers (an alert's
            // ticket, say) wait for one batch at most, never for the whole backlog.
            var batches = 0
            while batches < 20, try await Outbox(app: app).composePending(limit: 25, now: now) == 25 { batches += 1 }
            // Digests are due once a day: looked for every other pass, as before.
            passes += 1
            if passes % 2 == 1 { try await Digests(app: app).composeDue(now: now) }
            try await sendDue(app, now: now)
        } catch {
            app.logger.error("outbox pass failed", metadata: ["error": "\(error)"])
        }
    }

    private func sendDue(_ app: Application, now: Date) async throws {
        guard let relay = SMTPRelay(app.keel) else { return }
        let due = try await OutboundMessage.query(on: app.db).filter(\.$status == OutboundMessage.Status.queued.rawValue)
            .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).limit(50).all()
        for message in due {
            do {
                try await relay.send(from: app.keel.notificationSender, to: message.recipient, data: [UInt8](message.raw),
                                     group: app.eventLoopGroup)
                message.status = OutboundMessage.Status.sent.rawValue
                message.sentAt = Date()
                message.lastError = nil
            } catch let failure as SMTPRelay.Failure {
                message.attempts += 1
                message.lastError = String(failure.description.prefix(500))
                switch failure {
                case .permanent:
                    message.status = OutboundMessage.Status.failed.rawValue
                case .temporary:
                    if message.attempts > Self.backoff.count {
                        message.status = OutboundMessage.Status.failed.rawValue
                    } else {
                        message.nextAttemptAt = now.addingTimeInterval(Self.backoff[message.attempts - 1])
                    }
                }
                app.logger.warning("mail not sent", metadata: ["to": "\(message.recipient)", "error": "\(failure)"])
            }
            try await app.write { db in try await message.update(on: db) }
        }
    }
}

/// The daily digest for staff who ask for it: at 08:00 their time, their open tickets with
/// SLA state, worst first, once a day.
struct Digests {
    let app: Application

    func composeDue(now: Date) async throws {
        let wanting = try await MailPreference.query(on: app.db).filter(\.$ownerType == "user").filter(\.$digest == true).all()
        for preference in wanting {
            guard let person = try await User.find(preference.ownerID, on: app.db), person.active, person.roleValue.isProviderStaff else { continue }
            let zone = try await MailPreferences.timeZone(of: person, on: app.db)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let parts = calendar.dateComponents([.year, .month, .day, .hour], from: now)
            let today = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            guard (parts.hour ?? 0) >= 8, preference.digestSentOn != today else { continue }
            let message = try await compose(for: person, zone: zone, now: now)
            preference.digestSentOn = today
            try await app.write { db in
                try await preference.update(on: db)
                if let message { try await message.create(on: db) }
            }
        }
    }

    private func compose(for person: User, zone: TimeZone, now: Date) async throws -> OutboundMessage? {
        let personID = try person.requireID()
        let open = try await Ticket.query(on: app.db).filter(\.$assignee.$id == personID)
            .filter(\.$status ~~ ["new", "open", "pending_customer", "pending_third_party"]).limit(200).all()
        guard !open.isEmpty else { return nil }
        let rank = ["breached": 0, "warning": 1, "ok": 2]
        let sorted = open.sorted { (rank[$0.slaState] ?? 3, $0.resolutionDueAt ?? .distantFuture) < (rank[$1.slaState] ?? 3, $1.resolutionDueAt ?? .distantFuture) }
        let language = try await MailPreferences.language(of: person, on: app.db)
        let catalog = app.catalog
        func t(_ key: String, _ values: [String: String] = [:]) -> String { catalog.text(key, language, values) }
        let lines = sorted.map { ticket in
            "#\(ticket.number) [\(t("sla.\(ticket.slaState)"))] \(ticket.title)"
        }
        let title = t("mail.out.digest", ["count": String(open.count)])
        let text = ([title, ""] + lines + ["", t("mail.out.view", ["url": "\(app.keel.publicBaseURL)/tickets?assigneeId=\(personID.uuidString)"])])
            .joined(separator: "\n")
        let html = "<!DOCTYPE html><html lang=\"\(language.rawValue)\"><body><p>\(Outbox.escape(title))</p><ul>"
            + lines.map { "<li>\(Outbox.escape($0))</li>" }.joined() + "</ul></body></html>"
        let messageID = MailComposer.messageID(domain: app.keel.mailHostname)
        let outgoing = MailOutgoing(from: MailAddress(address: app.keel.notificationSender, name: "Keel"),
                                    to: [MailAddress(address: person.email, name: person.name)], subject: title, textBody: text,
                                    htmlBody: html, messageID: messageID, date: now,
                                    timeZoneOffsetMinutes: zone.secondsFromGMT(for: now) / 60, loopValue: app.keel.mailHostname)
        return OutboundMessage(composed: outgoing, to: person, kind: "digest", now: now)
    }
}
