import Fluent
import Foundation
import KeelDomain
import Vapor

/// The shared board: one column per status. Staff move cards with buttons (each a small
/// form, so it works without JavaScript); client admins see their organisation's board.
enum BoardController {
    struct Card: Encodable {
        let id: String; let number: Int; let title: String; let organization: String; let priority: String
        let priorityCode: String; let assignee: String; let sla: String; let moves: [SelectOption]
    }
    struct Column: Encodable { let status: String; let label: String; let cards: [Card]; let count: Int }
    struct BoardData: Encodable { let columns: [Column]; let organizations: [SelectOption]; let canMove: Bool; let isStaff: Bool }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("board") { req async throws -> Response in
            let context = try req.requireWebContext()
            let tenant = try req.tenant
            let query = tenant.tickets()
            var selected: UUID?
            if let raw = req.query[String.self, at: "organizationId"], !raw.isEmpty {
                guard let id = UUID(uuidString: raw), context.scope.contains(id) else { throw KeelError.notFound }
                selected = id
                query.filter(\.$organization.$id == id)
            }
            // Closed tickets leave the board; resolved ones stay a while for the client to see.
            let tickets = try await query.filter(\.$status != TicketStatus.closed.rawValue)
                .sort(\.$number, .descending).limit(500).all()
            let names = try await TicketViews.names(req, tickets: tickets)
            let canMove = context.isProviderStaff
            let columns = TicketStatus.allCases.filter { $0 != .closed }.map { status -> Column in
                let cards = tickets.filter { $0.status == status.rawValue }.map { ticket in
                    Card(id: ticket.id!.uuidString, number: ticket.number, title: ticket.title,
                         organization: names.organizations[ticket.$organization.id] ?? "",
                         priority: req.t("priority.\(ticket.priority)"), priorityCode: ticket.priority,
                         assignee: ticket.$assignee.id.flatMap { names.people[$0] } ?? "", sla: ticket.slaState,
                         moves: canMove ? status.allowedNextStatuses.sorted { $0.rawValue < $1.rawValue }.map {
                             SelectOption(value: $0.rawValue, label: req.t("status.\($0.rawValue)"), selected: false)
                         } : [])
                }
                let label = context.isProviderStaff ? req.t("status.\(status.rawValue)") : req.t(status.requesterStatusKey)
                return Column(status: status.rawValue, label: label, cards: cards, count: cards.count)
            }
            let organizations = try await tenant.organizations().sort(\.$name).all().map {
                SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id == selected)
            }
            return try await req.renderPage("board", data: BoardData(columns: columns, organizations: organizations,
                                                                     canMove: canMove, isStaff: context.isProviderStaff))
        }
    }
}
