import Fluent
import Foundation
import KeelDomain
import SQLKit
import Vapor

struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Create or upgrade the database schema" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.prepareKeel()
        context.console.print(CLIText.t("cli.migrations_ok"))
    }
}

/// `keel audit verify`: walks the hash chain; exit status 1 names the first bad row.
struct AuditCommands: AsyncCommandGroup {
    var help: String { "Audit log tools: verify" }
    var commands: [String: any AnyAsyncCommand] { ["verify": VerifyAudit()] }
}

struct VerifyAudit: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Verify the audit log's hash chain" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareKeel()
        switch try await AuditLog.verify(on: app.db) {
        case .intact(let rows):
            context.console.print(CLIText.t("cli.audit_ok", ["rows": String(rows)]))
        case .tampered(let sequence, let reason):
            throw CommandFailure.message(CLIText.t("cli.audit_tampered", ["row": String(sequence), "reason": reason.replacingOccurrences(of: "_", with: " ")]))
        }
    }
}

/// `keel backup --to FILE`: a consistent copy of the live SQLite database.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "File to write") var to: String?
    }
    var help: String { "Copy the SQLite database while Keel runs (PostgreSQL: use pg_dump)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard !app.keel.usesPostgres else {
            throw CommandFailure.message(CLIText.t("cli.backup_postgres"))
        }
        guard let target = signature.to, !target.isEmpty else { throw CommandFailure.message(CLIText.t("cli.to_required")) }
        guard !FileManager.default.fileExists(atPath: target) else { throw CommandFailure.message(CLIText.t("cli.to_exists", ["file": target])) }
        try await app.prepareKeel()
        let escaped = target.replacingOccurrences(of: "'", with: "''")
        // VACUUM INTO reads one snapshot, so writers may carry on meanwhile.
        try await (app.db as! any SQLDatabase).raw("VACUUM INTO '\(unsafeRaw: escaped)'").run()
        context.console.print(CLIText.t("cli.backup_written", ["file": target]))
    }
}

/// `keel restore --from FILE`: puts a backup in place of the database. Stop Keel first.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "Backup file made by keel backup") var from: String?
    }
    var help: String { "Replace the SQLite database with a backup (stop Keel first; PostgreSQL: use pg_restore)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard !app.keel.usesPostgres else { throw CommandFailure.message(CLIText.t("cli.restore_postgres")) }
        guard let source = signature.from, let handle = FileHandle(forReadingAtPath: source) else {
            throw CommandFailure.message(CLIText.t("cli.from_unreadable"))
        }
        let header = try handle.read(upToCount: 16) ?? Data()
        try handle.close()
        guard header == Data("SQLite format 3\0".utf8) else { throw CommandFailure.message(CLIText.t("cli.from_not_sqlite")) }
        let manager = FileManager.default
        let target = app.keel.sqlitePath
        try manager.createDirectory(atPath: app.keel.dataDirectory, withIntermediateDirectories: true)
        if manager.fileExists(atPath: target) {
            let aside = target + ".before-restore-\(Int(Date().timeIntervalSince1970))"
            try manager.moveItem(atPath: target, toPath: aside)
            context.console.print(CLIText.t("cli.previous_kept", ["file": aside]))
        }
        for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: target + suffix) }
        try manager.copyItem(atPath: source, toPath: target)
        try await app.prepareKeel()
        let rows = try await (app.db as! any SQLDatabase).raw("PRAGMA integrity_check").all()
        let verdict = try rows.first?.decode(column: "integrity_check", as: String.self) ?? "unknown"
        guard verdict == "ok" else { throw CommandFailure.message(CLIText.t("cli.restore_integrity", ["verdict": verdict])) }
        context.console.print(CLIText.t("cli.restored", ["file": source]))
    }
}
