import Fluent
import Foundation
import KeelDomain
import SQLKit
import Vapor

/// One alert as Keel knows it: the per-fingerprint state of an organisation's alert, and the
/// incident ticket it opened. The last notification key makes intake idempotent.
final class AlertState: Model, @unchecked Sendable {
    static let schema = "alert_states"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "source") var source: String
    @Field(key: "fingerprint") var fingerprint: String
    @Field(key: "status") var status: String
    @Field(key: "title") var title: String
    @Field(key: "last_key") var lastKey: String
    @OptionalField(key: "ticket_id") var ticketID: UUID?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// Every webhook body as it arrived, kept whatever becomes of it.
final class AlertDelivery: Model, @unchecked Sendable {
    static let schema = "alert_deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "body") var body: String

    init() {}
}

struct CreateAlerts: AsyncMigration {
    var name: String { "014_CreateAlerts" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AlertState.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id))
            .field("source", .string, .required)
            .field("fingerprint", .string, .required)
            .field("status", .string, .required)
            .field("title", .string, .required)
            .field("last_key", .string, .required)
            .field("ticket_id", .uuid)
            .field("updated_at", .datetime, .required)
            .unique(on: "organization_id", "source", "fingerprint")
            .create()
        try await database.schema(AlertDelivery.schema)
            .id()
            .field("organization_id", .uuid, .required)
            .field("received_at", .datetime, .required)
            .field("body", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AlertDelivery.schema).delete()
        try await database.schema(AlertState.schema).delete()
    }
}

struct AlertIntakeOut: Content {
    let received: Int
    let opened: Int
    let resolved: Int
    let unchanged: Int
}

/// `POST /api/v1/integrations/alertmanager` (webhook version 4) with an integration token of
/// the organisation: a firing alert opens one incident ticket (channel `monitoring`) or is a
/// repeat of one already open; a resolved alert closes the loop with a note and resolves the
/// ticket. Alertmanager re-sends and retries, so every step is keyed by fingerprint.
enum AlertIntake {
    static func register(_ api: API) {
        api.on(.POST, "integrations/alertmanager", "Alertmanager webhook (version 4); integration token of the organisation",
               tag: "monitoring", body: "AlertmanagerWebhook", maxBody: 4 << 20, response: "AlertIntakeOut") { req in
            let context = try req.requireContext()
            guard let organizationID = context.integrationOrganizationID else { throw KeelError(.forbidden, "integration_token_required") }
            guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw KeelError(.badRequest, "malformed_body") }
            let data = Data(buffer: buffer)
            let webhook: AlertmanagerWebhook
            do {
                webhook = try AlertmanagerWebhook.decode(data)
            } catch let error as DecodingError {
                throw KeelErrorMiddleware.classify(error)
            }
            guard webhook.isSupportedVersion else { throw KeelError.validation("version", "alertmanager_version") }
            let delivery = AlertDelivery()
            delivery.organizationID = organizationID
            delivery.receivedAt = Date()
            delivery.body = String(decoding: data, as: UTF8.self)
            try await req.application.write { db in try await delivery.create(on: db) }
            return try await handle(webhook.signals(), organizationID: organizationID, context: context, app: req.application)
        }
    }

    static func handle(_ signals: [AlertSignal], organizationID: UUID, context: RequestContext, app: Application) async throws -> AlertIntakeOut {
        var opened = 0, resolved = 0, unchanged = 0
        for signal in signals {
            let existing = try await AlertState.query(on: app.db).filter(\.$organizationID == organizationID)
                .filter(\.$source == "alertmanager").filter(\.$fingerprint == signal.fingerprint).first()
            if existing?.lastKey == signal.idempotencyKey { unchanged += 1; continue }
            let open = try await openTicket(existing?.ticketID, on: app.db)
            let decision = IncidentPolicy.decide(signal: signal, openIncidentExists: open != nil, inMaintenance: false, autoResolve: true)
            let state = existing ?? AlertState()
            state.organizationID = organizationID
            state.source = "alertmanager"
            state.fingerprint = String(signal.fingerprint.prefix(200))
            state.status = signal.status.rawValue
            state.title = String(signal.title.prefix(200))
            state.lastKey = signal.idempotencyKey
            state.updatedAt = Date()
            switch decision {
            case .openTicket:
                let body = ([signal.title] + signal.annotations.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                            + signal.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                            + (signal.generatorURL.isEmpty ? [] : [signal.generatorURL])).joined(separator: "\n")
                let input = TicketCreate(title: state.title, body: String(body.prefix(100_000)), organizationId: organizationID.uuidString,
                                         impact: signal.impact.rawValue, urgency: signal.urgency.rawValue)
                let row = state
                _ = try await TicketService(application: app, context: context).create(input, defaultChannel: "monitoring") { db, ticket in
                    row.ticketID = ticket.id
                    try await row.save(on: db)
                }
                opened += 1
                continue
            case .resolveOpen:
                if let open { try await MonitoringTickets.resolve(open, note: signal.title, app: app) }
                resolved += 1
            case .appendToOpen, .recordOnly:
                unchanged += 1
            }
            try await app.write { db in try await state.save(on: db) }
        }
        return AlertIntakeOut(received: signals.count, opened: opened, resolved: resolved, unchanged: unchanged)
    }

    private static func openTicket(_ id: UUID?, on db: any Database) async throws -> Ticket? {
        guard let id, let ticket = try await Ticket.find(id, on: db) else { return nil }
        let status = TicketStatus(rawValue: ticket.status) ?? .new
        return status == .resolved || status == .closed ? nil : ticket
    }
}

/// Changes monitoring makes to its own incident tickets, as the system.
enum MonitoringTickets {
    /// Recovery: the ticket is resolved with a public history entry and the requester told.
    static func resolve(_ ticket: Ticket, note: String, app: Application) async throws {
        let current = TicketStatus(rawValue: ticket.status) ?? .new
        guard current != .resolved, current != .closed else { return }
        try TicketRules.transition(from: current, to: .resolved)
        let now = Date()
        ticket.status = TicketStatus.resolved.rawValue
        ticket.resolvedAt = now
        ticket.updatedAt = now
        let actor = AuditActor(userID: nil, label: "monitoring", via: "monitoring", credentialID: nil, address: nil)
        let engine = app.sla
        try await app.write { db in
            try await ticket.update(on: db)
            try await TicketHistory.record(on: db.sql, ticket: ticket, kind: "status", from: current.rawValue, to: TicketStatus.resolved.rawValue,
                                           reason: String(note.prefix(300)), actor: nil, isPublic: true, at: now)
            try await engine.recompute(ticket, on: db, now: now)
            try await Notifier.notify([ticket.$requester.id, ticket.$assignee.id], about: ticket, kind: "resolved", except: nil, on: db.sql, at: now)
            try await AuditLog.append(on: db, actor: actor, organizationID: ticket.$organization.id, action: "ticket.monitoring_resolve",
                                      entityType: "ticket", entityID: ticket.id?.uuidString.lowercased(),
                                      changes: .single("status", before: current.rawValue, after: TicketStatus.resolved.rawValue))
        }
    }
}
