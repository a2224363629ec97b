import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// SQLite: brings the search documents up to date with the tickets, in batches (see
/// `SearchIndexInBatches`): four times a second from the server's background loop, so the
/// index grows by a few segments a second however many commits there were, and before any
/// search reads it, so a search finds what was written just before. The loop also merges
/// the segments, a few pages a transaction (FTS5's own merging is off: it ran in whichever
/// commit crossed its threshold, for up to 150 ms with the one-writer gate held).
/// PostgreSQL indexes its tables itself; nothing to do there.
enum TicketSearchIndex {
    /// Tickets a transaction indexes at most; more wait for the next one (the writers get
    /// the gate in between).
    static let batch = 2048
    /// Pages of merged segments a merge transaction writes, roughly (FTS5's 'merge' command).
    static let mergePages = 16
    /// Time a round may spend merging, so writers keep most of the gate while a backlog lasts.
    static let mergeBudget = 0.1

    /// The background loop's round: index what waits, then merge while there is work and budget.
    /// Idle, it only reads: nothing waits and nothing was indexed since merging last ran dry.
    static func round(_ app: Application) async throws {
        guard app.hotSQLite != nil else { return }
        try await catchUpIfPending(app)
        let started = Date()
        while app.searchMergeOwed.withLockedValue({ $0 }), Date().timeIntervalSince(started) < mergeBudget {
            try await app.hotWrite { sql in
                let merged = try await merge(sql)
                if !merged { app.searchMergeOwed.withLockedValue { $0 = false } }
            }
        }
    }

    /// One merge step (only levels with four segments or more qualify: FTS5's 'usermerge').
    /// Returns whether it found work.
    static func merge(_ sql: any SQLDatabase) async throws -> Bool {
        func changes() async throws -> Int {
            try await sql.raw("SELECT total_changes() AS n").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        let before = try await changes()
        try await sql.raw("INSERT INTO ticket_search(ticket_search, rank) VALUES ('merge', \(bind: mergePages))").run()
        // The command itself counts as one change; pages written count as more.
        return try await changes() - before > 1
    }

    /// True when tickets wait to be indexed.
    static func pending(_ app: Application) async throws -> Bool {
        guard let hot = app.hotSQLite else { return false }
        return try await hot.read { sql in
            let row = try await sql.raw("""
                SELECT EXISTS (SELECT 1 FROM ticket_search_stale)
                    OR (SELECT indexed_through FROM ticket_search_state) < coalesce((SELECT max(rowid) FROM tickets), 0) AS waiting
                """).first()
            return try (row?.decode(column: "waiting", as: Int.self) ?? 0) != 0
        }
    }

    /// Indexes everything that waits, a batch a transaction.
    static func catchUp(_ app: Application) async throws {
        guard app.hotSQLite != nil else { return }
        // New segments may make a level to merge: the next round looks.
        app.searchMergeOwed.withLockedValue { $0 = true }
        let more = NIOLockedValueBox(true)
        while more.withLockedValue({ $0 }) {
            try await app.hotWrite { sql in
                let left = try await indexBatch(sql)
                more.withLockedValue { $0 = left }
            }
        }
    }

    /// Before a search: indexes what waits, if anything does.
    static func catchUpIfPending(_ app: Application) async throws {
        if try await pending(app) { try await catchUp(app) }
    }

    /// One batch: changed tickets written again, then new ones added. Returns whether more wait.
    static func indexBatch(_ sql: any SQLDatabase) async throws -> Bool {
        let mark = try await sql.raw("SELECT indexed_through FROM ticket_search_state").first()?
            .decode(column: "indexed_through", as: Int.self) ?? 0
        let stale = try await span("SELECT ticket_rowid AS r FROM ticket_search_stale ORDER BY ticket_rowid LIMIT \(bind: batch)", on: sql)
        if let last = stale.last {
            let changed: SQLQueryString = "SELECT ticket_rowid FROM ticket_search_stale WHERE ticket_rowid <= \(bind: last)"
            try await sql.raw("DELETE FROM ticket_search WHERE rowid IN (" + changed + ")").run()
            try await sql.raw("INSERT INTO ticket_search(rowid, open_text, internal_text) \(unsafeRaw: TicketSearchDocuments.document) "
                + "WHERE t.rowid IN (" + changed + ") AND t.rowid <= \(bind: mark)").run()
            try await sql.raw("DELETE FROM ticket_search_stale WHERE ticket_rowid <= \(bind: last)").run()
        }
        let room = batch - stale.count
        guard room > 0 else { return true }
        let new = try await span("SELECT rowid AS r FROM tickets WHERE rowid > \(bind: mark) ORDER BY rowid LIMIT \(bind: room)", on: sql)
        guard let through = new.last else { return false }
        try await sql.raw("INSERT INTO ticket_search(rowid, open_text, internal_text) \(unsafeRaw: TicketSearchDocuments.document) "
            + "WHERE t.rowid > \(bind: mark) AND t.rowid <= \(bind: through)").run()
        try await sql.raw("UPDATE ticket_search_state SET indexed_through = \(bind: through)").run()
        return new.count == room
    }

    /// How many rows `rows` (one integer column `r`, in order, limited) selects, and the last `r`.
    private static func span(_ rows: SQLQueryString, on sql: any SQLDatabase) async throws -> (count: Int, last: Int?) {
        let row = try await sql.raw("SELECT count(*) AS n, max(r) AS last FROM (" + rows + ")").first()
        return (try row?.decode(column: "n", as: Int.self) ?? 0, try row?.decode(column: "last", as: Int?.self))
    }
}

extension Application {
    private struct SearchMergeOwedKey: StorageKey { typealias Value = NIOLockedValueBox<Bool> }

    /// Whether the search index was written since a merge step last found nothing to do.
    var searchMergeOwed: NIOLockedValueBox<Bool> {
        service(SearchMergeOwedKey.self) { NIOLockedValueBox(true) }
    }
}
