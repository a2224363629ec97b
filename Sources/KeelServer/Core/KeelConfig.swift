import Foundation
import Vapor

/// Every setting Keel reads, gathered once at start-up from the environment and the few
/// flags Keel owns. A wrong value stops start-up with a message naming the setting.
public struct KeelConfig: Sendable {
    public var address: String = "127.0.0.1"
    public var port: Int = 8080
    public var dataDirectory: String = "./keel-data"
    public var databaseURL: String?
    public var secretKeyFile: String?
    public var baseURL: String?
    public var logLevel: Logger.Level = .info
    public var demo: Bool = false
    public var demoPassword: String?
    public var maxBodyBytes: Int = 1 << 20
    public var attachmentMaxBytes: Int = 20 << 20
    public var autoCloseDays: Int = 7
    public var databasePoolSize: Int = 8
    public var passwordHashCost: Int = 12
    public var loginAccountLimit: Int = 10
    public var loginAddressLimit: Int = 10
    public var sessionHours: Int = 12
    public var smtpAddress: String?
    public var smtpPort: Int?
    /// Recipients the SMTP listener takes: addresses (`help@acme.example`) or domains
    /// (`acme.example`); empty takes any recipient (Keel never relays).
    public var mailAccept: [String] = []
    public var mailMaxBytes: Int = 25 << 20
    public var mailMaxRecipients: Int = 50
    /// The subject tag's word: `[Keel #1042]`.
    public var mailSubjectPrefix: String = "Keel"
    /// Mail from an unknown address of an organisation's domain makes a new contact there.
    public var mailNewContacts: Bool = true
    /// The name Keel gives itself in SMTP greetings and Message-IDs.
    public var mailHostname: String = "keel.localhost"
    /// PEM certificate chain and key: the SMTP listener then offers STARTTLS.
    public var smtpTLSCertificate: String?
    public var smtpTLSKey: String?
    /// The relay for outbound mail; without a host, mail is composed and kept queued.
    public var relayHost: String?
    public var relayPort: Int = 25
    /// none, starttls or tls (implicit TLS, usually port 465).
    public var relaySecurity: String = "none"
    public var relayUser: String?
    public var relayPassword: String?
    /// A PEM file of certificates to trust for the relay (else the system's).
    public var relayCAFile: String?
    /// The From address of notifications; replies to it come back to Keel.
    public var mailFrom: String?
    /// Tests only: wait this long before processing accepted mail.
    public var mailProcessDelayMilliseconds: Int = 0
    /// Raw results of active checks are kept this many days (hourly roll-ups stay).
    public var checkResultDays: Int = 31
    /// ICMP for ping checks: `auto` (datagram socket, else raw), or `off` (always the TCP fallback).
    public var icmp: String = "auto"

    public var notificationSender: String { mailFrom ?? "keel@\(mailHostname)" }

    public init() {}

    public struct Invalid: Error, CustomStringConvertible {
        public let setting: String
        public let reason: String
        public var description: String { "Invalid setting \(setting): \(reason)" }
    }

