import Foundation
import KeelServer
import Vapor

// A thin entry point: read the configuration once, build the application, run a command.
var arguments = CommandLine.arguments
if arguments.dropFirst().first == "sla" {
    // A pure computation: no configuration, database or server needed.
    exit(SLACommandLine.run(Array(arguments.dropFirst()),
                            output: { print($0) },
                            error: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }))
}
// `keel mail-in` runs under an MTA: whatever stops it before the message is stored is a
// temporary failure (75), so the MTA keeps the message and tries again.
let failureCode: Int32 = arguments.dropFirst().first == "mail-in" ? 75 : 1
let config: KeelConfig
do {
    config = try KeelConfig.load(arguments: &arguments)
} catch {
    FileHandle.standardError.write(Data("keel: \(error)\n".utf8))
    exit(failureCode == 75 ? 75 : 2)
}

var environment = try Environment.detect(arguments: arguments)
try LoggingSystem.bootstrap(from: &environment) { level in
    { label in StreamLogHandler.standardError(label: label) }
}
let app = try await Application.make(environment)
var exitCode: Int32 = 0
do {
    var effective = config
    if config.demo && ProcessInfo.processInfo.environment["KEEL_ADDRESS"] == nil {
        effective.address = "127.0.0.1"   // demo data has a shared password: loopback only unless told
    }
    try app.configureKeel(effective)
    app.registerKeelCommands()
    let command = arguments.dropFirst().first { !$0.hasPrefix("-") } ?? "serve"
    let wantsHelp = arguments.contains("--help") || arguments.contains("-h")
    if command == "serve" && !wantsHelp {
        try await app.prepareServe()
    }
    try await app.execute()
} catch let failure as KeelExit {
    FileHandle.standardError.write(Data("keel: \(failure.message)\n".utf8))
    exitCode = failure.code
} catch {
    FileHandle.standardError.write(Data("keel: \(error)\n".utf8))
    exitCode = failureCode
}
try? await app.asyncShutdown()
exit(exitCode)
