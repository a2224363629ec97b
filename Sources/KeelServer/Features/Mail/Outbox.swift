import Fluent
import Foundation
import SQLKit
import KeelDomain
import Vapor

/// Turns pending in-app notifications into mail: in the recipient's language and timezone,
/// HTML with a plain-text alternative, threaded (Message-ID, In-Reply-To, References, the
/// subject tag), marked automatic (Auto-Submitted, X-Auto-Response-Suppress, Keel's loop
/// header). Preferences of the person and of their organisation decide; acknowledgements
/// are rate-limited per recipient so two auto-responders cannot ping-pong.
struct Outbox {
    let app: Application

    static let acknowledgementsPerHour = 5

    /// Composes mail for up to `limit` pending notifications; returns how many it handled.
    /// The notifications, tickets and threads are read and the mail written as plain rows
    /// (on SQLite through the hot connections): Fluent's models cost ~0.7 ms a mail, and at
    /// hundreds of tickets a second the outbox took a sixth of the server.
    @discardableResult
    func composePending(limit: Int = 200, now: Date = Date()) async throws -> Int {
        let notes = try await app.hotRead(or: app.db) { sql in try await PendingNote.oldest(limit, on: sql) }
        guard !notes.isEmpty else { return 0 }
        let people = try await User.query(on: app.db).filter(\.$id ~~ Array(Set(notes.map(\.userID)))).all()
        let byID = Dictionary(uniqueKeysWithValues: people.compactMap { person in person.id.map { ($0, person) } })
        let ticketIDs = Array(Set(notes.compactMap(\.ticketID)))
        // Each ticket's first message, which replies thread under.
        let (ticketsByID, firstMessages) = try await app.hotRead(or: app.db) { sql in
            (try await MailTicket.load(ticketIDs, on: sql), try await MailMessageID.firstMessages(of: ticketIDs, on: sql))
        }
        let preferences = try await MailPreferences.load(users: people, on: app.db)
        let locales = try await MailPreferences.reader(for: people, on: app.db)
        var messages: [OutboundMessage] = []
        var threads: [(messageID: String, ticketID: UUID)] = []
        var acknowledged: [String: Int] = [:]
        for note in notes {
            guard let person = byID[note.userID], person.active else { continue }
            guard preferences.wantsMail(person, kind: note.kind) else { continue }
            guard let ticketID = note.ticketID, let ticket = ticketsByID[ticketID] else {
                // Monitoring notices concern no ticket: plain mail, not threaded.
                if note.link != nil { messages.append(composeNotice(note, to: person, locales: locales, now: now)) }
                continue
            }
            let message = compose(note, ticket: ticket, to: person, locales: locales, firstMessageID: firstMessages[ticketID], now: now)
            if note.kind == "created" {
                if acknowledged[person.email] == nil { acknowledged[person.email] = try await recentAcknowledgements(to: person.email, now: now) }
                acknowledged[person.email, default: 0] += 1
                if acknowledged[person.email, default: 0] > Self.acknowledgementsPerHour {
                    message.status = OutboundMessage.Status.suppressed.rawValue
                    message.lastError = "rate_limited"
                }
            }
            messages.append(message)
            threads.append((message.messageID, ticketID))
        }
        let handledIDs = notes.map(\.id), composed = messages, threadRows = threads
        // A few statements a pass, whatever the number of notifications.
        try await app.hotWrite { sql in
            try await sql.update(InAppNotification.schema).set("mail_state", to: SQLBind("done")).where("id", .in, SQLBind.group(handledIDs)).run()
            try await OutboundMessage.insert(composed, on: sql)
            try await MailMessageID.record(threadRows, direction: "out", on: sql, at: now)
        }
        return notes.count
    }

    /// Acknowledgements to `recipient` in the last hour, counted up to one past the limit:
    /// all the rate limit needs, and someone raising thousands of tickets an hour would
    /// otherwise have every one of their messages read for every batch.
    private func recentAcknowledgements(to recipient: String, now: Date) async throws -> Int {
        try await app.hotRead(or: app.db) { sql in
            try await sql.raw("""
                SELECT 1 AS one FROM outbound_messages
                WHERE recipient = \(bind: recipient) AND kind = 'created' AND created_at > \(bind: now.addingTimeInterval(-3600))
                LIMIT \(literal: Self.acknowledgementsPerHour + 1)
                """).all().count
        }
    }

    /// One notification as a complete message for one person, threaded under `firstMessageID`.
    func compose(_ note: PendingNote, ticket: MailTicket, to person: User, locales: MailPreferences.Locales, firstMessageID: String?,
                 now: Date) -> OutboundMessage {
        let config = app.keel
        let language = locales.language(of: person), zone = locales.timeZone(of: person)
        let catalog = app.catalog
        func t(_ key: String, _ values: [String: String] = [:]) -> String { catalog.text(key, language, values) }
        func when(_ date: Date?) -> String { Self.format(date, language: language, zone: zone) }
        let values = ["number": String(ticket.number), "title": ticket.title]
        let link = "\(config.publicBaseURL)/tickets/\(ticket.id.uuidString)"
        var lines = [t("mail.out.\(note.kind)", values)]
        if note.kind == "created" {
            lines.append(t("mail.out.targets", ["response": when(ticket.firstResponseDueAt), "resolution": when(ticket.resolutionDueAt)]))
        }
        let quote = note.detail.flatMap { $0.isEmpty ? nil : $0 }
        let footer = [t("mail.out.view", ["url": link]), t("mail.out.reply_hint")]
        let text = (lines + (quote.map { ["", $0, ""] } ?? [""]) + footer).joined(separator: "\n")
        var html = "<!DOCTYPE html><html lang=\"\(language.rawValue)\"><body>"
        html += lines.map { "<p>\(Self.escape($0))</p>" }.joined()
        if let quote {
            html += "<blockquote style=\"border-left:3px solid #ccc;padding-left:8px\">"
                + Self.escape(quote).replacingOccurrences(of: "\n", with: "<br>") + "</blockquote>"
        }
        html += "<p><a href=\"\(Self.escape(link))\">\(Self.escape(t("mail.out.open")))</a></p>"
        html += "<p style=\"color:#666\">\(Self.escape(t("mail.out.reply_hint")))</p></body></html>"

        let domain = config.mailHostname
        let messageID = MailComposer.messageID(domain: domain)
        let subject = MailThreading.taggedSubject(ticket.title, prefix: config.mailSubjectPrefix, number: ticket.number)
        let offset = zone.secondsFromGMT(for: now) / 60
        let outgoing = MailOutgoing(
            from: MailAddress(address: config.notificationSender, name: "Keel"), to: [MailAddress(address: person.email, name: person.name)],
            replyTo: [MailAddress(address: config.notificationSender, name: "Keel")], subject: subject, textBody: text, htmlBody: html,
            messageID: messageID, inReplyTo: firstMessageID, references: firstMessageID.map { [$0] } ?? [], date: now,
            timeZoneOffsetMinutes: offset, autoSubmitted: .autoGenerated, loopValue: domain)
        return OutboundMessage(composed: outgoing, to: person, kind: note.kind, ticketID: ticket.id, now: now)
    }

    /// A time as mail shows it: the recipient's language and timezone, the zone named.
    static func format(_ date: Date?, language: Language, zone: TimeZone) -> String {
        guard let date else { return "" }
        return DateFormats.string(date, pattern: language == .zhHans ? "yyyy年M月d日 HH:mm (zzz)" : "EEE d MMM yyyy, HH:mm (zzz)",
                                  locale: language == .zhHans ? "zh_Hans_CN" : "en_GB", zone: zone)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
