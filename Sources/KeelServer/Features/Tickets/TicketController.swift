import Fluent
import Foundation
import KeelDomain
import Vapor

/// Ticket pages: the list with filters and CSV export, the portal form, a ticket's timeline.
enum TicketController {
    struct Row: Encodable {
        let id: String; let number: Int; let title: String; let organization: String; let status: String
        let statusCode: String; let priority: String; let priorityCode: String; let assignee: String; let due: String; let sla: String
    }
    struct ListData: Encodable {
        let rows: [Row]; let q: String; let statuses: [SelectOption]; let priorities: [SelectOption]
        let organizations: [SelectOption]; let isStaff: Bool; let next: String?; let query: String
        let sorts: [SelectOption]; let views: [SelectOption]
    }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("tickets") { req async throws -> Response in
            let context = try req.requireWebContext()
            let tenant = try req.tenant
            let filter = try TicketFilter(req)
            let sort = try TicketSort(req)
            let rows = try await filter.rows(tenant: tenant, sort: sort,
                                             cursor: req.query[String.self, at: "cursor"].flatMap { $0.isEmpty ? nil : $0 }, limit: 51)
            let page = Array(rows.prefix(50))
            let names = try await TicketViews.names(req, tickets: page)
            let data = ListData(
                rows: page.map { TicketViews.row($0, names: names, req: req) }, q: filter.q ?? "",
                statuses: TicketStatus.allCases.map { SelectOption(value: $0.rawValue, label: req.t("status.\($0.rawValue)"),
                                                                   selected: filter.status.contains($0.rawValue)) },
                priorities: Priority.allCases.map { SelectOption(value: $0.rawValue, label: req.t("priority.\($0.rawValue)"),
                                                                 selected: filter.priority.contains($0.rawValue)) },
                organizations: try await tenant.organizations().sort(\.$name).all().map {
                    SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id == filter.organizationID)
                },
                isStaff: context.isProviderStaff,
                next: rows.count > 50 ? page.last.map { nextQuery(req, cursor: sort.cursor(after: $0)) } : nil,
                query: filterQuery(req),
                sorts: TicketSort.allCases.map { SelectOption(value: $0.rawValue, label: req.t("sort.\($0.rawValue)"), selected: $0 == sort) },
                views: try await SavedViewService.mine(req).map { SelectOption(value: $0.query, label: $0.name, selected: false) })
            return try await req.renderPage("tickets/index", data: data)
        }
        routes.post("tickets", "views") { req async throws -> Response in
            _ = try req.requireWebContext()
            let input = try req.content.decode(SavedViewInput.self)
            let view = try await SavedViewService.create(input, req: req)
            return req.redirect(to: "/tickets?\(view.query)", redirectType: .normal)
        }
        routes.get("tickets.csv") { req async throws -> Response in
            _ = try req.requireWebContext()
            let tenant = try req.tenant
            let tickets = try await TicketFilter(req).rows(tenant: tenant, sort: TicketSort(req), cursor: nil, limit: 50_000)
            let names = try await TicketViews.names(req, tickets: tickets)
            var csv = CSV.line(["number", "title", "organization", "status", "priority", "category", "assignee", "created", "resolution_due", "sla"])
            for ticket in tickets {
                csv += CSV.line([String(ticket.number), ticket.title, names.organizations[ticket.$organization.id] ?? "",
                                 ticket.status, ticket.priority, ticket.category ?? "",
                                 ticket.$assignee.id.flatMap { names.people[$0] } ?? "",
                                 ticket.createdAt.map(RFC3339Text.format) ?? "", ticket.resolutionDueAt.map(RFC3339Text.format) ?? "",
                                 ticket.slaState])
            }
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"tickets.csv\"")
            return Response(status: .ok, headers: headers, body: .init(string: "\u{FEFF}" + csv))
        }
    }
}

extension TicketController {
    /// The list's query without its cursor: for export, saved views and the next page.
    static func filterQuery(_ req: Request) -> String {
        var components = URLComponents()
        components.percentEncodedQuery = req.url.query
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "cursor" }
        return components.percentEncodedQuery ?? ""
    }

    static func nextQuery(_ req: Request, cursor: String) -> String {
        var components = URLComponents()
        components.percentEncodedQuery = filterQuery(req)
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "cursor", value: cursor)]
        return components.percentEncodedQuery ?? ""
    }
}

/// Shared pieces of ticket pages.
enum TicketViews {
    struct Names { let organizations: [UUID: String]; let people: [UUID: String] }

    /// Organisation and people names for a page of tickets, in two queries.
    static func names(_ req: Request, tickets: [Ticket]) async throws -> Names {
        let tenant = try req.tenant
        let organizationIDs = Array(Set(tickets.map { $0.$organization.id }))
        let personIDs = Array(Set(tickets.flatMap { [$0.$requester.id] + ($0.$assignee.id.map { [$0] } ?? []) }))
        let organizations = organizationIDs.isEmpty ? [] : try await tenant.organizations().filter(\.$id ~~ organizationIDs).all()
        let people = personIDs.isEmpty ? [] : try await User.query(on: req.db).filter(\.$id ~~ personIDs).all()
        return Names(organizations: Dictionary(uniqueKeysWithValues: organizations.map { ($0.id!, $0.name) }),
                     people: Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.name) }))
    }

    static func row(_ ticket: Ticket, names: Names, req: Request) -> TicketController.Row {
        let staff = req.context?.isProviderStaff ?? false
        let status = staff ? req.t("status.\(ticket.status)") : req.t(TicketStatus(rawValue: ticket.status)?.requesterStatusKey ?? "status.\(ticket.status)")
        return TicketController.Row(
            id: ticket.id!.uuidString, number: ticket.number, title: ticket.title,
            organization: names.organizations[ticket.$organization.id] ?? "", status: status, statusCode: ticket.status,
            priority: req.t("priority.\(ticket.priority)"), priorityCode: ticket.priority,
            assignee: ticket.$assignee.id.flatMap { names.people[$0] } ?? "", due: req.display(ticket.resolutionDueAt),
            sla: req.t("sla.\(ticket.slaState)"))
    }
}

/// RFC 4180 lines; cells that a spreadsheet would run as formulas are quoted with a leading apostrophe.
enum CSV {
    static func line(_ cells: [String]) -> String {
        cells.map { cell in
            var value = cell
            if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
            if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                value = "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return value
        }.joined(separator: ",") + "\r\n"
    }
}

enum RFC3339Text {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
