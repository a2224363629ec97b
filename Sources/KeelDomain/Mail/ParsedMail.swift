import Foundation

/// What the parser could read from a message. Missing parts are empty or nil, never an error.
public struct ParsedMail: Sendable, Hashable {
    public var headers: MailHeaders
    public var from: MailAddress?
    public var replyTo: [MailAddress]
    public var to: [MailAddress]
    public var cc: [MailAddress]
    /// Decoded and whitespace-collapsed; empty when missing.
    public var subject: String
    public var date: Date?
    /// Message-IDs keep their angle brackets: "<id@host>".
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var contentType: MailContentType
    /// The best text: text/plain parts, else the HTML converted to text. LF line endings.
    public var textBody: String
    public var htmlBody: String?
    /// True when `textBody` was converted from `htmlBody` because there was no usable text/plain.
    public var textIsFromHTML: Bool
    public var attachments: [MailAttachment]
    /// Present for multipart/report messages (bounces, read receipts).
    public var report: MailReport?
    public var warnings: [MailParseWarning]

    /// Return-Path as written, e.g. "<>" for bounces and auto-replies.
    public var returnPath: String? { headers["Return-Path"]?.mailTrimmed }
}

public struct MailAttachment: Sendable, Hashable {
    /// Decoded and reduced to a last path component; nil when the sender gave none.
    public var filename: String?
    /// Lowercased MIME type, e.g. "image/png".
    public var contentType: String
    /// Without angle brackets, as referenced by "cid:" URLs.
    public var contentID: String?
    public var isInline: Bool
    public var bytes: [UInt8]

    public init(filename: String?, contentType: String, contentID: String?, isInline: Bool, bytes: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.contentID = contentID
        self.isInline = isInline
        self.bytes = bytes
    }
}

/// The machine-readable parts of a multipart/report (RFC 6522).
public struct MailReport: Sendable, Hashable {
    /// The report-type parameter, lowercased: "delivery-status", "disposition-notification", ...
    public var reportType: String
    /// The message/delivery-status part as text.
    public var deliveryStatus: String?
    /// Headers of the returned message (message/rfc822 or text/rfc822-headers part).
    public var originalHeaders: MailHeaders?
    /// The returned message's text, when the report carried a whole message/rfc822.
    public var originalText: String?
}

/// Codes for what the parser had to tolerate; declaration order is report order.
public enum MailParseWarning: String, Sendable, Hashable, CaseIterable {
    case emptyMessage
    case bareLineFeeds
    case malformedHeaderLine
    case unencodedHeaderBytes
    case missingFrom
    case missingDate
    case invalidDate
    case missingMessageID
    case missingBoundary
    case boundaryGuessed
    case boundaryNotFound
    case missingCloseDelimiter
    case nestingTooDeep
    case unknownTransferEncoding
    case invalidBase64
    case invalidQuotedPrintable
    case unknownCharset
    case invalidCharsetBytes
}
