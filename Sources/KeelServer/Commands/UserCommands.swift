import Fluent
import Foundation
import KeelDomain
import Vapor

/// `keel user add|passwd|list`: managing people from the command line, audited as `cli`.
struct UserCommands: AsyncCommandGroup {
    var help: String { "Manage people: add, passwd, list" }
    var commands: [String: any AnyAsyncCommand] { ["add": AddUser(), "passwd": ChangePassword(), "list": ListUsers()] }
}

enum CommandFailure: Error, CustomStringConvertible {
    case message(String)
    var description: String { switch self { case .message(let text): return text } }
}

private func readPassword(_ context: CommandContext) throws -> String {
    guard let line = readLine(strippingNewline: true) else { throw CommandFailure.message(CLIText.t("cli.no_password")) }
    if let problem = PasswordPolicy().problem(with: line) {
        switch problem {
        case .tooShort: throw CommandFailure.message(CLIText.t("cli.password_short"))
        case .tooLong: throw CommandFailure.message(CLIText.t("cli.password_long"))
        case .tooCommon: throw CommandFailure.message(CLIText.t("cli.password_common"))
        case .containsEmail: throw CommandFailure.message(CLIText.t("cli.password_email"))
        }
    }
    return line
}

struct AddUser: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Email address, used to sign in") var email: String?
        @Option(name: "name", help: "Full name") var name: String?
        @Option(name: "role", help: "provider_admin, technician, client_admin or client_user") var role: String?
        @Option(name: "organization", help: "Organisation id (client roles)") var organization: String?
        @Flag(name: "password-stdin", help: "Read the password from standard input") var passwordStdin: Bool
    }
    var help: String { "Add a person" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareKeel()
        let email = (signature.email ?? "").lowercased()
        guard FieldRules.isEmail(email) else { throw CommandFailure.message(CLIText.t("cli.email_invalid")) }
        guard let name = FieldRules.cleanText(signature.name ?? "", maximum: 200) else { throw CommandFailure.message(CLIText.t("cli.name_required")) }
        guard let role = Role(rawValue: signature.role ?? "") else {
            throw CommandFailure.message(CLIText.t("cli.role_invalid", ["roles": Role.allCases.map(\.rawValue).joined(separator: ", ")]))
        }
        var organizationID: UUID?
        if role.isClient {
            guard let raw = signature.organization, let id = UUID(uuidString: raw),
                  try await Organization.find(id, on: app.db) != nil else {
                throw CommandFailure.message(CLIText.t("cli.organization_required", ["role": role.rawValue]))
            }
            organizationID = id
        }
        guard signature.passwordStdin else { throw CommandFailure.message(CLIText.t("cli.password_stdin_required")) }
        let password = try readPassword(context)
        if try await User.query(on: app.db).filter(\.$email == email).first() != nil {
            throw CommandFailure.message(CLIText.t("cli.email_exists", ["email": email]))
        }
        let user = User()
        user.email = email
        user.name = name
        user.role = role.rawValue
        user.$organization.id = organizationID
        user.active = true
        user.passwordHash = try await app.passwordHasher.hash(password)
        var changes = ChangeSet()
        changes.created(["email": email, "name": name, "role": role.rawValue, "organizationId": organizationID?.uuidString.lowercased()])
        let owner = organizationID
        let audit = changes
        try await app.write { db in
            try await user.create(on: db)
            try await AuditLog.append(on: db, actor: .cli(), organizationID: owner, action: "user.create",
                                      entityType: "user", entityID: user.id?.uuidString.lowercased(), changes: audit)
        }
        context.console.print(CLIText.t("cli.user_added", ["email": email, "role": role.rawValue, "id": user.id!.uuidString.lowercased()]))
    }
}

struct ChangePassword: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The person's email") var email: String?
        @Flag(name: "password-stdin", help: "Read the new password from standard input") var passwordStdin: Bool
    }
    var help: String { "Set a person's password" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareKeel()
        let email = (signature.email ?? "").lowercased()
        guard let user = try await User.query(on: app.db).filter(\.$email == email).first() else {
            throw CommandFailure.message(CLIText.t("cli.email_unknown", ["email": email]))
        }
        guard signature.passwordStdin else { throw CommandFailure.message(CLIText.t("cli.password_stdin_required")) }
        let password = try readPassword(context)
        user.passwordHash = try await app.passwordHasher.hash(password)
        var changes = ChangeSet()
        changes.record("password", before: "(set)", after: "(reset)")
        let audit = changes
        try await app.write { db in
            try await user.update(on: db)
            try await WebSession.query(on: db).filter(\.$user.$id == user.requireID()).delete()
            try await AuditLog.append(on: db, actor: .cli(), organizationID: user.$organization.id, action: "user.password",
                                      entityType: "user", entityID: user.id?.uuidString.lowercased(), changes: audit)
        }
        context.console.print(CLIText.t("cli.password_changed", ["email": email]))
    }
}

struct ListUsers: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "List people" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareKeel()
        let users = try await User.query(on: app.db).sort(\.$email).all()
        for user in users {
            let organization = user.$organization.id?.uuidString.lowercased() ?? "-"
            context.console.print("\(user.email)\t\(user.role)\t\(user.active ? "active" : "inactive")\t\(organization)\t\(user.name)")
        }
    }
}
