import Fluent
import Foundation
import KeelDomain
import Vapor

/// A check's incident ticket, for heartbeats and active checks alike: which one is open, and
/// carrying out what `IncidentPolicy` decided about a status change.
enum CheckIncidents {
    /// The check's incident while it is open (a resolved or closed one no longer counts).
    static func open(of check: MonitorCheck, on db: any Database) async throws -> Ticket? {
        try await check.incidentTicketID.asyncFlatMap { try await Ticket.find($0, on: db) }
            .flatMap { ticket -> Ticket? in ["resolved", "closed"].contains(ticket.status) ? nil : ticket }
    }

    /// Opens the incident in the check creator's name and language (`text` gives its title
    /// and body), resolves it, or notes the change on it.
    static func carry(_ decision: IncidentDecision, for check: MonitorCheck, open: Ticket?, from: String, to: String, at: Date,
                      app: Application, text: (Language) -> (title: String, body: String)) async throws {
        switch decision {
        case .openTicket:
            guard let creator = try await User.find(check.createdBy, on: app.db), creator.active else {
                app.logger.warning("monitoring incident without an active owner", metadata: ["check": "\(check.id?.uuidString ?? "")"])
                return
            }
            let context = try await RequestContext.make(user: creator, on: app.db, via: "monitoring", credentialID: nil, address: nil)
            let words = text(creator.language.flatMap(Language.init(rawValue:)) ?? .en)
            let input = TicketCreate(title: String(words.title.prefix(200)), body: words.body, organizationId: check.organizationID.uuidString,
                                     impact: check.impact, urgency: check.urgency)
            let row = check
            _ = try await TicketService(application: app, context: context).create(input, defaultChannel: "monitoring") { db, ticket in
                row.incidentTicketID = ticket.id
                try await row.update(on: db)
            }
        case .resolveOpen:
            if let open { try await MonitoringTickets.resolve(open, note: check.name, app: app) }
        case .appendToOpen:
            if let open {
                try await app.write { db in
                    try await TicketHistory.record(on: db.sql, ticket: open, kind: "monitoring", from: from, to: to, reason: check.name,
                                                   actor: nil, isPublic: false, at: at)
                }
            }
        case .recordOnly:
            break
        }
    }
}
