import Foundation
import KeelDomain
import Vapor

/// The server's check scheduler: each step (every 100 ms, `BackgroundLoop`) stores the probes that finished (one
/// transaction for all of them) and claims as many due checks as there are free probe slots,
/// starting each at once without waiting for the others — a slow or silent target holds one
/// slot, never the schedule. At start it catches up on checks that fell due while it was down.
actor CheckScheduler {
    private let app: Application
    private var running = 0
    private var finished: [CheckRunner.Finished] = []
    private let slots: Int

    init(app: Application, slots: Int = CheckRunner.concurrency) {
        self.app = app
        self.slots = slots
    }

    /// One round: store what finished, start what is due.
    func step(now: Date = Date()) async throws {
        if !finished.isEmpty {
            let batch = finished
            finished = []
            try await CheckRunner.store(batch, app: app)
        }
        let claimed = try await CheckRunner.claimDue(app, now: now, limit: slots - running)
        guard !claimed.isEmpty else { return }
        let windows = try await CheckRunner.maintenance(for: claimed, on: app.db)
        running += claimed.count
        let app = self.app
        for check in claimed {
            Task {
                let done = await CheckRunner.probe(check, windows: windows[check.organizationID] ?? [], app: app)
                self.complete(done)
            }
        }
    }

    private func complete(_ done: CheckRunner.Finished?) {
        running -= 1
        if let done { finished.append(done) }
    }
}
