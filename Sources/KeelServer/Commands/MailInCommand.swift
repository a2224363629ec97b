import Foundation
import Vapor

/// An exit status a command asks for (with its message for standard error).
public struct KeelExit: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var description: String { message }
}

/// `keel mail-in [--recipient ADDRESS]…`: one raw message on standard input, for an MTA's
/// pipe or alias (Postfix `keel: "|/usr/local/bin/keel mail-in"`). The message is stored as
/// pending before the command exits 0; the running server processes it. Exit 75
/// (EX_TEMPFAIL) when it could not be stored, so the MTA retries; 65 (EX_DATAERR) when it is
/// over the size limit, so the MTA bounces it.
struct MailInCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "recipient", help: "The envelope recipient (repeatable)") var recipient: String?
        @Option(name: "sender", help: "The envelope sender") var sender: String?
    }
    var help: String { "Store one message from standard input for processing (exit 75 on a temporary failure)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let limit = app.keel.mailMaxBytes
        var raw: [UInt8] = []
        while let chunk = try? FileHandle.standardInput.read(upToCount: 1 << 16), !chunk.isEmpty {
            raw.append(contentsOf: chunk)
            if raw.count > limit { throw KeelExit(code: 65, message: CLIText.t("cli.mail_too_big", ["max": String(limit)])) }
        }
        guard !raw.isEmpty else { throw KeelExit(code: 65, message: CLIText.t("cli.mail_empty")) }
        do {
            try await app.prepareKeel()
            let id = try await MailIntake.accept(raw, source: "mail-in", envelopeFrom: signature.sender,
                                                 recipients: signature.recipient.map { [$0] } ?? [], on: app)
            context.console.print(CLIText.t("cli.mail_stored", ["id": id.uuidString.lowercased()]))
        } catch {
            throw KeelExit(code: 75, message: CLIText.t("cli.mail_tempfail", ["reason": "\(error)"]))
        }
    }
}
