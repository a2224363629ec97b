import Fluent
import Foundation
import KeelDomain
import Vapor

struct AssetLifecycleOut: Content {
    let from: String?
    let to: String
    let at: Date
    let by: String
    let note: String
}

struct AssetTicketOut: Content {
    let id: UUID
    let number: Int
    let title: String
    let status: String
    let priority: String
    let createdAt: Date?
}

struct TicketAssetInput: Content {
    var assetId: String?
}

/// Hand-kept parts of the ledger over HTTP: create and edit assets, lifecycle moves with
/// who and when, and the links between tickets and assets (both directions).
enum AssetLedgerAPI {
    static func register(_ api: API) {
        api.on(.POST, "assets", "Add an asset by hand (network device, printer, phone, subscription…)", tag: "assets",
               body: "AssetInput", response: "Asset", status: 201) { req in
            let asset = try await AssetLedger(req).create(try req.content.decode(AssetInput.self))
            return try await AssetOut(asset).response(status: .created, for: req)
        }
        api.on(.PATCH, "assets/{assetID}", "Edit an asset; a new lifecycleState is a checked, recorded move", tag: "assets",
               body: "AssetInput", response: "Asset") { req in
            let id = try req.idParameter("assetID")
            let input = try req.content.decode(AssetInput.self)
            return AssetOut(try await AssetLedger(req).update(id, input))
        }
        api.on(.GET, "assets/{assetID}/lifecycle", "Lifecycle moves with dates and who made them", tag: "assets",
               response: "AssetLifecycleList") { req in
            let asset = try await req.tenant.asset(try req.idParameter("assetID"))
            let rows = try await AssetLifecycleEvent.query(on: req.db).filter(\.$asset.$id == asset.requireID()).sort(\.$at).limit(1000).all()
            return ListPage(items: rows.map { AssetLifecycleOut(from: $0.fromState, to: $0.toState, at: $0.at, by: $0.byLabel, note: $0.note) },
                            nextCursor: nil)
        }
        api.on(.GET, "assets/{assetID}/tickets", "Tickets about this asset that the caller may see", tag: "assets",
               response: "AssetTicketList") { req in
            let asset = try await req.tenant.asset(try req.idParameter("assetID"))
            let tickets = try await req.tenant.tickets(about: asset.requireID()).sort(\.$createdAt, .descending).limit(500).all()
            return ListPage(items: tickets.map(ticketOut), nextCursor: nil)
        }
        api.on(.GET, "tickets/{ticketID}/assets", "Assets this ticket is about", tag: "tickets", response: "AssetList") { req in
            let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
            let assets = try await req.tenant.assets(of: ticket.requireID()).sort(\.$name).limit(500).all()
            return ListPage(items: assets.map { AssetOut($0) }, nextCursor: nil)
        }
        api.on(.POST, "tickets/{ticketID}/assets", "Link an asset of the ticket's organisation", tag: "tickets",
               body: "TicketAssetInput", response: "AssetList", status: 201) { req in
            let context = try req.requireContext()
            let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
            let input = try req.content.decode(TicketAssetInput.self)
            guard let raw = input.assetId, let assetID = UUID(uuidString: raw) else { throw KeelError.validation("assetId", "asset_invalid") }
            try await TicketAssets.link(ticket, assetIDs: [assetID], tenant: req.tenant, context: context, app: req.application)
            let assets = try await req.tenant.assets(of: ticket.requireID()).sort(\.$name).limit(500).all()
            return try await ListPage(items: assets.map { AssetOut($0) }, nextCursor: nil).response(status: .created, for: req)
        }
        api.on(.DELETE, "tickets/{ticketID}/assets/{assetID}", "Unlink an asset", tag: "tickets", status: 204) { req in
            let context = try req.requireContext()
            let ticket = try await req.tenant.ticket(try req.idParameter("ticketID"))
            let asset = try await req.tenant.asset(try req.idParameter("assetID"))
            try await TicketAssets.unlink(ticket, asset, context: context, app: req.application)
            return HTTPStatus.noContent
        }
    }

