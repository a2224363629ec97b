import Fluent
import Foundation
import KeelDomain
import Vapor

/// The portal form, a ticket's page (timeline, reply, staff actions) and the board.
enum TicketPages {
    struct NewData: Encodable {
        let title: String; let body: String; let impacts: [SelectOption]; let urgencies: [SelectOption]
        let categories: [SelectOption]; let organizations: [SelectOption]; let isStaff: Bool; let field: String?
        /// Devices the caller may say the ticket is about.
        let assets: [SelectOption]
    }
    struct Entry: Encodable {
        let at: String; let who: String; let text: String; let kind: String; let isInternal: Bool
    }
    struct AttachmentRow: Encodable { let id: String; let name: String; let size: String; let isInternal: Bool }
    struct ShowData: Encodable {
        let id: String; let number: Int; let title: String; let body: String; let organization: String; let requester: String
        let assignee: String; let status: String; let statusCode: String; let priority: String; let priorityCode: String
        let category: String; let channel: String; let created: String; let firstResponseDue: String; let resolutionDue: String
        let sla: String; let slaCode: String; let paused: Bool; let timeline: [Entry]; let isStaff: Bool
        let attachments: [AttachmentRow]
        let moves: [SelectOption]; let priorities: [SelectOption]; let canReply: Bool; let minutes: Int
        /// Notification mail the relay would not take, for staff.
        let mailFailures: [String]
        /// Linked assets, and the organisation's other assets the caller may link.
        let assets: [SelectOption]; let linkable: [SelectOption]; let canLink: Bool
    }

