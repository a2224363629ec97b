import Fluent
import Foundation
import SQLKit
import KeelDomain
import Vapor

/// Ticket use cases. Each runs in one write transaction with its history entry, its SLA
/// recomputation and its audit row, as explicit steps.
struct TicketService {
    let application: Application
    let db: any Database
    let context: RequestContext

    init(_ request: Request) throws {
        self.application = request.application
        self.db = request.db
        self.context = try request.requireContext()
    }

    /// For work that arrives without an HTTP request (mail), acting as `context`'s person.
    init(application: Application, context: RequestContext) {
        self.application = application
        self.db = application.db
        self.context = context
    }

    private var tenant: TenantData { TenantData(context, db: db) }
    private var isStaff: Bool { context.isProviderStaff }

    /// Work that must commit with the ticket change, in the same transaction (an inbound
    /// mail marked processed together with the ticket it made, say).
    typealias InTransaction = @Sendable (any Database, Ticket) async throws -> Void

    /// An organisation's reference data for new tickets.
    private struct CreationTerms {
        let timezone: String
        let policy: SLAPolicy
        let matrix: PriorityMatrix
    }

    struct Created {
        let ticket: Ticket
        /// The SLA policy in force for it, for the response.
        let policy: SLAPolicy
    }

    func create(_ input: TicketCreate, defaultChannel: String, inTransaction: InTransaction? = nil) async throws -> Created {
        guard let title = FieldRules.cleanText(input.title ?? "", maximum: 200) else { throw KeelError.validation("title", "title_invalid") }
        let body = (input.body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard body.count <= 100_000 else { throw KeelError.validation("body", "text_too_long", values: ["max": "100000"]) }
        let impact = try TicketRules.impact(input.impact ?? "user")
        let urgency = try TicketRules.urgency(input.urgency ?? "medium")
        let chosen: UUID?
        if let raw = input.organizationId, !raw.isEmpty {
            chosen = UUID(uuidString: raw)
        } else if let own = context.user.organizationID {
            chosen = own
        } else {
            throw KeelError.validation("organizationId", "organization_required")
        }
        // What every new ticket of the organisation reads, kept between writes (`references`),
        // read through the hot readers on SQLite (`hotRead`). The scope check is never cached.
        let tenant = self.tenant, application = self.application, db = self.db
        let organizationID = try tenant.inScope(chosen)
        let terms = try await application.references.value("ticket-terms:\(organizationID)") {
            try await application.hotRead(or: db) { sql in
                CreationTerms(timezone: try await tenant.organizationTimezone(organizationID, on: sql),
                              policy: try await SLAPolicies.effective(for: organizationID, on: sql).0,
                              matrix: try await PriorityMatrixSetting.current(on: sql).0)
            }
        }
        var requesterID = context.user.id
        if let raw = input.requesterId, !raw.isEmpty, raw.lowercased() != context.user.id.uuidString.lowercased() {
            guard isStaff || context.role == .clientAdmin else { throw KeelError.validation("requesterId", "role_not_allowed") }
            let person = try await tenant.user(UUID(uuidString: raw))
            guard person.$organization.id == organizationID, person.active else { throw KeelError.validation("requesterId", "requester_invalid") }
            requesterID = try person.requireID()
        }
        // A channel the caller names is checked; the default is the server's own word (mail, portal…).
        let channel = try input.channel.map { try TicketRules.channel($0, staff: isStaff) } ?? defaultChannel
        var siteID: UUID?
        if let raw = input.siteId, !raw.isEmpty {
            siteID = try await tenant.site(UUID(uuidString: raw), in: organizationID).requireID()
        }
        let category = try await TicketRules.category(input.category, on: db)
        let assetIDs = try await TicketAssets.resolve(input.assetIds, organizationID: organizationID, tenant: tenant)
        let now = Date()
        let ticket = Ticket()
        ticket.id = OrderedID.make(at: now)
        ticket.$organization.id = organizationID
        ticket.$site.id = siteID
        ticket.title = title
        ticket.body = body
        ticket.status = TicketStatus.new.rawValue
        ticket.impact = impact.rawValue
        ticket.urgency = urgency.rawValue
        ticket.category = category
        ticket.$requester.id = requesterID
        ticket.channel = channel
        ticket.slaState = "ok"
        ticket.createdAt = now
        ticket.updatedAt = now
        let sla = application.sla
        let calendar = try await application.references.value("ticket-calendar:\(organizationID):\(siteID?.uuidString ?? "")") {
            try await application.hotRead(or: db) { sql in
                try await sla.calendar(organizationID: organizationID, siteID: siteID, timezone: terms.timezone, on: sql)
            }
        }
        ticket.setPriority(terms.matrix.priority(impact: impact, urgency: urgency))
        sla.initialize(ticket, calendar: calendar, policy: terms.policy, now: now)
        let policy = terms.policy
        var changes = ChangeSet()
        changes.created(["title": title, "priority": ticket.priority, "channel": channel, "organizationId": organizationID.uuidString.lowercased()])
        let audit = changes
        let actor = context.actor
        let rows: HotWriteQueue.Work = { sql in
            ticket.number = try await TicketNumbers.next(on: sql)
            try await ticket.insert(on: sql)
            try await TicketHistory.record(on: sql, ticket: ticket, kind: "created", from: nil, to: TicketStatus.new.rawValue,
                                           actor: actor.userID, isPublic: true, at: now)
            // The requester's acknowledgement, with the number and the SLA targets.
            try await Notifier.notify([ticket.$requester.id], about: ticket, kind: "created", except: nil, on: sql, at: now)
            try await AuditLog.append(on: sql, actor: actor, organizationID: organizationID, action: "ticket.create",
                                      entityType: "ticket", entityID: ticket.id?.uuidString.lowercased(), changes: audit)
        }
        if let hot = application.hotSQLite, assetIDs.isEmpty, inTransaction == nil {
            // The desk's busiest write: on SQLite it shares a transaction with the tickets
            // arriving at the same moment, on a connection that keeps its statements prepared.
            try await hot.write(rows)
        } else {
            try await application.write { db in
                try await rows(db.sql)
                try await TicketAssets.insert(assetIDs, ticket: ticket, by: actor.userID, on: db, at: now)
                try await inTransaction?(db, ticket)
            }
        }
        return Created(ticket: ticket, policy: policy)
    }

    /// Staff changes: status, impact/urgency/priority (with a reason), category, assignee, site, title.
    func update(_ id: UUID, _ patch: TicketPatch) async throws -> Ticket {
        let ticket = try await tenant.ticket(id)
        guard isStaff else { throw KeelError.forbidden }
        let now = Date()
        var changes = ChangeSet()
        var history: [(kind: String, from: String?, to: String?, reason: String?, isPublic: Bool)] = []
        if let raw = patch.title {
            guard let title = FieldRules.cleanText(raw, maximum: 200) else { throw KeelError.validation("title", "title_invalid") }
            changes.record("title", before: ticket.title, after: title)
            ticket.title = title
        }
        if let raw = patch.status {
            guard let target = TicketStatus(rawValue: raw) else { throw KeelError.validation("status", "status_invalid") }
            let current = TicketStatus(rawValue: ticket.status) ?? .new
            if target != current {
                try TicketRules.transition(from: current, to: target)
                changes.record("status", before: current.rawValue, after: target.rawValue)
                history.append(("status", current.rawValue, target.rawValue, nil, true))
                ticket.status = target.rawValue
                if target == .resolved { ticket.resolvedAt = now }
                if target == .closed { ticket.closedAt = now }
                if target == .open && current == .resolved { ticket.resolvedAt = nil }
            }
        }
        var impact = try TicketRules.impact(ticket.impact), urgency = try TicketRules.urgency(ticket.urgency)
        if let raw = patch.impact { impact = try TicketRules.impact(raw) }
        if let raw = patch.urgency { urgency = try TicketRules.urgency(raw) }
        var priority = try await PriorityMatrixSetting.current(on: db.sql).0.priority(impact: impact, urgency: urgency)
        if let raw = patch.priority {
            guard let chosen = Priority(rawValue: raw) else { throw KeelError.validation("priority", "priority_invalid") }
            priority = chosen
        }
        if impact.rawValue != ticket.impact || urgency.rawValue != ticket.urgency || priority.rawValue != ticket.priority {
            let reason = FieldRules.cleanText(patch.reason ?? "", maximum: 500)
            if priority.rawValue != ticket.priority && reason == nil { throw KeelError.validation("reason", "reason_required") }
            changes.record("impact", before: ticket.impact, after: impact.rawValue)
            changes.record("urgency", before: ticket.urgency, after: urgency.rawValue)
            changes.record("priority", before: ticket.priority, after: priority.rawValue)
            if priority.rawValue != ticket.priority {
                history.append(("priority", ticket.priority, priority.rawValue, reason, false))
            }
            ticket.impact = impact.rawValue
            ticket.urgency = urgency.rawValue
            ticket.setPriority(priority)
        }
        if let raw = patch.category {
            let category = try await TicketRules.category(raw, on: db)
            changes.record("category", before: ticket.category, after: category)
            ticket.category = category
        }
        if let raw = patch.assigneeId {
            var assignee: UUID?
            if !raw.isEmpty {
                let person = try await tenant.user(UUID(uuidString: raw))
                guard person.roleValue.isProviderStaff, person.active else { throw KeelError.validation("assigneeId", "assignee_invalid") }
                assignee = try person.requireID()
                try await TicketRules.requireAccess(of: person, to: ticket.$organization.id, on: db)
            }
            if assignee != ticket.$assignee.id {
                changes.record("assigneeId", before: ticket.$assignee.id?.uuidString.lowercased(), after: assignee?.uuidString.lowercased())
                history.append(("assigned", ticket.$assignee.id?.uuidString.lowercased(), assignee?.uuidString.lowercased(), nil, false))
                ticket.$assignee.id = assignee
            }
        }
        if let raw = patch.siteId {
            let site: UUID? = raw.isEmpty ? nil : try await tenant.site(UUID(uuidString: raw), in: ticket.$organization.id).requireID()
            changes.record("siteId", before: ticket.$site.id?.uuidString.lowercased(), after: site?.uuidString.lowercased())
            ticket.$site.id = site
        }
        guard !changes.isEmpty else { return ticket }
        ticket.updatedAt = now
        var notify: [(users: [UUID?], kind: String)] = []
        if history.contains(where: { $0.kind == "assigned" }) { notify.append(([ticket.$assignee.id], "assigned")) }
        if history.contains(where: { $0.kind == "status" && $0.to == TicketStatus.resolved.rawValue }) {
            notify.append(([ticket.$requester.id], "resolved"))
        }
        if history.contains(where: { $0.kind == "status" && $0.to == TicketStatus.pendingCustomer.rawValue }) {
            notify.append(([ticket.$requester.id], "waiting"))
        }
        try await save(ticket, changes: changes, history: history, action: "ticket.update", now: now, notify: notify)
        return ticket
    }

    /// A public reply or internal note. The first public staff reply is the first response;
    /// a requester's reply moves a waiting or resolved ticket back to open.
    func comment(on id: UUID, _ input: CommentInput, inTransaction: InTransaction? = nil) async throws -> TicketComment {
        let ticket = try await tenant.ticket(id)
        let body = input.body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty, body.count <= 100_000 else { throw KeelError.validation("body", "comment_invalid") }
        let internalNote = input.internal ?? false
        if internalNote && !isStaff { throw KeelError.validation("internal", "role_not_allowed") }
        let now = Date()
        let status = TicketStatus(rawValue: ticket.status) ?? .new
        if status == .closed { throw KeelError.conflict("ticket_closed") }
        var history: [(kind: String, from: String?, to: String?, reason: String?, isPublic: Bool)] = []
        var changes = ChangeSet()
        if isStaff && !internalNote {
            if ticket.firstRespondedAt == nil { ticket.firstRespondedAt = now }
            if status == .new {
                ticket.status = TicketStatus.open.rawValue
                history.append(("status", status.rawValue, TicketStatus.open.rawValue, nil, true))
            }
        } else if !isStaff, let next = TicketStatus.requesterReplyEffect(status), next != status {
            ticket.status = next.rawValue
            if status == .resolved { ticket.resolvedAt = nil }
            history.append(("status", status.rawValue, next.rawValue, nil, true))
        }
        let comment = TicketComment()
        comment.id = UUID()
        comment.$ticket.id = try ticket.requireID()
        comment.$author.id = context.user.id
        comment.body = body
        comment.isInternal = internalNote
        comment.byStaff = isStaff
        comment.createdAt = now
        changes.created(["internal": String(internalNote), "length": String(body.count)])
        if ticket.status != status.rawValue { changes.record("status", before: status.rawValue, after: ticket.status) }
        ticket.updatedAt = now
        var notify: [(users: [UUID?], kind: String)] = []
        if isStaff && !internalNote { notify.append(([ticket.$requester.id], "reply")) }
        if !isStaff { notify.append(([ticket.$assignee.id], "customer_reply")) }
        try await save(ticket, changes: changes, history: history, action: internalNote ? "ticket.note" : "ticket.reply",
                       now: now, extra: comment, notify: notify, detail: internalNote ? nil : body, inTransaction: inTransaction)
        return comment
    }

    func logTime(on id: UUID, _ input: TimeEntryInput) async throws -> TimeEntry {
        let ticket = try await tenant.ticket(id)
        guard isStaff else { throw KeelError.forbidden }
        guard (1...24 * 60).contains(input.minutes) else { throw KeelError.validation("minutes", "minutes_invalid") }
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 2000 else { throw KeelError.validation("note", "text_too_long", values: ["max": "2000"]) }
        let entry = TimeEntry()
        entry.$ticket.id = try ticket.requireID()
        entry.$user.id = context.user.id
        entry.minutes = input.minutes
        entry.billable = input.billable ?? true
        entry.note = note
        entry.at = Date()
        var changes = ChangeSet()
        changes.created(["minutes": String(entry.minutes), "billable": String(entry.billable)])
        let audit = changes, actor = context.actor, organizationID = ticket.$organization.id
        try await application.write { db in
            try await entry.create(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "ticket.time",
                                      entityType: "ticket", entityID: ticket.id?.uuidString.lowercased(), changes: audit)
        }
        return entry
    }

    /// Closes `id` as a duplicate of `target` (same organisation), with a note on both.
    func merge(_ id: UUID, into targetID: UUID) async throws -> Ticket {
        let ticket = try await tenant.ticket(id)
        let target = try await tenant.ticket(targetID)
        guard isStaff else { throw KeelError.forbidden }
        guard ticket.id != target.id, ticket.$organization.id == target.$organization.id, target.mergedIntoID == nil else {
            throw KeelError.validation("targetId", "merge_invalid")
        }
        guard ticket.status != TicketStatus.closed.rawValue else { throw KeelError.conflict("ticket_closed") }
        let now = Date()
        let previous = ticket.status
        ticket.mergedIntoID = target.id
        ticket.status = TicketStatus.closed.rawValue
        ticket.closedAt = now
        ticket.updatedAt = now
        var changes = ChangeSet()
        changes.record("mergedIntoId", before: nil, after: target.id?.uuidString.lowercased())
        changes.record("status", before: previous, after: ticket.status)
        try await save(ticket, changes: changes,
                       history: [("merged", String(ticket.number), String(target.number), nil, true)],
                       action: "ticket.merge", now: now)
        return ticket
    }

    func link(_ id: UUID, to otherID: UUID) async throws {
        let ticket = try await tenant.ticket(id)
        let other = try await tenant.ticket(otherID)
        guard isStaff else { throw KeelError.forbidden }
        guard ticket.id != other.id else { throw KeelError.validation("otherId", "link_invalid") }
        let exists = try await TicketLink.query(on: db).filter(\.$ticket.$id == ticket.requireID())
            .filter(\.$other.$id == other.requireID()).first() != nil
        guard !exists else { return }
        var changes = ChangeSet()
        changes.record("linked", before: nil, after: "#\(other.number)")
        let actor = context.actor, organizationID = ticket.$organization.id
        let (a, b) = (try ticket.requireID(), try other.requireID())
        let audit = changes
        try await application.write { db in
            for (from, to) in [(a, b), (b, a)] {
                let link = TicketLink()
                link.$ticket.id = from
                link.$other.id = to
                try await link.create(on: db)
            }
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "ticket.link",
                                      entityType: "ticket", entityID: a.uuidString.lowercased(), changes: audit)
        }
    }