    static func ticketOut(_ ticket: Ticket) -> AssetTicketOut {
        AssetTicketOut(id: ticket.id!, number: ticket.number, title: ticket.title, status: ticket.status, priority: ticket.priority,
                       createdAt: ticket.createdAt)
    }
}

/// Links between tickets and assets. Both must be visible to the caller and belong to the
/// same organisation; staff, the organisation's admins and the ticket's requester may link.
enum TicketAssets {
    static func mayEdit(_ ticket: Ticket, context: RequestContext) -> Bool {
        context.isProviderStaff || context.role == .clientAdmin || ticket.$requester.id == context.user.id
    }

    /// The assets to link on a new ticket, checked before the ticket is written.
    static func resolve(_ raw: [String]?, organizationID: UUID, tenant: TenantData) async throws -> [UUID] {
        guard let raw, !raw.isEmpty else { return [] }
        guard raw.count <= 50 else { throw KeelError.validation("assetIds", "asset_invalid") }
        var ids: [UUID] = []
        for value in raw {
            guard let id = UUID(uuidString: value) else { throw KeelError.validation("assetIds", "asset_invalid") }
            if !ids.contains(id) { ids.append(id) }
        }
        // One query: every asset must be visible to the caller and of the ticket's organisation.
        let found = try await tenant.assets().filter(\.$id ~~ ids).all()
        guard found.count == ids.count else { throw KeelError.notFound }
        guard found.allSatisfy({ $0.$organization.id == organizationID }) else {
            throw KeelError.validation("assetIds", "asset_other_organization")
        }
        return ids
    }

    /// Inserts link rows for checked asset ids inside the caller's transaction.
    static func insert(_ assetIDs: [UUID], ticket: Ticket, by userID: UUID?, on db: any Database, at now: Date) async throws {
        for assetID in assetIDs {
            let link = TicketAsset()
            link.ticketID = try ticket.requireID()
            link.assetID = assetID
            link.organizationID = ticket.$organization.id
            link.createdBy = userID
            link.createdAt = now
            try await link.create(on: db)
        }
    }

    static func link(_ ticket: Ticket, assetIDs: [UUID], tenant: TenantData, context: RequestContext, app: Application) async throws {
        guard mayEdit(ticket, context: context) else { throw KeelError.forbidden }
        let ids = try await resolve(assetIDs.map(\.uuidString), organizationID: ticket.$organization.id, tenant: tenant)
        let ticketID = try ticket.requireID()
        let existing = Set(try await TicketAsset.query(on: tenant.db).filter(\.$ticketID == ticketID).all().map(\.assetID))
        let fresh = ids.filter { !existing.contains($0) }
        guard !fresh.isEmpty else { return }
        let actor = context.actor, now = Date()
        try await app.write { db in
            try await insert(fresh, ticket: ticket, by: actor.userID, on: db, at: now)
            try await AuditLog.append(on: db, actor: actor, organizationID: ticket.$organization.id, action: "ticket.asset_link",
                                      entityType: "ticket", entityID: ticketID.uuidString.lowercased(),
                                      changes: .single("assets", before: nil, after: fresh.map { $0.uuidString.lowercased() }.joined(separator: ",")))
        }
    }

    static func unlink(_ ticket: Ticket, _ asset: Asset, context: RequestContext, app: Application) async throws {
        guard mayEdit(ticket, context: context) else { throw KeelError.forbidden }
        let ticketID = try ticket.requireID(), assetID = try asset.requireID()
        let actor = context.actor
        try await app.write { db in
            guard let link = try await TicketAsset.query(on: db).filter(\.$ticketID == ticketID).filter(\.$assetID == assetID).first() else {
                throw KeelError.notFound
            }
            try await link.delete(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: ticket.$organization.id, action: "ticket.asset_unlink",
                                      entityType: "ticket", entityID: ticketID.uuidString.lowercased(),
                                      changes: .single("assets", before: assetID.uuidString.lowercased(), after: nil))
        }
    }
}
