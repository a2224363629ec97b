import Fluent
import Foundation
import SQLKit
import KeelDomain
import Vapor

/// An SLA policy for one organisation, or the provider default (no organisation), as the
/// domain's `SLAPolicy` JSON. Without either, the built-in defaults of the seeds apply.
final class SLAPolicyRecord: Model, @unchecked Sendable {
    static let schema = "sla_policies"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "organization_id") var organizationID: UUID?
    @Field(key: "definition") var definition: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

struct CreateSLAPolicies: AsyncMigration {
    var name: String { "008_CreateSLAPolicies" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SLAPolicyRecord.schema)
            .id()
            .field("organization_id", .uuid, .references(Organization.schema, .id))
            .field("definition", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "organization_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SLAPolicyRecord.schema).delete()
    }
}

/// The policy in force and where it comes from.
struct SLAPolicyOut: Content {
    let source: String
    let organizationId: UUID?
    let policy: SLAPolicy
}

enum SLAPolicies {
    /// The organisation's policy, else the provider default, else the built-in one.
    static func effective(for organizationID: UUID?, on sql: any SQLDatabase) async throws -> (SLAPolicy, String) {
        // Plain SQL: every new ticket asks.
        let own: SQLQueryString = organizationID.map { "OR organization_id = \(bind: $0)" } ?? ""
        let rows = try await sql.raw("SELECT organization_id, definition FROM sla_policies WHERE organization_id IS NULL \(own)").all()
        let records = try rows.map { (try $0.decode(column: "organization_id", as: UUID?.self), try $0.decode(column: "definition", as: String.self)) }
        if let organizationID, let own = records.first(where: { $0.0 == organizationID }), let policy = Definitions.policies.decode(own.1) {
            return (policy, "organization")
        }
        if let provider = records.first(where: { $0.0 == nil }), let policy = Definitions.policies.decode(provider.1) {
            return (policy, "provider")
        }
        return (.standard, "builtin")
    }

    /// The policies in force for several organisations, in one query (for list pages).
    static func effective(for organizationIDs: [UUID], on db: any Database) async throws -> [UUID: SLAPolicy] {
        let ids = Array(Set(organizationIDs))
        let records = try await SLAPolicyRecord.query(on: db).group(.or) { group in
            group.filter(\.$organizationID == nil)
            if !ids.isEmpty { group.filter(\.$organizationID ~~ ids) }
        }.all()
        func decode(_ record: SLAPolicyRecord?) -> SLAPolicy? {
            record.flatMap { Definitions.policies.decode($0.definition) }
        }
        let fallback = decode(records.first { $0.organizationID == nil }) ?? .standard
        var result: [UUID: SLAPolicy] = [:]
        for id in ids { result[id] = decode(records.first { $0.organizationID == id }) ?? fallback }
        return result
    }

    /// Replaces a policy (provider admins) and recomputes the organisation's open tickets.
    static func put(_ organizationID: UUID?, req: Request) async throws -> SLAPolicyOut {
        let context = try req.requireContext()
        if let organizationID { _ = try await req.tenant.organization(organizationID) }
        guard context.isProviderAdmin else { throw KeelError.forbidden }
        guard let body = req.body.data, body.readableBytes > 0 else { throw KeelError(.badRequest, "malformed_body") }
        let policy: SLAPolicy
        do {
            policy = try JSONDecoder().decode(SLAPolicy.self, from: Data(buffer: body))
        } catch let error as DecodingError {
            throw KeelErrorMiddleware.classify(error)
        }
        guard FieldRules.cleanText(policy.name, maximum: 200) != nil else { throw KeelError.validation("name", "name_invalid") }
        let text = String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)
        let record = try await SLAPolicyRecord.query(on: req.db).filter(\.$organizationID == organizationID).first() ?? {
            let fresh = SLAPolicyRecord()
            fresh.organizationID = organizationID
            fresh.definition = ""
            return fresh
        }()
        let changes = ChangeSet.single("definition", before: record.definition.isEmpty ? nil : record.definition, after: text)
        record.definition = text
        let engine = req.application.sla
        let now = Date()
        try await req.application.write { db in
            try await record.save(on: db)
            // Due times follow the new targets, as after a priority change.
            let open = Ticket.query(on: db).filter(\.$status ~~ ["new", "open", "pending_customer", "pending_third_party"])
            if let organizationID { open.filter(\.$organization.$id == organizationID) }
            for ticket in try await open.limit(10_000).all() { try await engine.recompute(ticket, on: db, now: now) }
            try await AuditLog.append(on: db, actor: context.actor, organizationID: organizationID, action: "sla_policy.update",
                                      entityType: "sla_policy", entityID: record.id?.uuidString.lowercased(), changes: changes)
        }
        return SLAPolicyOut(source: organizationID == nil ? "provider" : "organization", organizationId: organizationID, policy: policy)
    }

    static func register(_ api: API) {
        api.on(.GET, "sla-policy", "The provider's default SLA policy", tag: "sla", response: "SLAPolicyOut") { req in
            let context = try req.requireContext()
            guard context.isProviderStaff else { throw KeelError.forbidden }
            let (policy, source) = try await effective(for: nil, on: req.db.sql)
            return SLAPolicyOut(source: source, organizationId: nil, policy: policy)
        }
        api.on(.PUT, "sla-policy", "Replace the provider's default SLA policy", tag: "sla", body: "SLAPolicy",
               response: "SLAPolicyOut") { req in
            try await put(nil, req: req)
        }
        api.on(.GET, "organizations/{organizationID}/sla-policy", "The SLA policy in force for an organisation", tag: "sla",
               response: "SLAPolicyOut") { req in
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            let (policy, source) = try await effective(for: organization.id, on: req.db.sql)
            return SLAPolicyOut(source: source, organizationId: organization.id, policy: policy)
        }
        api.on(.PUT, "organizations/{organizationID}/sla-policy", "Give an organisation its own SLA policy", tag: "sla",
               body: "SLAPolicy", response: "SLAPolicyOut") { req in
            try await put(try req.idParameter("organizationID"), req: req)
        }
    }
}