    public var usesPostgres: Bool { databaseURL != nil }
    public var attachmentsDirectory: String { (dataDirectory as NSString).appendingPathComponent("attachments") }
    /// Multipart uploads carry a file plus form fields.
    public var uploadMaxBytes: Int { attachmentMaxBytes + (64 << 10) }
    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("keel.sqlite") }

    /// Cookies are marked Secure for HTTPS deployments and for loopback, which browsers
    /// treat as a secure context; a plain-HTTP public address would otherwise lose its session.
    public var secureCookies: Bool {
        if let baseURL, baseURL.lowercased().hasPrefix("https://") { return true }
        return address == "127.0.0.1" || address == "localhost" || address == "::1"
    }

    public var publicBaseURL: String {
        if let baseURL { return baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL }
        return "http://\(address.contains(":") ? "[\(address)]" : address):\(port)"
    }

    /// Reads the environment and removes Keel's own flags (`--demo`) from `arguments`,
    /// leaving the rest for the command system.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            arguments: inout [String]) throws -> KeelConfig {
        var config = KeelConfig()
        func text(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let raw = text(name) else { return nil }
            guard let value = Int(raw), range.contains(value) else {
                throw Invalid(setting: name, reason: "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
            }
            return value
        }
        if let value = text("KEEL_ADDRESS") { config.address = value }
        if let value = try integer("KEEL_PORT", 1...65535) { config.port = value }
        if let value = text("KEEL_DATA_DIR") { config.dataDirectory = value }
        if let value = text("DATABASE_URL") {
            guard let url = URL(string: value), ["postgres", "postgresql"].contains(url.scheme ?? ""), url.host != nil else {
                throw Invalid(setting: "DATABASE_URL", reason: "expected postgres://user[:password]@host[:port]/database")
            }
            config.databaseURL = value
        }
        config.secretKeyFile = text("KEEL_SECRET_KEY_FILE")
        if let value = text("KEEL_BASE_URL") {
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw Invalid(setting: "KEEL_BASE_URL", reason: "expected an http:// or https:// address")
            }
            config.baseURL = value
        }
        if let value = text("KEEL_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                throw Invalid(setting: "KEEL_LOG_LEVEL", reason: "expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            config.logLevel = level
        }
        config.demoPassword = text("KEEL_DEMO_PASSWORD")
        if let value = try integer("KEEL_MAX_BODY_BYTES", 1024...(1 << 30)) { config.maxBodyBytes = value }
        if let value = try integer("KEEL_AUTO_CLOSE_DAYS", 0...3650) { config.autoCloseDays = value }
        if let value = try integer("KEEL_ATTACHMENT_MAX_BYTES", 1024...(1 << 30)) { config.attachmentMaxBytes = value }
        if let value = try integer("KEEL_DATABASE_POOL_SIZE", 1...512) { config.databasePoolSize = value }
        if let value = try integer("KEEL_PASSWORD_HASH_COST", 4...16) { config.passwordHashCost = value }
        if let value = try integer("KEEL_LOGIN_ACCOUNT_LIMIT", 1...10_000) { config.loginAccountLimit = value }
        if let value = try integer("KEEL_LOGIN_ADDRESS_LIMIT", 1...10_000) { config.loginAddressLimit = value }
        if let value = try integer("KEEL_SESSION_HOURS", 1...24 * 90) { config.sessionHours = value }
        config.smtpAddress = text("KEEL_SMTP_ADDRESS")
        config.smtpPort = try integer("KEEL_SMTP_PORT", 1...65535)
        if let value = text("KEEL_MAIL_ACCEPT") {
            config.mailAccept = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        }
        if let value = try integer("KEEL_MAIL_MAX_BYTES", 1024...(1 << 30)) { config.mailMaxBytes = value }
        if let value = try integer("KEEL_MAIL_MAX_RECIPIENTS", 1...10_000) { config.mailMaxRecipients = value }
        if let value = text("KEEL_MAIL_SUBJECT_PREFIX") {
            guard value.count <= 20, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw Invalid(setting: "KEEL_MAIL_SUBJECT_PREFIX", reason: "expected letters, digits or '-', at most 20")
            }
            config.mailSubjectPrefix = value
        }
        if let value = text("KEEL_MAIL_NEW_CONTACTS") { config.mailNewContacts = ["1", "true", "yes"].contains(value.lowercased()) }
        if let value = text("KEEL_MAIL_HOSTNAME") { config.mailHostname = value }
        if let value = try integer("KEEL_MAIL_PROCESS_DELAY_MS", 0...600_000) { config.mailProcessDelayMilliseconds = value }
        if let value = try integer("KEEL_CHECK_RESULT_DAYS", 1...3660) { config.checkResultDays = value }
        if let value = text("KEEL_ICMP") {
            guard ["auto", "off"].contains(value.lowercased()) else { throw Invalid(setting: "KEEL_ICMP", reason: "expected auto or off") }
            config.icmp = value.lowercased()
        }
        config.smtpTLSCertificate = text("KEEL_SMTP_TLS_CERT")
        config.smtpTLSKey = text("KEEL_SMTP_TLS_KEY")
        if (config.smtpTLSCertificate == nil) != (config.smtpTLSKey == nil) {
            throw Invalid(setting: "KEEL_SMTP_TLS_CERT", reason: "set both KEEL_SMTP_TLS_CERT and KEEL_SMTP_TLS_KEY, or neither")
        }
        config.relayHost = text("KEEL_SMTP_RELAY_HOST")
        if let value = try integer("KEEL_SMTP_RELAY_PORT", 1...65535) { config.relayPort = value }
        if let value = text("KEEL_SMTP_RELAY_SECURITY") {
            guard ["none", "starttls", "tls"].contains(value.lowercased()) else {
                throw Invalid(setting: "KEEL_SMTP_RELAY_SECURITY", reason: "expected none, starttls or tls")
            }
            config.relaySecurity = value.lowercased()
        }
        config.relayUser = text("KEEL_SMTP_RELAY_USER")
        config.relayPassword = text("KEEL_SMTP_RELAY_PASSWORD")
        config.relayCAFile = text("KEEL_SMTP_RELAY_CA_FILE")
        if let value = text("KEEL_MAIL_FROM") {
            guard value.contains("@"), !value.contains(where: { $0 == " " || $0.isNewline }) else {
                throw Invalid(setting: "KEEL_MAIL_FROM", reason: "expected an email address")
            }
            config.mailFrom = value
        }

        if let index = arguments.firstIndex(of: "--demo") {
            config.demo = true
            arguments.remove(at: index)
        }
        if let value = text("KEEL_DEMO"), ["1", "true", "yes"].contains(value.lowercased()) { config.demo = true }
        if let password = config.demoPassword, password.count < 12 {
            throw Invalid(setting: "KEEL_DEMO_PASSWORD", reason: "must be at least 12 characters")
        }
        return config
    }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = KeelConfig }

    public var keel: KeelConfig {
        get {
            guard let config = storage[ConfigKey.self] else { fatalError("KeelConfig read before configure(_:)") }
            return config
        }
        set { storage[ConfigKey.self] = newValue }
    }
}
