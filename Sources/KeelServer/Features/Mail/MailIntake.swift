import Fluent
import Foundation
import Vapor

/// The one door for inbound mail: the SMTP listener and `keel mail-in` both store the raw
/// message here, committed, before they report success. Processing happens afterwards
/// (`MailWorker`), so a crash in between loses nothing: the row is still pending.
enum MailIntake {
    /// Stores a message as pending and returns its id. Throws only if the database did not
    /// take it, in which case the sender must be told to try again (SMTP 451, exit 75).
    static func accept(_ raw: [UInt8], source: String, envelopeFrom: String?, recipients: [String],
                       on app: Application) async throws -> UUID {
        let message = InboundMessage()
        message.id = UUID()
        message.receivedAt = Date()
        message.source = source
        message.envelopeFrom = envelopeFrom.map { String($0.prefix(320)) }
        message.recipients = String(recipients.joined(separator: ",").prefix(4000))
        message.size = raw.count
        message.raw = Data(raw)
        message.status = InboundMessage.Status.pending.rawValue
        message.attempts = 0
        try await app.write { db in try await message.create(on: db) }
        return try message.requireID()
    }

    /// Whether the listener takes mail for this recipient (`KEEL_MAIL_ACCEPT`).
    static func accepts(_ recipient: String, config: KeelConfig) -> Bool {
        let address = recipient.lowercased()
        guard !config.mailAccept.isEmpty else { return true }
        let domain = address.split(separator: "@").last.map(String.init) ?? ""
        return config.mailAccept.contains { rule in
            rule.contains("@") ? rule == address : (rule == domain || domain.hasSuffix("." + rule))
        }
    }
}
