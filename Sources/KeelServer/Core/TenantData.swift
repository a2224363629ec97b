import Fluent
import FluentSQL
import Foundation
import KeelDomain
import SQLKit
import Vapor

/// The only way handlers reach tenant data: every query here is built from the caller's
/// scope, and a row outside it is indistinguishable from one that does not exist (404).
struct TenantData {
    let db: any Database
    let scope: OrganizationScope
    let seesProviderStaff: Bool
    let role: Role
    let userID: UUID

    init(_ context: RequestContext, db: any Database) {
        self.db = db
        self.scope = context.scope
        self.seesProviderStaff = context.isProviderStaff
        self.role = context.role
        self.userID = context.user.id
    }

    /// Tickets of organisations in scope; a client employee sees only their own requests.
    func tickets() -> QueryBuilder<Ticket> {
        let query = Ticket.query(on: db)
        if let ids = scope.restriction { query.filter(\.$organization.$id ~~ Array(ids)) }
        if role == .clientUser { query.filter(\.$requester.$id == userID) }
        return query
    }

    func ticket(_ id: UUID?) async throws -> Ticket {
        guard let id, let found = try await tickets().filter(\.$id == id).first() else { throw KeelError.notFound }
        return found
    }

    /// A ticket's comments; internal notes exist only for provider staff.
    func comments(of ticketID: UUID?) -> QueryBuilder<TicketComment> {
        let query = TicketComment.query(on: db)
        if let ticketID {
            query.filter(\.$ticket.$id == ticketID)
        } else {
            // Across tickets: only comments on tickets the caller may see.
            query.join(Ticket.self, on: \TicketComment.$ticket.$id == \Ticket.$id)
            if let ids = scope.restriction { query.filter(Ticket.self, \.$organization.$id ~~ Array(ids)) }
            if role == .clientUser { query.filter(Ticket.self, \.$requester.$id == userID) }
        }
        if !seesProviderStaff { query.filter(\.$isInternal == false) }
        return query
    }

    /// An attachment of a ticket in scope; internal files only for provider staff.
    func attachment(_ id: UUID) async throws -> TicketAttachment {
        guard let attachment = try await TicketAttachment.find(id, on: db) else { throw KeelError.notFound }
        _ = try await ticket(attachment.$ticket.id)
        if attachment.isInternal && !seesProviderStaff { throw KeelError.notFound }
        return attachment
    }

    /// SQLite only: conditions on `ticket_search` for "contains `text`" in what the caller may
    /// read (internal notes only for provider staff); a document matches when any one does.
    /// Three characters or more go through the trigram index in one condition. Shorter terms
    /// (打印, 网络, "PC") are matched with LIKE, one condition a column: SQLite reads a
    /// column's documents newest first and stops once a window is full, which an OR of two
    /// columns would prevent.
    func searchConditions(_ text: String) -> [SQLQueryString] {
        if text.count < 3 {
            let pattern = "%" + text + "%"
            let open: SQLQueryString = "open_text LIKE \(bind: pattern)"
            return seesProviderStaff ? [open, "internal_text LIKE \(bind: pattern)"] : [open]
        }
        let phrase = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return ["ticket_search MATCH \(bind: seesProviderStaff ? phrase : "open_text : " + phrase)"]
    }

    /// Calendars of organisations in scope; the provider-wide default is for provider staff.
    func calendars() -> QueryBuilder<BusinessCalendarRecord> {
        let query = BusinessCalendarRecord.query(on: db)
        switch (scope.restriction, seesProviderStaff) {
        case (nil, true): break
        case (nil, false): query.filter(\.$organizationID != nil)
        case (let ids?, true):
            query.group(.or) { $0.filter(\.$organizationID ~~ Array(ids)).filter(\.$organizationID == nil) }
        case (let ids?, false): query.filter(\.$organizationID ~~ Array(ids))
        }
        return query
    }

    func calendar(_ id: UUID?) async throws -> BusinessCalendarRecord {
        guard let id, let found = try await calendars().filter(\.$id == id).first() else { throw KeelError.notFound }
        return found
    }

    /// History entries; internal ones (priority reasons, assignment) only for provider staff.
    func events(of ticketID: UUID) -> QueryBuilder<TicketEvent> {
        let query = TicketEvent.query(on: db).filter(\.$ticket.$id == ticketID)
        if !seesProviderStaff { query.filter(\.$isPublic == true) }
        return query
    }

    /// Assets of organisations in scope; a client employee sees the devices assigned to them.
    func assets() -> QueryBuilder<Asset> {
        let query = Asset.query(on: db)
        if let ids = scope.restriction { query.filter(\.$organization.$id ~~ Array(ids)) }
        if role == .clientUser { query.filter(\.$owner.$id == userID) }
        return query
    }

    func asset(_ id: UUID?) async throws -> Asset {
        guard let id, let found = try await assets().filter(\.$id == id).first() else { throw KeelError.notFound }
        return found
    }

