import Foundation

/// What a bounce says about the message it returns (RFC 3464 delivery status, or a best effort
/// for plain-text bounces).
public struct MailBounce: Sendable, Hashable {
    public struct Recipient: Sendable, Hashable {
        /// Final-Recipient (or Original-Recipient) address.
        public var address: String
        /// "failed", "delayed", "delivered", "relayed" or "expanded", lowercased.
        public var action: String?
        /// Enhanced status code such as "5.1.1".
        public var status: String?
        /// Diagnostic-Code without its type, e.g. "550 5.1.1 <x@y>: Recipient address rejected".
        public var diagnostic: String?
        public var remoteMTA: String?

        /// A failure that retrying will not fix.
        public var isPermanentFailure: Bool {
            action == "failed" || (status?.hasPrefix("5") ?? false)
        }
    }

    /// Message-ID of the returned message, with angle brackets.
    public var originalMessageID: String?
    public var reportingMTA: String?
    public var recipients: [Recipient]

    /// The first permanently failed recipient, else the first recipient.
    public var failedRecipient: Recipient? {
        recipients.first(where: { $0.isPermanentFailure }) ?? recipients.first
    }

    /// Reads the bounce details of a message; nil when it has neither a delivery report nor an
    /// identifiable returned message.
    public init?(_ mail: ParsedMail) {
        var recipients: [Recipient] = []
        var reportingMTA: String?
        if let status = mail.report?.deliveryStatus {
            let groups = Self.fieldGroups(status)
            reportingMTA = groups.first?["Reporting-MTA"].map(Self.withoutType)
            for g in groups {
                guard let addr = g["Final-Recipient"] ?? g["Original-Recipient"] else { continue }
                recipients.append(Recipient(
                    address: MailAddress(address: Self.withoutType(addr).mailTrimmed("<> ")).address,
                    action: g["Action"].map { $0.mailTrimmed.mailLowercased },
                    status: g["Status"].flatMap { $0.split(separator: " ").first.map(String.init) },
                    diagnostic: g["Diagnostic-Code"].map(Self.withoutType),
                    remoteMTA: g["Remote-MTA"].map(Self.withoutType)))
            }
        }
        var originalID = mail.report?.originalHeaders?["Message-ID"].flatMap { MailThreading.messageIDs(in: $0).first }
        if originalID == nil { originalID = Self.messageIDLine(in: mail.report?.originalText ?? "") }
        if originalID == nil { originalID = Self.messageIDLine(in: mail.textBody) }
        if originalID == nil {
            originalID = mail.attachments.lazy.filter { $0.contentType == "message/rfc822" || $0.contentType == "text/rfc822-headers" }
                .compactMap { MailHeaders.parse($0.bytes)["Message-ID"].flatMap { MailThreading.messageIDs(in: $0).first } }
                .first
        }
        if recipients.isEmpty { recipients = Self.plainTextRecipients(mail.textBody) }
        guard originalID != nil || !recipients.isEmpty else { return nil }
        self.originalMessageID = originalID
        self.reportingMTA = reportingMTA
        self.recipients = recipients
    }

    /// Blank-line separated field groups of a message/delivery-status body.
    static func fieldGroups(_ text: String) -> [MailHeaders] {
        let bytes = Array(text.utf8)
        var groups: [MailHeaders] = []
        var start = 0
        while start < bytes.count {
            var ignored = Set<MailParseWarning>()
            let (headers, next) = MailHeaders.parse(bytes, start..<bytes.count, issues: &ignored)
            if !headers.isEmpty { groups.append(headers) }
            guard next > start else { break }
            start = next
        }
        return groups
    }

    /// "rfc822; user@x" → "user@x", "smtp; 550 ..." → "550 ...".
    static func withoutType(_ value: String) -> String {
        guard let semi = value.firstIndex(of: ";") else { return value.mailTrimmed }
        return String(value[value.index(after: semi)...]).mailTrimmed
    }

    /// A "Message-ID:" line quoted in a bounce's text.
    static func messageIDLine(in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let t = line.mailTrimmed
            guard t.count > 11, t.prefix(11).mailLowercased == "message-id:" else { continue }
            if let id = MailThreading.messageIDs(in: String(t.dropFirst(11))).first { return id }
        }
        return nil
    }

    /// qmail-style "<user@example.com>:" lines.
    static func plainTextRecipients(_ text: String) -> [Recipient] {
        var result: [Recipient] = []
        for line in text.split(separator: "\n") {
            let t = line.mailTrimmed
            guard t.hasPrefix("<"), t.hasSuffix(">:"), t.contains("@") else { continue }
            result.append(Recipient(address: MailAddress(address: String(t.dropFirst().dropLast(2))).address,
                                    action: "failed", status: nil, diagnostic: nil, remoteMTA: nil))
        }
        return result
    }
}
