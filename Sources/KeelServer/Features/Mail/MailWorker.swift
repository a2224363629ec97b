import Fluent
import Foundation
import Vapor

/// Processes stored inbound mail in arrival order: everything pending at start-up first
/// (a crash between "250" and processing loses nothing), then whatever arrives, woken by
/// the listener or found by a short poll (for `keel mail-in`, which has no line to the server).
actor MailWorker {
    /// Weak: the application keeps its worker in storage.
    private weak var app: Application?
    private var running = false
    private var again = false

    init(app: Application) {
        self.app = app
    }

    /// Runs one pass unless one is running; a pass asked for meanwhile runs right after.
    func kick() async {
        if running { again = true; return }
        running = true
        repeat {
            again = false
            await drain()
        } while again
        running = false
    }

    private func drain() async {
        guard let app else { return }
        let delay = app.keel.mailProcessDelayMilliseconds
        if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay) * 1_000_000) }
        let processor = MailProcessor(app: app)
        while true {
            let batch: [InboundMessage]
            do {
                batch = try await InboundMessage.query(on: app.db).filter(\.$status == InboundMessage.Status.pending.rawValue)
                    .sort(\.$receivedAt).field(\.$id).limit(100).all()
            } catch {
                app.logger.error("mail queue unreadable", metadata: ["error": "\(error)"])
                return
            }
            if batch.isEmpty { return }
            for message in batch {
                guard let id = message.id else { continue }
                do {
                    try await processor.process(id)
                } catch {
                    // The row stays pending and is tried again on the next pass.
                    app.logger.error("mail processing interrupted", metadata: ["message": "\(id)", "error": "\(error)"])
                    return
                }
            }
        }
    }
}

extension Application {
    private struct MailWorkerKey: StorageKey { typealias Value = MailWorker }

    /// Made once in `configureKeel`, before any request or listener can ask for it.
    var mailWorker: MailWorker {
        guard let worker = storage[MailWorkerKey.self] else { fatalError("mail worker read before configureKeel") }
        return worker
    }

    func installMailWorker() {
        storage[MailWorkerKey.self] = MailWorker(app: self)
    }
}
