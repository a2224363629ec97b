import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Group commit for small, frequent writes (heartbeat pings, say): work that arrives while a
/// transaction is being committed waits and goes into the next one, so a thousand callers
/// share a few commits instead of queueing for one each. Every caller still returns only
/// after its own work is committed. Works are run one after another inside the transaction,
/// so each sees the writes of those before it; if a shared transaction fails, each of its
/// works is retried alone, so one bad work fails only its caller.
actor GroupCommit {
    typealias Work = @Sendable (any Database) async throws -> Void
    private let app: Application
    private var pending: [(work: Work, done: CheckedContinuation<Void, any Error>)] = []
    private var flushing = false
    /// At most this many works share a transaction.
    private let batchLimit = 500

    init(app: Application) { self.app = app }

    func submit<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let box = NIOLockedValueBox<T?>(nil)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending.append(({ db in
                let value = try await work(db)
                box.withLockedValue { $0 = value }
            }, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
        guard let value = box.withLockedValue({ $0 }) else { throw KeelError(.internalServerError, "internal") }
        return value
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(batchLimit))
            pending.removeFirst(batch.count)
            let works = batch.map(\.work)
            do {
                try await app.write { db in for work in works { try await work(db) } }
                for item in batch { item.done.resume() }
            } catch {
                for item in batch {
                    do {
                        try await app.write { db in try await item.work(db) }
                        item.done.resume()
                    } catch {
                        item.done.resume(throwing: error)
                    }
                }
            }
        }
        flushing = false
    }
}

extension Application {
    private struct GroupCommitKey: StorageKey { typealias Value = GroupCommit }

    var groupCommit: GroupCommit { service(GroupCommitKey.self) { GroupCommit(app: self) } }
}
