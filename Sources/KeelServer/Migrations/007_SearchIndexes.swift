import Fluent
import SQLKit

/// Full-text search that handles Chinese as well as English: substring search backed by
/// trigram indexes. SQLite: FTS5 tables with the trigram tokenizer, kept in step by
/// triggers (so bulk loads and every write path are indexed alike). PostgreSQL: pg_trgm
/// GIN indexes, which serve the ILIKE queries directly.
struct SearchIndexes: AsyncMigration {
    var name: String { "007_SearchIndexes" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm").run()
            try await sql.raw("CREATE INDEX tickets_title_trgm ON tickets USING gin (title gin_trgm_ops)").run()
            try await sql.raw("CREATE INDEX tickets_body_trgm ON tickets USING gin (body gin_trgm_ops)").run()
            try await sql.raw("CREATE INDEX ticket_comments_body_trgm ON ticket_comments USING gin (body gin_trgm_ops)").run()
            return
        }
        let statements = [
            "CREATE VIRTUAL TABLE ticket_fts USING fts5(title, body, content='tickets', content_rowid='rowid', tokenize='trigram')",
            "CREATE VIRTUAL TABLE comment_fts USING fts5(body, content='ticket_comments', content_rowid='rowid', tokenize='trigram')",
            "CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN INSERT INTO ticket_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body); END",
            "CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN INSERT INTO ticket_fts(ticket_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body); END",
            """
            CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, body ON tickets BEGIN
              INSERT INTO ticket_fts(ticket_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
              INSERT INTO ticket_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
            END
            """,
            "CREATE TRIGGER comments_fts_insert AFTER INSERT ON ticket_comments BEGIN INSERT INTO comment_fts(rowid, body) VALUES (new.rowid, new.body); END",
            "CREATE TRIGGER comments_fts_delete AFTER DELETE ON ticket_comments BEGIN INSERT INTO comment_fts(comment_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END",
            "INSERT INTO ticket_fts(ticket_fts) VALUES ('rebuild')",
            "INSERT INTO comment_fts(comment_fts) VALUES ('rebuild')",
        ]
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            for index in ["tickets_title_trgm", "tickets_body_trgm", "ticket_comments_body_trgm"] {
                try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index)").run()
            }
            return
        }
        for trigger in ["tickets_fts_insert", "tickets_fts_delete", "tickets_fts_update", "comments_fts_insert", "comments_fts_delete"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS ticket_fts").run()
        try await sql.raw("DROP TABLE IF EXISTS comment_fts").run()
    }
}