    /// Tickets in scope linked to an asset (a client employee: their own requests only).
    func tickets(about assetID: UUID) -> QueryBuilder<Ticket> {
        tickets().join(TicketAsset.self, on: \Ticket.$id == \TicketAsset.$ticketID).filter(TicketAsset.self, \.$assetID == assetID)
    }

    /// Assets in scope linked to a ticket.
    func assets(of ticketID: UUID) -> QueryBuilder<Asset> {
        assets().join(TicketAsset.self, on: \Asset.$id == \TicketAsset.$assetID).filter(TicketAsset.self, \.$ticketID == ticketID)
    }

    /// One row per software product installed on assets in scope.
    struct SoftwareProduct: Decodable, Content {
        let catalogKey: String
        let name: String
        let publisher: String
        let devices: Int
        let versions: Int
    }

    /// The software catalogue of assets in scope (a client employee: their own devices), one
    /// grouped query: products, how many devices have them, how many version strings.
    func softwareCatalogue(organizationID: UUID?, contains text: String?, limit: Int = 2000) async throws -> [SoftwareProduct] {
        guard let sql = db as? any SQLDatabase else { return [] }
        let query = InstalledSoftware.joined(sql.select()
            .column(SQLColumn("catalog_key", table: "v"))
            .column(SQLAlias(SQLFunction("MIN", args: SQLColumn("name", table: "v")), as: SQLIdentifier("name")))
            .column(SQLAlias(SQLFunction("MIN", args: SQLColumn("publisher", table: "v")), as: SQLIdentifier("publisher")))
            .column(SQLAlias(SQLFunction("COUNT", args: SQLDistinct(SQLColumn("asset_id", table: "l"))), as: SQLIdentifier("devices")))
            .column(SQLAlias(SQLFunction("COUNT", args: SQLDistinct(SQLColumn("version", table: "v"))), as: SQLIdentifier("versions"))))
        if let ids = scope.restriction {
            query.where(SQLColumn("organization_id", table: "a"), .in, SQLBind.group(Array(ids)))
        }
        if role == .clientUser { query.where(SQLColumn("owner_id", table: "a"), .equal, SQLBind(userID)) }
        // Filtered on the assets' organisation: the planner starts from the organisation's
        // assets and reaches their software through the links' primary key.
        if let organizationID { query.where(SQLColumn("organization_id", table: "a"), .equal, SQLBind(organizationID)) }
        if let text, !text.isEmpty {
            // Catalogue keys are lower case, so a plain LIKE is case-blind on both databases.
            query.where(SQLColumn("catalog_key", table: "v"), .like, SQLBind(ContainsPattern.make(text.lowercased(), on: db).1))
        }
        return try await query.groupBy(SQLColumn("catalog_key", table: "v"))
            .orderBy(SQLColumn("catalog_key", table: "v")).limit(limit)
            .all().map { row in
                SoftwareProduct(catalogKey: try row.decode(column: "catalog_key", as: String.self),
                                name: try row.decode(column: "name", as: String.self),
                                publisher: try row.decode(column: "publisher", as: String.self),
                                devices: try row.decode(column: "devices", as: Int.self),
                                versions: try row.decode(column: "versions", as: Int.self))
            }
    }

    /// Maintenance windows of organisations in scope; client users see none (their admins do).
    func maintenanceWindows() -> QueryBuilder<MaintenanceWindowRecord> {
        let query = MaintenanceWindowRecord.query(on: db)
        if let ids = scope.restriction { query.filter(\.$organizationID ~~ Array(ids)) }
        if role == .clientUser { query.filter(.sql(SQLRaw("1 = 0"))) }
        return query
    }

    func maintenanceWindow(_ id: UUID?) async throws -> MaintenanceWindowRecord {
        guard let id, let found = try await maintenanceWindows().filter(\.$id == id).first() else { throw KeelError.notFound }
        return found
    }

    /// Software licences of organisations in scope; client users see none (their admins do).
    func licences() -> QueryBuilder<Licence> {
        let query = Licence.query(on: db)
        if let ids = scope.restriction { query.filter(\.$organizationID ~~ Array(ids)) }
        if role == .clientUser { query.filter(.sql(SQLRaw("1 = 0"))) }
        return query
    }

    func licence(_ id: UUID?) async throws -> Licence {
        guard let id, let found = try await licences().filter(\.$id == id).first() else { throw KeelError.notFound }
        return found
    }

    /// Monitoring checks of organisations in scope; client users see none (their admins do).
    func checks() -> QueryBuilder<MonitorCheck> {
        let query = MonitorCheck.query(on: db)
        if let ids = scope.restriction { query.filter(\.$organizationID ~~ Array(ids)) }
        if role == .clientUser { query.filter(.sql(SQLRaw("1 = 0"))) }
        return query
    }

