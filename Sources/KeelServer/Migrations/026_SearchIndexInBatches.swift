import Fluent
import SQLKit

/// SQLite: the search documents (022) are written in batches instead of by triggers inside
/// every write. FTS5 writes a new segment for each transaction that changes it, and merges
/// segments as they pile up; with one segment per commit of ticket creation those merges ran
/// inside the one-writer section and halved creation for ten seconds at a time. Now a write
/// only notes what changed: new tickets are those past `ticket_search_state.indexed_through`
/// (rowids grow), changed ones (title, body, comments) go to `ticket_search_stale`.
/// `TicketSearchIndex` indexes what is waiting four times a second and before any search
/// reads, and merges the index's segments itself in small steps (FTS5's automerge is off).
struct SearchIndexInBatches: AsyncMigration {
    var name: String { "026_SearchIndexInBatches" }

    static let triggers = ["ticket_search_insert", "ticket_search_update", "ticket_search_delete", "ticket_search_comment_insert",
                           "ticket_search_comment_update", "ticket_search_comment_delete"]

    /// Marks the ticket whose rowid is `rowid` for indexing again, if it was indexed already.
    private static func stale(_ rowid: String) -> String {
        "INSERT OR IGNORE INTO ticket_search_stale (ticket_rowid) SELECT \(rowid) WHERE \(rowid) <= (SELECT indexed_through FROM ticket_search_state);"
    }

    private static func staleTicket(_ id: String) -> String {
        stale("(SELECT rowid FROM tickets WHERE id = \(id))")
    }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        var statements = Self.triggers.map { "DROP TRIGGER IF EXISTS \($0)" }
        statements += [
            "CREATE TABLE ticket_search_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_through INTEGER NOT NULL)",
            "INSERT INTO ticket_search_state (id, indexed_through) VALUES (1, coalesce((SELECT max(rowid) FROM tickets), 0))",
            "CREATE TABLE ticket_search_stale (ticket_rowid INTEGER PRIMARY KEY)",
            // Kept in the index's own configuration, for every connection.
            "INSERT INTO ticket_search(ticket_search, rank) VALUES ('automerge', 0)",
            // A rowid at or below the mark is one SQLite gave again after the newest ticket was deleted.
            """
            CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets
            WHEN new.rowid <= (SELECT indexed_through FROM ticket_search_state) BEGIN \(Self.stale("new.rowid")) END
            """,
            "CREATE TRIGGER ticket_search_update AFTER UPDATE OF title, body ON tickets BEGIN \(Self.stale("new.rowid")) END",
            """
            CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets BEGIN
              DELETE FROM ticket_search WHERE rowid = old.rowid;
              DELETE FROM ticket_search_stale WHERE ticket_rowid = old.rowid;
            END
            """,
            "CREATE TRIGGER ticket_search_comment_insert AFTER INSERT ON ticket_comments BEGIN \(Self.staleTicket("new.ticket_id")) END",
            """
            CREATE TRIGGER ticket_search_comment_update AFTER UPDATE OF body, internal, ticket_id ON ticket_comments BEGIN
              \(Self.staleTicket("old.ticket_id")) \(Self.staleTicket("new.ticket_id"))
            END
            """,
            "CREATE TRIGGER ticket_search_comment_delete AFTER DELETE ON ticket_comments BEGIN \(Self.staleTicket("old.ticket_id")) END",
        ]
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        for statement in Self.triggers.map({ "DROP TRIGGER IF EXISTS \($0)" })
            + ["DROP TABLE ticket_search_stale", "DROP TABLE ticket_search_state", "DROP TABLE ticket_search"] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
        // 022 again, from the tickets as they are now.
        try await TicketSearchDocuments().prepare(on: database)
    }
}
