import Fluent
import Foundation
import Vapor

enum TicketAPI {
    static func register(_ api: API) {
        api.on(.GET, "tickets", "Search and list tickets (q, status, priority, organizationId, assigneeId, category, sla; sort: newest, oldest, updated, due, priority)",
               tag: "tickets", response: "TicketList") { req in
            let tenant = try req.tenant
            let list = try ListQuery(req)
            let sort = try TicketSort(req)
            let rows = try await TicketFilter(req).rows(tenant: tenant, sort: sort, cursor: list.cursor, limit: list.limit + 1)
            let items = Array(rows.prefix(list.limit))
            let sla = req.application.sla
            let now = Date()
            let policies = try await SLAPolicies.effective(for: items.map { $0.$organization.id }, on: req.db)
            return ListPage(items: items.map { TicketOut($0, sla: sla.stored($0, now: now, policy: policies[$0.$organization.id] ?? .standard)) },
                            nextCursor: rows.count > list.limit ? items.last.map(sort.cursor(after:)) : nil)
        }
        api.on(.POST, "tickets", "Raise a ticket", tag: "tickets", body: "TicketCreate", response: "Ticket", status: 201) { req in
            let service = try TicketService(req)
            let input = try req.content.decode(TicketCreate.self)
            let created = try await service.create(input, defaultChannel: "api")
            return try await TicketOut(created.ticket, sla: req.application.sla.stored(created.ticket, now: Date(), policy: created.policy))
                .response(status: .created, for: req)
        }
        api.on(.GET, "tickets/{ticketID}", "Get a ticket with its SLA clocks", tag: "tickets", response: "Ticket") { req in
            let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
            return TicketOut(ticket, sla: try await req.application.sla.live(ticket, on: req.db, now: Date()))
        }
        api.on(.PATCH, "tickets/{ticketID}", "Change status, priority (with reason), assignee, category, site or title",
               tag: "tickets", body: "TicketPatch", response: "Ticket") { req in
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            let patch = try req.content.decode(TicketPatch.self)
            let ticket = try await TicketService(req).update(id, patch)
            return TicketOut(ticket, sla: try await req.application.sla.live(ticket, on: req.db, now: Date()))
        }
        api.on(.POST, "tickets/{ticketID}/take", "Assign the ticket to the caller", tag: "tickets", response: "Ticket") { req in
            let context = try req.requireContext()
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            let ticket = try await TicketService(req).update(id, TicketPatch(assigneeId: context.user.id.uuidString))
            return TicketOut(ticket, sla: try await req.application.sla.live(ticket, on: req.db, now: Date()))
        }
        api.on(.GET, "tickets/{ticketID}/comments", "Replies (and internal notes for staff)", tag: "tickets",
               response: "CommentList") { req in
            let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
            let comments = try await req.tenant.comments(of: ticket.requireID()).sort(\.$createdAt).all()
            return ListPage(items: comments.map(CommentOut.init), nextCursor: nil)
        }
        api.on(.POST, "tickets/{ticketID}/comments", "Reply or add an internal note", tag: "tickets", body: "CommentInput",
               response: "Comment", status: 201) { req in
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            let input = try req.content.decode(CommentInput.self)
            return try await CommentOut(TicketService(req).comment(on: id, input)).response(status: .created, for: req)
        }
        api.on(.GET, "tickets/{ticketID}/events", "The ticket's history", tag: "tickets", response: "TicketEventList") { req in
            let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
            let events = try await req.tenant.events(of: ticket.requireID()).sort(\.$at).all()
            return ListPage(items: events.map(TicketEventOut.init), nextCursor: nil)
        }
        api.on(.POST, "tickets/{ticketID}/merge", "Close as a duplicate of another ticket", tag: "tickets", body: "MergeInput",
               response: "Ticket") { req in
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            let input = try req.content.decode(MergeInput.self)
            guard let target = UUID(uuidString: input.targetId) else { throw KeelError.notFound }
            let ticket = try await TicketService(req).merge(id, into: target)
            return TicketOut(ticket, sla: try await req.application.sla.live(ticket, on: req.db, now: Date()))
        }
        api.on(.POST, "tickets/{ticketID}/links", "Link a related ticket", tag: "tickets", body: "LinkInput", status: 204) { req in
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            let input = try req.content.decode(LinkInput.self)
            guard let other = UUID(uuidString: input.otherId) else { throw KeelError.notFound }
            try await TicketService(req).link(id, to: other)
            return HTTPStatus.noContent
        }
        api.on(.GET, "tickets/{ticketID}/time", "Time entries", tag: "tickets", response: "TimeEntryList") { req in
            let context = try req.requireContext()
            let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
            guard context.isProviderStaff || context.role == .clientAdmin else { throw KeelError.forbidden }
            let entries = try await TimeEntry.query(on: req.db).filter(\.$ticket.$id == ticket.requireID()).sort(\.$at).all()
            return ListPage(items: entries.map(TimeEntryOut.init), nextCursor: nil)
        }
        api.on(.POST, "tickets/{ticketID}/time", "Record time spent", tag: "tickets", body: "TimeEntryInput",
               response: "TimeEntry", status: 201) { req in
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            let input = try req.content.decode(TimeEntryInput.self)
            return try await TimeEntryOut(TicketService(req).logTime(on: id, input)).response(status: .created, for: req)
        }
        api.on(.GET, "ticket-categories", "The install's ticket categories", tag: "tickets", response: "CategoryList") { req in
            _ = try req.requireContext()
            let categories = try await TicketCategory.query(on: req.db).sort(\.$name).all()
            return ListPage(items: categories.map { CategoryOut(name: $0.name) }, nextCursor: nil)
        }
    }
}

struct MergeInput: Content { var targetId: String }
struct LinkInput: Content { var otherId: String }
struct CategoryOut: Content { let name: String }

struct TicketEventOut: Content {
    let kind: String
    let from: String?
    let to: String?
    let reason: String?
    let actorId: UUID?
    let at: Date

    init(_ event: TicketEvent) {
        kind = event.kind
        from = event.fromValue
        to = event.toValue
        reason = event.reason
        actorId = event.actorID
        at = event.at
    }
}
