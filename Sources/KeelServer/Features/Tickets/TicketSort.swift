import Fluent
import Foundation
import KeelDomain
import FluentSQL
import SQLKit
import Vapor

/// The orders a ticket list can take, with keyset cursors so that paging stays stable
/// under inserts and never uses OFFSET. The ticket number breaks ties, so every cursor
/// names exactly one position.
enum TicketSort: String, CaseIterable, Sendable {
    /// Newest first (the default); cursors are plain ticket numbers.
    case newest
    case oldest
    /// Most recently changed first.
    case updated
    /// Resolution due soonest first; tickets without a due time last.
    case due
    /// Most urgent first, newest first within a priority.
    case priority

    init(_ request: Request) throws {
        let raw = request.query[String.self, at: "sort"] ?? ""
        if raw.isEmpty { self = .newest; return }
        guard let sort = TicketSort(rawValue: raw) else { throw KeelError(.badRequest, "sort_invalid", field: "sort") }
        self = sort
    }

    /// Adds the order and, for a cursor, the "after this row" condition.
    func apply(to query: QueryBuilder<Ticket>, cursor: String?) throws {
        if let cursor { try filter(query, after: cursor) }
        switch self {
        case .newest: query.sort(\.$number, .descending)
        case .oldest: query.sort(\.$number, .ascending)
        case .updated: query.sort(\.$updatedAt, .descending).sort(\.$number, .descending)
        case .due:
            // Same NULL placement on both databases: PostgreSQL puts NULLs last, SQLite first.
            query.sort(.custom(SQLRaw("(\"resolution_due_at\" IS NULL)"))).sort(\.$resolutionDueAt, .ascending)
                .sort(\.$number, .descending)
        case .priority: query.sort(\.$priorityRank, .ascending).sort(\.$number, .descending)
        }
    }

    /// The cursor that continues after this ticket. For times it is the row's number: the
    /// database compares with the value it stored, so no rounding of times in transit
    /// can skip or repeat a row.
    func cursor(after ticket: Ticket) -> String {
        switch self {
        case .newest, .oldest, .updated, .due: return String(ticket.number)
        case .priority: return String(ticket.priorityRank) + "~" + String(ticket.number)
        }
    }

    private func filter(_ query: QueryBuilder<Ticket>, after cursor: String) throws {
        let invalid = KeelError(.badRequest, "invalid_cursor", field: "cursor")
        if self == .priority {
            let parts = cursor.split(separator: "~", omittingEmptySubsequences: false)
            guard parts.count == 2, let rank = Int(parts[0]), let number = Int(parts[1]) else { throw invalid }
            query.group(.or) { group in
                group.filter(\.$priorityRank > rank)
                group.group(.and) { $0.filter(\.$priorityRank == rank).filter(\.$number < number) }
            }
            return
        }
        guard let number = Int(cursor) else { throw invalid }
        switch self {
        case .newest: query.filter(\.$number < number)
        case .oldest: query.filter(\.$number > number)
        case .updated:
            let key = SQLQueryString("(SELECT \"updated_at\" FROM \"tickets\" WHERE \"number\" = \(bind: number))")
            query.filter(.sql(SQLQueryString("(\"updated_at\" < \(key) OR (\"updated_at\" = \(key) AND \"number\" < \(bind: number)))")))
        case .due:
            let key = SQLQueryString("(SELECT \"resolution_due_at\" FROM \"tickets\" WHERE \"number\" = \(bind: number))")
            query.filter(.sql(SQLQueryString("""
                ((\(key) IS NULL AND "resolution_due_at" IS NULL AND "number" < \(bind: number)) OR (\(key) IS NOT NULL AND \
                ("resolution_due_at" > \(key) OR ("resolution_due_at" = \(key) AND "number" < \(bind: number)) OR "resolution_due_at" IS NULL)))
                """)))
        case .priority: break
        }
    }
}

extension Priority {
    /// 0 for critical … 3 for low: the stored sort key.
    var rank: Int { Priority.allCases.firstIndex(of: self) ?? Priority.allCases.count }
}