    private func save(_ ticket: Ticket, changes: ChangeSet,
                      history: [(kind: String, from: String?, to: String?, reason: String?, isPublic: Bool)],
                      action: String, now: Date, extra: TicketComment? = nil,
                      notify: [(users: [UUID?], kind: String)] = [], detail: String? = nil,
                      inTransaction: InTransaction? = nil) async throws {
        let actor = context.actor
        let engine = application.sla
        let audit = changes
        try await application.write { db in
            try await ticket.update(on: db)
            if let extra { try await extra.create(on: db) }
            for entry in history {
                try await TicketHistory.record(on: db.sql, ticket: ticket, kind: entry.kind, from: entry.from, to: entry.to,
                                               reason: entry.reason, actor: actor.userID, isPublic: entry.isPublic, at: now)
            }
            try await engine.recompute(ticket, on: db, now: now)
            for note in notify {
                try await Notifier.notify(note.users, about: ticket, kind: note.kind, except: actor.userID, on: db.sql, at: now,
                                          detail: detail)
            }
            try await AuditLog.append(on: db, actor: actor, organizationID: ticket.$organization.id, action: action,
                                      entityType: "ticket", entityID: ticket.id?.uuidString.lowercased(), changes: audit)
            try await inTransaction?(db, ticket)
        }
    }
}

enum TicketHistory {
    static func record(on sql: any SQLDatabase, ticket: Ticket, kind: String, from: String?, to: String?, reason: String? = nil,
                       actor: UUID?, isPublic: Bool, at: Date) async throws {
        // Plain SQL: every ticket change writes one of these.
        try await sql.raw("""
            INSERT INTO ticket_events (id, ticket_id, kind, from_value, to_value, reason, actor_id, public, at)
            VALUES (\(bind: OrderedID.make(at: at)), \(bind: ticket.requireID()), \(bind: kind), \(bind: from), \(bind: to), \(bind: reason),
                    \(bind: actor), \(bind: isPublic), \(bind: at))
            """).run()
    }
}
