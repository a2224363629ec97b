import Fluent
import FluentSQL
import Foundation
import KeelDomain
import SQLKit
import Vapor

/// Ticket list filters shared by the API, the pages and CSV export. Everything starts
/// from `TenantData.tickets()`, so the caller's scope is always applied.
struct TicketFilter {
    var q: String?
    var status: [String] = []
    var priority: [String] = []
    var organizationID: UUID?
    var assigneeID: String?
    var category: String?
    var sla: String?
    private let application: Application

    init(_ request: Request) throws {
        application = request.application
        func list(_ name: String) -> [String] {
            (request.query[String.self, at: name] ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
        }
        q = try request.searchText()
        status = list("status")
        for value in status where TicketStatus(rawValue: value) == nil && value != "active" {
            throw KeelError(.badRequest, "status_invalid", field: "status")
        }
        priority = list("priority")
        for value in priority where Priority(rawValue: value) == nil { throw KeelError(.badRequest, "priority_invalid", field: "priority") }
        if let raw = request.query[String.self, at: "organizationId"], !raw.isEmpty {
            guard let id = UUID(uuidString: raw) else { throw KeelError.notFound }
            organizationID = id
        }
        // An empty value is the form's "any": no filter.
        func value(_ name: String) -> String? {
            request.query[String.self, at: name].flatMap { $0.isEmpty ? nil : $0 }
        }
        assigneeID = value("assigneeId")
        category = value("category")
        sla = value("sla")
        if let sla, !["ok", "warning", "breached"].contains(sla) { throw KeelError(.badRequest, "sla_filter_invalid", field: "sla") }
    }

    /// One page of the list in `sort` order after `cursor`: at most `limit` rows (callers ask
    /// for one more than they show, to know whether a next page exists). A search on SQLite
    /// in the default newest-first order reads the newest matches from the index in growing
    /// windows and stops as soon as a window fills the page: matches outside a window are
    /// older than every match in it (see `TicketSearchDocuments`), so a full page from a
    /// window is the true page. A window that holds every match ends the search too. When
    /// the filters leave too few of the newest matches, the whole match set is used.
    func rows(tenant: TenantData, sort: TicketSort, cursor: String?, limit: Int) async throws -> [Ticket] {
        var window: Int? = usesSearchIndex(tenant) && sort == .newest ? max(256, limit * 4) : nil
        // What was written just before is found (otherwise the index catches up four times a second).
        if usesSearchIndex(tenant) { try await TicketSearchIndex.catchUpIfPending(application) }
        while true {
            let query = tenant.tickets()
            let complete = try await apply(to: query, tenant: tenant, window: window, byNumber: sort == .newest || sort == .oldest)
            try sort.apply(to: query, cursor: cursor)
            let rows = try await query.limit(limit).all()
            guard let current = window, rows.count < limit, !complete else { return rows }
            window = current < Self.largestWindow ? current * 4 : nil
        }
    }

    /// Past this many matches a window costs more than reading them all inside SQLite.
    static let largestWindow = 4096

    /// SQLite's search documents. A client user's own tickets are few: scanning them beats
    /// the documents.
    private func usesSearchIndex(_ tenant: TenantData) -> Bool {
        q != nil && !tenant.db.isPostgres && tenant.role != .clientUser
    }

    /// Adds the filters; with a search `window`, only the newest `window` matches are
    /// candidates. Returns false when the window left matches out.
    private func apply(to query: QueryBuilder<Ticket>, tenant: TenantData, window: Int?, byNumber: Bool) async throws -> Bool {
        var complete = true
        if !status.isEmpty {
            var wanted = status
            if let index = wanted.firstIndex(of: "active") {
                wanted.remove(at: index)
                wanted += [TicketStatus.new, .open, .pendingCustomer, .pendingThirdParty].map(\.rawValue)
            }
            if byNumber, q == nil, wanted.count > 1, !tenant.db.isPostgres {
                // Several statuses in number order ("active" is four): SQLite would read every
                // ticket of them through the status index and sort them all; walking the number
                // index from the page's end and checking the status stops after a page, as open
                // work sits among the newest tickets. (`+` keeps the status index out. Not with
                // a search: there the status index is what narrows a large match set.)
                query.filter(.sql(SQLBinaryExpression(SQLRaw("+\"tickets\".\"status\""), .in, SQLBind.group(wanted))))
            } else {
                query.filter(\.$status ~~ wanted)
            }
        }
        if !priority.isEmpty { query.filter(\.$priority ~~ priority) }
        if let organizationID {
            guard tenant.scope.contains(organizationID) else { throw KeelError.notFound }
            query.filter(\.$organization.$id == organizationID)
        }
        if let assigneeID {
            if assigneeID == "none" { query.filter(\.$assignee.$id == nil) }
            else if let id = UUID(uuidString: assigneeID) { query.filter(\.$assignee.$id == id) }
            else { throw KeelError(.badRequest, "bad_request", field: "assigneeId") }
        }
        if let category, !category.isEmpty { query.filter(\.$category == category) }
        if let sla { query.filter(\.$slaState == sla) }
        if let q, usesSearchIndex(tenant) {
            // The match is a condition of the list query itself, so scope, filters, order and the
            // page limit apply in one statement.
            let conditions = tenant.searchConditions(q)
            var condition: SQLQueryString
            if let window {
                // The newest `window` matches: of each condition's newest, the newest.
                let parts = conditions.map { part -> SQLQueryString in
                    "SELECT rowid FROM (SELECT rowid FROM ticket_search WHERE \(part) ORDER BY rowid DESC LIMIT \(bind: window))"
                }
                let sql = tenant.db as! any SQLDatabase
                let rowids = try await sql.raw(parts.joined(separator: " UNION ") + " ORDER BY rowid DESC LIMIT \(bind: window)").all()
                    .map { try $0.decode(column: "rowid", as: Int.self) }
                complete = rowids.count < window
                let list = "[" + rowids.map(String.init).joined(separator: ",") + "]"
                condition = "\"tickets\".\"rowid\" IN (SELECT value FROM json_each(\(bind: list)))"
            } else {
                // `+` keeps SQLite from driving the query from the match list (a look-up per
                // match): the list is built once and the filters' indexes lead.
                let all = conditions.map { part -> SQLQueryString in "SELECT rowid FROM ticket_search WHERE \(part)" }
                condition = "+\"tickets\".\"rowid\" IN (" + all.joined(separator: " UNION ") + ")"
            }
            if let number = Int(q.trimmingCharacters(in: CharacterSet(charactersIn: "# "))) {
                condition = "(" + condition + " OR \"tickets\".\"number\" = \(bind: number))"
            }
            query.filter(.sql(condition))
        } else if let q {
            // Title, body and the comments the caller may read (internal notes only for staff),
            // case-insensitive on both databases (SQLite's LIKE already is; PostgreSQL needs ILIKE).
            let (method, pattern) = ContainsPattern.make(q, on: tenant.db)
            let fromComments = try await tenant.comments(of: nil).filter(\.$body, method, pattern).field(\.$ticket.$id).limit(5000).all()
            let ids = Array(Set(fromComments.map { $0.$ticket.id }))
            query.group(.or) { group in
                group.filter(\.$title, method, pattern).filter(\.$body, method, pattern)
                if !ids.isEmpty { group.filter(\.$id ~~ ids) }
                if let number = Int(q.trimmingCharacters(in: CharacterSet(charactersIn: "# "))) { group.filter(\.$number == number) }
            }
        }
        return complete
    }
}

/// "Contains this text", case-insensitive on both databases (SQLite's LIKE already is;
/// PostgreSQL needs ILIKE). PostgreSQL escapes with a backslash by default; SQLite has no
/// escape without an ESCAPE clause, so there a % or _ typed in a search acts as a wildcard.
enum ContainsPattern {
    static func make(_ text: String, on db: any Database) -> (DatabaseQuery.Filter.Method, String) {
        let postgres = db.isPostgres
        let escaped = postgres ? text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") : text
        return (postgres ? .custom("ILIKE") : .custom("LIKE"), "%" + escaped + "%")
    }
}