    static func register(_ routes: any RoutesBuilder, uploadMaxBytes: Int) {
        let upload = HTTPBodyStreamStrategy.collect(maxSize: ByteCount(integerLiteral: uploadMaxBytes))
        routes.get("tickets", "new") { req async throws -> Response in
            _ = try req.requireWebContext()
            return try await newForm(req, TicketCreate())
        }
        routes.on(.POST, "tickets", body: upload) { req async throws -> Response in
            _ = try req.requireWebContext()
            let input = try req.content.decode(TicketCreate.self)
            let file = try? req.content.get(File.self, at: "file")
            do {
                let ticket = try await TicketService(req).create(input, defaultChannel: "portal").ticket
                if let file, file.data.readableBytes > 0 {
                    _ = try await AttachmentService.add(to: ticket.requireID(), file: file, internal: false, req: req)
                }
                return req.redirect(to: "/tickets/\(ticket.id!.uuidString)?notice=created", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound {
                let (message, field) = req.message(for: error)
                return try await newForm(req, input, error: message, field: field)
            }
        }
        routes.get("tickets", ":ticketID") { req async throws -> Response in
            try await show(req)
        }
        routes.on(.POST, "tickets", ":ticketID", "comments", body: upload) { req async throws -> Response in
            _ = try req.requireWebContext()
            struct Form: Content { var body: String?; var `internal`: String?; var file: File? }
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            let form = try req.content.decode(Form.self)
            do {
                let isInternal = form.internal == "on"
                if let file = form.file, file.data.readableBytes > 0 {
                    _ = try await AttachmentService.add(to: id, file: file, internal: isInternal, req: req)
                }
                if !(form.body ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || (form.file?.data.readableBytes ?? 0) == 0 {
                    _ = try await TicketService(req).comment(on: id, CommentInput(body: form.body ?? "", internal: isInternal))
                }
                return req.redirect(to: "/tickets/\(id.uuidString)", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound {
                return try await show(req, error: req.message(for: error).0)
            }
        }
        routes.post("tickets", ":ticketID", "update") { req async throws -> Response in
            _ = try req.requireWebContext()
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            var patch = try req.content.decode(TicketPatch.self)
            if patch.priority?.isEmpty ?? false { patch.priority = nil }
            do {
                _ = try await TicketService(req).update(id, patch)
                let back = (try? req.content.get(String.self, at: "back")).flatMap { $0 == "board" ? "/board" : nil }
                return req.redirect(to: back ?? "/tickets/\(id.uuidString)", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound {
                return try await show(req, error: req.message(for: error).0)
            }
        }
        routes.post("tickets", ":ticketID", "staff") { req async throws -> Response in
            // Merge, link and time from the technician's panel; other tickets are named by number.
            _ = try req.requireWebContext()
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            let form = try req.content.decode(StaffForm.self)
            do {
                let service = try TicketService(req)
                switch form.action {
                case "merge", "link":
                    guard let number = Int((form.number ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "# "))),
                          let other = try await req.tenant.tickets().filter(\.$number == number).first() else {
                        throw KeelError.validation("number", "ticket_number_unknown")
                    }
                    if form.action == "merge" { _ = try await service.merge(id, into: other.requireID()) }
                    else { try await service.link(id, to: other.requireID()) }
                case "time":
                    guard let minutes = Int(form.minutes ?? "") else { throw KeelError.validation("minutes", "minutes_invalid") }
                    _ = try await service.logTime(on: id, TimeEntryInput(minutes: minutes, billable: form.billable == "on", note: form.note))
                default:
                    throw KeelError(.badRequest, "bad_request")
                }
                return req.redirect(to: "/tickets/\(id.uuidString)?notice=saved", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound {
                return try await show(req, error: req.message(for: error).0)
            }
        }
        routes.post("tickets", ":ticketID", "take") { req async throws -> Response in
            let context = try req.requireWebContext()
            let id = try req.idParameter("ticketID")
            _ = try await TicketService(req).update(id, TicketPatch(assigneeId: context.user.id.uuidString))
            return req.redirect(to: "/tickets/\(id.uuidString)", redirectType: .normal)
        }
    }

    private static func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, prefix: String, selected: String?, req: Request) -> [SelectOption]
    where T.RawValue == String {
        T.allCases.map { SelectOption(value: $0.rawValue, label: req.t("\(prefix).\($0.rawValue)"), selected: $0.rawValue == selected) }
    }

    static func newForm(_ req: Request, _ input: TicketCreate, error: String? = nil, field: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        let categories = try await TicketCategory.query(on: req.db).sort(\.$name).all()
        var organizations: [SelectOption] = []
        if context.isProviderStaff {
            organizations = try await req.tenant.organizations().sort(\.$name).all().map {
                SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == input.organizationId)
            }
        }
        let data = NewData(title: input.title ?? "", body: input.body ?? "",
                           impacts: options(Impact.self, prefix: "impact", selected: input.impact ?? "user", req: req),
                           urgencies: options(Urgency.self, prefix: "urgency", selected: input.urgency ?? "medium", req: req),
                           categories: [SelectOption(value: "", label: req.t("tickets.no_category"), selected: input.category == nil)]
                               + categories.map { SelectOption(value: $0.name, label: req.t("category.\($0.name)", orData: $0.name), selected: $0.name == input.category) },
                           organizations: organizations, isStaff: context.isProviderStaff, field: field,
                           assets: try await pickableAssets(req, selected: Set(input.assetIds ?? [])))
        return try await req.renderPage("tickets/new", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }

    /// Assets in the caller's scope for the new-ticket form: a client employee's own devices,
    /// their admin's organisation, or for staff every organisation's (named by organisation).
    static func pickableAssets(_ req: Request, selected: Set<String>) async throws -> [SelectOption] {
        let context = try req.requireWebContext()
        let assets = try await req.tenant.assets().filter(\.$lifecycleState !~ ["retired", "disposed"]).sort(\.$name).limit(1000).all()
        var names: [UUID: String] = [:]
        if context.isProviderStaff {
            let ids = Array(Set(assets.map { $0.$organization.id }))
            names = Dictionary(uniqueKeysWithValues: try await Organization.query(on: req.db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) })
        }
        return assets.map { asset in
            let id = asset.id!.uuidString
            let label = names[asset.$organization.id].map { "\(asset.name) · \($0)" } ?? asset.name
            return SelectOption(value: id, label: label, selected: selected.contains(id) || selected.contains(id.lowercased()))
        }
    }

    static func show(_ req: Request, error: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
        let ticketID = try ticket.requireID()
        let comments = try await req.tenant.comments(of: ticketID).sort(\.$createdAt).all()
        let events = try await req.tenant.events(of: ticketID).sort(\.$at).all()
        let names = try await TicketViews.names(req, tickets: [ticket])
        let assignees = events.filter { $0.kind == "assigned" }.compactMap { $0.toValue.flatMap(UUID.init(uuidString:)) }
        let authorIDs = Array(Set(comments.compactMap { $0.$author.id } + events.compactMap(\.actorID) + assignees))
        let authors = authorIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await User.query(on: req.db).filter(\.$id ~~ authorIDs).all().map { ($0.id!, $0.name) })
        let staff = context.isProviderStaff
        var timeline: [(Date, Entry)] = comments.map { comment in
            (comment.createdAt ?? .distantPast,
             Entry(at: req.display(comment.createdAt), who: comment.$author.id.flatMap { authors[$0] } ?? "",
                   text: comment.body, kind: comment.isInternal ? "note" : "reply", isInternal: comment.isInternal))
        }
        timeline += events.map { event in
            (event.at, Entry(at: req.display(event.at), who: event.actorID.flatMap { authors[$0] } ?? "",
                             text: TicketPages.describe(event, staff: staff, req: req, people: authors), kind: "event", isInternal: !event.isPublic))
        }
        timeline.sort { $0.0 < $1.0 }
        let status = TicketStatus(rawValue: ticket.status) ?? .new
        let sla = try await req.application.sla.live(ticket, on: req.db, now: Date())
        let files = try await AttachmentService.list(ticketID, req: req).map {
            AttachmentRow(id: $0.id!.uuidString, name: $0.fileName, size: req.fileSize($0.size),
                          isInternal: $0.isInternal)
        }
        // Summed here: PostgreSQL answers SUM(integer) as NUMERIC, which does not decode as Int.
        let minutes = staff ? try await TimeEntry.query(on: req.db).filter(\.$ticket.$id == ticketID).all(\.$minutes).reduce(0, +) : 0
        let linked = try await req.tenant.assets(of: ticketID).sort(\.$name).limit(200).all()
        let linkedIDs = Set(linked.compactMap(\.id))
        let canLink = status != .closed && TicketAssets.mayEdit(ticket, context: context)
        let linkable = canLink ? try await req.tenant.assets().filter(\.$organization.$id == ticket.$organization.id)
            .filter(\.$lifecycleState !~ ["retired", "disposed"]).sort(\.$name).limit(500).all() : []
        let failures = staff ? try await OutboundMessage.query(on: req.db).filter(\.$ticketID == ticketID)
            .filter(\.$status == OutboundMessage.Status.failed.rawValue).limit(20).all() : []
        let data = ShowData(
            id: ticketID.uuidString, number: ticket.number, title: ticket.title, body: ticket.body,
            organization: names.organizations[ticket.$organization.id] ?? "", requester: names.people[ticket.$requester.id] ?? "",
            assignee: ticket.$assignee.id.flatMap { names.people[$0] } ?? "",
            status: staff ? req.t("status.\(ticket.status)") : req.t(status.requesterStatusKey), statusCode: ticket.status,
            priority: req.t("priority.\(ticket.priority)"), priorityCode: ticket.priority, category: ticket.category.map { req.t("category.\($0)", orData: $0) } ?? "",
            channel: req.t("channel.\(ticket.channel)"), created: req.display(ticket.createdAt),
            firstResponseDue: req.display(sla.firstResponseDueAt), resolutionDue: req.display(sla.resolutionDueAt),
            sla: req.t("sla.\(sla.state)"), slaCode: sla.state, paused: sla.paused, timeline: timeline.map(\.1), isStaff: staff,
            attachments: files,
            moves: status.allowedNextStatuses.sorted { $0.rawValue < $1.rawValue }.map {
                SelectOption(value: $0.rawValue, label: req.t("status.\($0.rawValue)"), selected: false)
            },
            priorities: options(Priority.self, prefix: "priority", selected: ticket.priority, req: req),
            canReply: status != .closed, minutes: minutes,
            mailFailures: failures.map { req.t("tickets.mail_failed", ["to": $0.recipient, "error": $0.lastError ?? ""]) },
            assets: linked.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: true) },
            linkable: linkable.filter { !linkedIDs.contains($0.id!) }.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: false) },
            canLink: canLink)
        return try await req.renderPage("tickets/show", data: data, error: error)
    }

    static func describe(_ event: TicketEvent, staff: Bool, req: Request, people: [UUID: String]) -> String {
        switch event.kind {
        case "created": return req.t("timeline.created")
        case "status":
            let to = event.toValue ?? ""
            return staff ? req.t("timeline.status", ["to": req.t("status.\(to)")])
                         : req.t(TicketStatus(rawValue: to)?.requesterStatusKey ?? "status.\(to)")
        case "priority":
            return req.t("timeline.priority", ["from": req.t("priority.\(event.fromValue ?? "")"), "to": req.t("priority.\(event.toValue ?? "")"),
                                               "reason": event.reason ?? ""])
        case "assigned":
            let name = event.toValue.flatMap(UUID.init(uuidString:)).flatMap { people[$0] } ?? req.t("timeline.nobody")
            return req.t("timeline.assigned", ["name": name])
        case "merged": return req.t("timeline.merged", ["to": event.toValue ?? ""])
        case "mail_bounce": return req.t("timeline.mail_bounce", ["to": event.toValue ?? "", "status": event.reason ?? ""])
        default: return event.kind
        }
    }
}

struct StaffForm: Content {
    var action: String
    var number: String?
    var minutes: String?
    var billable: String?
    var note: String?
}
