import Foundation

/// Turns raw RFC 5322 bytes into a `ParsedMail`. Never throws: what cannot be read is reported in
/// `warnings`.
public enum MailParser {
    public static func parse(_ data: Data) -> ParsedMail {
        parse([UInt8](data))
    }

    public static func parse(_ bytes: [UInt8]) -> ParsedMail {
        var mime = MailMIMEParser()
        if bytes.isEmpty { mime.warnings.insert(.emptyMessage) }
        let root = mime.parse(bytes, 0..<bytes.count)
        var collector = Collector()
        collector.walk(root, mime: &mime)
        return assemble(root, collector, &mime)
    }

    private static func assemble(_ root: MailPart, _ c: Collector, _ mime: inout MailMIMEParser) -> ParsedMail {
        let h = root.headers
        let from = h["From"].flatMap { MailAddress.parse($0) } ?? h["Sender"].flatMap { MailAddress.parse($0) }
        if from == nil { mime.warnings.insert(.missingFrom) }
        var date: Date?
        if let raw = h["Date"] {
            date = MailDate.parse(raw)
            if date == nil { mime.warnings.insert(.invalidDate) }
        } else {
            mime.warnings.insert(.missingDate)
        }
        let messageID = h["Message-ID"].flatMap { MailThreading.messageIDs(in: $0).first }
        if messageID == nil { mime.warnings.insert(.missingMessageID) }
        let plain = trimmedEnds(c.plain.joined(separator: "\n"))
        let html = c.html.isEmpty ? nil : c.html.joined(separator: "\n")
        var text = plain
        var fromHTML = false
        if plain.mailIsBlank, let html {
            text = trimmedEnds(MailHTMLText.convert(html))
            fromHTML = true
        }
        return ParsedMail(
            headers: h,
            from: from,
            replyTo: h.values("Reply-To").flatMap { MailAddress.parseList($0) },
            to: h.values("To").flatMap { MailAddress.parseList($0) },
            cc: h.values("Cc").flatMap { MailAddress.parseList($0) },
            subject: h.decoded("Subject") ?? "",
            date: date,
            messageID: messageID,
            inReplyTo: h["In-Reply-To"].map { MailThreading.messageIDs(in: $0) } ?? [],
            references: h.values("References").flatMap { MailThreading.messageIDs(in: $0) },
            contentType: root.contentType,
            textBody: text,
            htmlBody: html,
            textIsFromHTML: fromHTML,
            attachments: c.attachments,
            report: c.report,
            warnings: MailParseWarning.allCases.filter { mime.warnings.contains($0) })
    }

    /// Drops blank lines at the start and whitespace at the end.
    static func trimmedEnds(_ s: String) -> String {
        var t = Substring(s)
        while let last = t.last, last.isWhitespace { t.removeLast() }
        while let newline = t.firstIndex(of: "\n"), t[..<newline].allSatisfy({ $0 == " " || $0 == "\t" }) {
            t = t[t.index(after: newline)...]
        }
        return String(t)
    }

    /// Walks the tree collecting body text, attachments and report parts.
    struct Collector {
        var plain: [String] = []
        var html: [String] = []
        var attachments: [MailAttachment] = []
        var report: MailReport?

        mutating func walk(_ part: MailPart, mime: inout MailMIMEParser) {
            let ct = part.contentType
            if ct.isMultipart {
                if ct.subtype == "alternative" {
                    walkAlternative(part, mime: &mime)
                } else if ct.subtype == "report" {
                    walkReport(part, mime: &mime)
                } else {
                    for child in part.children { walk(child, mime: &mime) }
                }
                return
            }
            leaf(part, mime: &mime)
        }

        /// Plain text from the last alternative that has some, HTML likewise; attachments from all.
        private mutating func walkAlternative(_ part: MailPart, mime: inout MailMIMEParser) {
            var bestPlain: [String]?
            var bestHTML: [String]?
            for child in part.children {
                var sub = Collector()
                sub.walk(child, mime: &mime)
                if !sub.plain.isEmpty { bestPlain = sub.plain }
                if !sub.html.isEmpty { bestHTML = sub.html }
                attachments.append(contentsOf: sub.attachments)
                if report == nil { report = sub.report }
            }
            plain.append(contentsOf: bestPlain ?? [])
            html.append(contentsOf: bestHTML ?? [])
        }

        /// The first part is for people; the others feed `report`.
        private mutating func walkReport(_ part: MailPart, mime: inout MailMIMEParser) {
            var r = MailReport(reportType: part.contentType.parameters["report-type"]?.mailLowercased ?? "")
            for (n, child) in part.children.enumerated() {
                let ct = child.contentType
                switch (ct.type, ct.subtype) {
                case _ where n == 0:
                    walk(child, mime: &mime)
                case ("message", "delivery-status"), ("message", "global-delivery-status"),
                     ("message", "disposition-notification"):
                    r.deliveryStatus = mime.text(child)
                case ("text", "rfc822-headers"), ("message", "global-headers"):
                    r.originalHeaders = MailHeaders.parse(mime.decodedBody(child))
                case ("message", "rfc822"), ("message", "global"):
                    if let inner = child.embedded.first {
                        r.originalHeaders = inner.headers
                        var sub = Collector()
                        sub.walk(inner, mime: &mime)
                        r.originalText = sub.plain.joined(separator: "\n")
                    }
                default:
                    walk(child, mime: &mime)
                }
            }
            if report == nil { report = r }
        }

        private mutating func leaf(_ part: MailPart, mime: inout MailMIMEParser) {
            let ct = part.contentType
            let disposition = part.disposition
            let filename = Self.sanitizedFilename(disposition?.filename ?? ct.parameters["name"])
            let isBodyText = ct.type == "text" && (ct.subtype == "plain" || ct.subtype == "html")
                && disposition?.isAttachment != true && filename == nil
            if isBodyText {
                let text = mime.text(part)
                if ct.subtype == "html" { html.append(text) } else { plain.append(text) }
                return
            }
            let bytes: [UInt8]
            if ct.type == "message", let inner = part.embedded.first {
                bytes = Array(inner.buffer)
            } else {
                bytes = mime.decodedBody(part)
            }
            if bytes.isEmpty && filename == nil { return }
            var cid = part.headers["Content-ID"]?.mailTrimmed
            if let c = cid, c.hasPrefix("<"), c.hasSuffix(">") { cid = String(c.dropFirst().dropLast()) }
            if cid?.isEmpty == true { cid = nil }
            let inline = disposition?.isInline ?? (cid != nil)
            attachments.append(MailAttachment(filename: filename, contentType: ct.mimeType, contentID: cid,
                                              isInline: inline, bytes: bytes))
        }

        /// Keeps the last path component and drops control characters.
        static func sanitizedFilename(_ raw: String?) -> String? {
            guard let raw else { return nil }
            var name = raw
            if let sep = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) {
                name = String(name[name.index(after: sep)...])
            }
            name = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
            name = name.mailTrimmed
            if name.isEmpty || name == "." || name == ".." { return nil }
            return name
        }
    }
}
