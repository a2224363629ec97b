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
    }

    /// Before serving: schema, secret key, demo data on first start, and the banner.
    public func prepareServe() async throws {
        try await prepareKeel()
        let config = keel
        _ = try Secrets.loadOrCreateKey(at: config.secretKeyFile ?? (config.dataDirectory as NSString).appendingPathComponent("secret.key"))
        lifecycle.use(SLATicker())
        let url = config.publicBaseURL
        if config.demo {
            let password = config.demoPassword ?? DemoData.defaultPassword
            let loaded = try await DemoData.load(into: self, password: password)
            say("Keel is running at \(url)")
            say(loaded ? "Demo data loaded." : "Demo data already present.")
            say("Sign in as \(DemoData.adminEmail) with password \(password) (every demo account shares it)")
        } else {
            say("Keel is running at \(url)")
            say("No people yet? Add an administrator: keel user add --email you@example.com --name \"Your Name\" --role provider_admin --password-stdin")
        }
    }
}

/// Banner lines go straight to standard output, unbuffered, so a supervisor sees them at once.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
