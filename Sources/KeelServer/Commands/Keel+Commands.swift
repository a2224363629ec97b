import Foundation
import Vapor

extension Application {
    /// Keel's subcommands beside Vapor's `serve` and `routes`.
    public func registerKeelCommands() {
        asyncCommands.use(MigrateCommand(), as: "migrate")
        asyncCommands.use(UserCommands(), as: "user")
        asyncCommands.use(AuditCommands(), as: "audit")
        asyncCommands.use(BackupCommand(), as: "backup")
        asyncCommands.use(RestoreCommand(), as: "restore")
        asyncCommands.use(MailInCommand(), as: "mail-in")
    }

    /// Before serving: schema, secret key, demo data on first start, and the banner.
    public func prepareServe() async throws {
        try await prepareKeel()
        let config = keel
        _ = try Secrets.loadOrCreateKey(at: config.secretKeyFile ?? (config.dataDirectory as NSString).appendingPathComponent("secret.key"))
        lifecycle.use(BackgroundLoop("SLA ticker", every: 60) { app in try await SLATicker.round(app) })
        try await checkpointInBackground()
        // Background work, each stopped and waited for at shutdown: incoming mail every 2 s,
        // the outbox every second (half the batches of before, the same rate), quiet push jobs
        // every 10 s, due checks every 100 ms, the search index four times a second (SQLite),
        // maintenance notices and result retention every minute (all also at start, catching up).
        lifecycle.use(BackgroundLoop("search index", every: 0.25) { app in try await TicketSearchIndex.round(app) })
        lifecycle.use(BackgroundLoop("mail worker", every: 2) { app in await app.mailWorker.kick() })
        let outbox = OutboxWorker(app: self)
        lifecycle.use(BackgroundLoop("outbox", every: 1) { _ in await outbox.pass() })
        lifecycle.use(BackgroundLoop("heartbeat ticker", every: 10) { app in try await Heartbeats.tick(app) })
        let scheduler = CheckScheduler(app: self)
        lifecycle.use(BackgroundLoop("check scheduler", every: 0.1) { _ in try await scheduler.step() })
        lifecycle.use(BackgroundLoop("monitoring housekeeping", every: 60) { app in
            try await MonitoringNotices.sweepMaintenance(app)
            try await MonitoringNotices.pruneResults(app)
        })
        if let port = config.smtpPort {
            lifecycle.use(SMTPListener(address: config.smtpAddress ?? "127.0.0.1", port: port))
        }
        let url = config.publicBaseURL
        if config.demo {
            let password = config.demoPassword ?? DemoData.defaultPassword
            let loaded = try await DemoData.load(into: self, password: password)
            say(CLIText.t("cli.running", ["url": url]))
            say(CLIText.t(loaded ? "cli.demo_loaded" : "cli.demo_present"))
            say(CLIText.t("cli.demo_sign_in", ["email": DemoData.adminEmail, "password": password]))
        } else {
            say(CLIText.t("cli.running", ["url": url]))
            say(CLIText.t("cli.no_people"))
        }
    }
}

/// Banner lines go straight to standard output, unbuffered, so a supervisor sees them at once.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