    func check(_ id: UUID?) async throws -> MonitorCheck {
        guard let id, let found = try await checks().filter(\.$id == id).first() else { throw KeelError.notFound }
        return found
    }

    func organizations() -> QueryBuilder<Organization> {
        let query = Organization.query(on: db)
        if let ids = scope.restriction { query.filter(\.$id ~~ Array(ids)) }
        return query
    }

    func organization(_ id: UUID?) async throws -> Organization {
        guard let id, scope.contains(id), let found = try await organizations().filter(\.$id == id).first() else {
            throw KeelError.notFound
        }
        return found
    }

    /// An organisation's timezone, read with plain SQL on `sql` (ticket creation's hot path).
    func organizationTimezone(_ id: UUID?, on sql: any SQLDatabase) async throws -> String {
        let id = try inScope(id)
        guard let row = try await sql.raw("SELECT timezone FROM organizations WHERE id = \(bind: id)").first() else {
            throw KeelError.notFound
        }
        return try row.decode(column: "timezone", as: String.self)
    }

    /// An organisation id in the caller's scope (no read: whether it exists is the caller's next question).
    func inScope(_ id: UUID?) throws -> UUID {
        guard let id, scope.contains(id) else { throw KeelError.notFound }
        return id
    }

    func sites(of organizationID: UUID) async throws -> QueryBuilder<Site> {
        _ = try await organization(organizationID)
        return Site.query(on: db).filter(\.$organization.$id == organizationID)
    }

    func site(_ id: UUID?, in organizationID: UUID) async throws -> Site {
        guard let id, let found = try await sites(of: organizationID).filter(\.$id == id).first() else { throw KeelError.notFound }
        return found
    }

    /// People in organisations in scope; provider staff (no organisation) only for provider staff.
    func users() -> QueryBuilder<User> {
        let query = User.query(on: db)
        switch (scope.restriction, seesProviderStaff) {
        case (nil, true): break
        case (nil, false): query.filter(\.$organization.$id != nil)
        case (let ids?, true):
            query.group(.or) { $0.filter(\.$organization.$id ~~ Array(ids)).filter(\.$organization.$id == nil) }
        case (let ids?, false): query.filter(\.$organization.$id ~~ Array(ids))
        }
        return query
    }

    func user(_ id: UUID?) async throws -> User {
        guard let id, let found = try await users().filter(\.$id == id).first() else { throw KeelError.notFound }
        return found
    }

    /// Audit rows about organisations in scope; provider-wide rows only for provider staff.
    func auditEvents() -> QueryBuilder<AuditEvent> {
        let query = AuditEvent.query(on: db)
        switch (scope.restriction, seesProviderStaff) {
        case (nil, true): break
        case (nil, false): query.filter(\.$organizationID != nil)
        case (let ids?, true):
            query.group(.or) { $0.filter(\.$organizationID ~~ Array(ids)).filter(\.$organizationID == nil) }
        case (let ids?, false): query.filter(\.$organizationID ~~ Array(ids))
        }
        return query
    }
}

extension Request {
    var tenant: TenantData {
        get throws { TenantData(try requireContext(), db: db) }
    }

    /// The `q` search text, trimmed; nil when empty. Over 200 characters, or holding a NUL
    /// (which neither SQLite's full-text query parser nor PostgreSQL's text takes), it is refused.
    func searchText() throws -> String? {
        guard let text = query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.count > 200 { throw KeelError(.badRequest, "query_too_long", field: "q") }
        if text.unicodeScalars.contains("\0") { throw KeelError(.badRequest, "query_invalid", field: "q") }
        return text
    }

    /// A path id; a malformed one is simply not found.
    func idParameter(_ name: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else { throw KeelError.notFound }
        return id
    }
}

/// A page of a list: `{"items": [...], "nextCursor": "..." | null}`.
struct ListPage<Item: Content>: Content {
    let items: [Item]
    let nextCursor: String?

    init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// `nextCursor` is always present, `null` on the last page (API.md).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

struct ListQuery {
    let limit: Int
    let cursor: String?

    init(_ request: Request) throws {
        let raw = request.query[String.self, at: "limit"]
        if let raw {
            guard let value = Int(raw), (1...500).contains(value) else {
                throw KeelError(.badRequest, "invalid_limit", field: "limit")
            }
            limit = value
        } else {
            limit = 50
        }
        cursor = request.query[String.self, at: "cursor"]
    }

    /// Keyset pagination over UUID ids: stable under inserts, no OFFSET scans.
    func page<M: Model>(_ query: QueryBuilder<M>) async throws -> ([M], String?) where M.IDValue == UUID {
        if let cursor {
            guard let after = UUID(uuidString: cursor) else { throw KeelError(.badRequest, "invalid_cursor", field: "cursor") }
            query.filter(\._$id > after)
        }
        let rows = try await query.sort(\._$id).limit(limit + 1).all()
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last?.id?.uuidString : nil
        return (items, next)
    }
}
