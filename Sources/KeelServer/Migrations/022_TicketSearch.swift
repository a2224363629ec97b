import Fluent
import SQLKit

/// SQLite: one full-text document per ticket instead of one index for tickets and one for
/// comments. The document's rowid is the ticket's rowid, which grows with the ticket number
/// (both are given in the same write transaction by SQLite's single writer), so the newest
/// matches can be read first from the index and a search stops after a page's worth
/// (`TicketSearch`). Two columns: what clients may read (title, body, public replies) and
/// internal notes, so a client's search leaves the notes out by naming its column. Kept in
/// step by triggers, for every write path and bulk loads alike. PostgreSQL keeps its trigram
/// indexes (007).
struct TicketSearchDocuments: AsyncMigration {
    var name: String { "022_TicketSearchDocuments" }

    /// The SQL that rewrites the document of the ticket whose id is `ticket`.
    static func refresh(_ ticket: String) -> String {
        """
        DELETE FROM ticket_search WHERE rowid = (SELECT rowid FROM tickets WHERE id = \(ticket));
        INSERT INTO ticket_search(rowid, open_text, internal_text) \(document) WHERE t.id = \(ticket);
        """
    }

    /// Each ticket's document, selected from `tickets t`.
    static let document = """
        SELECT t.rowid, t.title || char(10) || t.body || coalesce((SELECT char(10) || group_concat(c.body, char(10))
                  FROM ticket_comments c WHERE c.ticket_id = t.id AND c.internal = 0), ''),
               coalesce((SELECT group_concat(c.body, char(10)) FROM ticket_comments c WHERE c.ticket_id = t.id AND c.internal = 1), '')
        FROM tickets t
        """

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        var statements = ["tickets_fts_insert", "tickets_fts_delete", "tickets_fts_update", "comments_fts_insert", "comments_fts_delete"]
            .map { "DROP TRIGGER IF EXISTS \($0)" }
        statements += [
            "DROP TABLE IF EXISTS ticket_fts",
            "DROP TABLE IF EXISTS comment_fts",
            "CREATE VIRTUAL TABLE ticket_search USING fts5(open_text, internal_text, tokenize='trigram')",
            "INSERT INTO ticket_search(rowid, open_text, internal_text) \(Self.document)",
            """
            CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets BEGIN
              INSERT INTO ticket_search(rowid, open_text, internal_text) VALUES (new.rowid, new.title || char(10) || new.body, '');
            END
            """,
            "CREATE TRIGGER ticket_search_update AFTER UPDATE OF title, body ON tickets BEGIN \(Self.refresh("new.id")) END",
            "CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets BEGIN DELETE FROM ticket_search WHERE rowid = old.rowid; END",
            "CREATE TRIGGER ticket_search_comment_insert AFTER INSERT ON ticket_comments BEGIN \(Self.refresh("new.ticket_id")) END",
            """
            CREATE TRIGGER ticket_search_comment_update AFTER UPDATE OF body, internal, ticket_id ON ticket_comments BEGIN
              \(Self.refresh("old.ticket_id")) \(Self.refresh("new.ticket_id"))
            END
            """,
            "CREATE TRIGGER ticket_search_comment_delete AFTER DELETE ON ticket_comments BEGIN \(Self.refresh("old.ticket_id")) END",
        ]
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        for trigger in ["ticket_search_insert", "ticket_search_update", "ticket_search_delete", "ticket_search_comment_insert",
                        "ticket_search_comment_update", "ticket_search_comment_delete"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS ticket_search").run()
        try await SearchIndexes().prepare(on: database)
    }
}
