import Fluent
import Foundation
import SQLKit

/// A custom field of one asset type, defined by the provider for all organisations.
final class AssetFieldRecord: Model, @unchecked Sendable {
    static let schema = "asset_fields"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "key") var key: String
    @Field(key: "label_en") var labelEn: String
    @Field(key: "label_zh") var labelZh: String
    @Field(key: "value_type") var valueType: String
    /// JSON array of the allowed values of a choice field.
    @Field(key: "options") var options: String
    @Field(key: "required") var required: Bool
    @Field(key: "position") var position: Int
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?

    init() {}
}

/// One move of an asset through its lifecycle, with who made it and when.
final class AssetLifecycleEvent: Model, @unchecked Sendable {
    static let schema = "asset_lifecycle_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "asset_id") var asset: Asset
    @OptionalField(key: "from_state") var fromState: String?
    @Field(key: "to_state") var toState: String
    @Field(key: "at") var at: Date
    @OptionalField(key: "by_user_id") var byUserID: UUID?
    /// The person's name at the time, or "inventory-agent" / "import".
    @Field(key: "by_label") var byLabel: String
    @Field(key: "note") var note: String

    init() {}
}

/// A ticket about an asset: the ticket form picks assets, the asset page lists its tickets.
final class TicketAsset: Model, @unchecked Sendable {
    static let schema = "ticket_assets"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketID: UUID
    @Field(key: "asset_id") var assetID: UUID
    @Field(key: "organization_id") var organizationID: UUID
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?

    init() {}
}

/// Software licences an organisation owns; the key is sealed at rest.
final class Licence: Model, @unchecked Sendable {
    static let schema = "licences"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    /// The software catalogue key the seats count against.
    @Field(key: "catalog_key") var catalogKey: String
    @Field(key: "seats") var seats: Int
    @OptionalField(key: "key_sealed") var keySealed: String?
    @OptionalField(key: "expires_on") var expiresOn: String?
    @OptionalField(key: "cost_cents") var costCents: Int?
    @OptionalField(key: "currency") var currency: String?
    @OptionalField(key: "supplier") var supplier: String?
    @Field(key: "notes") var notes: String
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .none) var updatedAt: Date?

    init() {}
}

/// Custom fields, lifecycle history, ticket links and licences (the ledger half of the
/// assets issue).
struct CreateAssetLedger: AsyncMigration {
    var name: String { "016_CreateAssetLedger" }

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER.
        try await database.schema(Asset.schema).field("custom_fields", .string).update()
        try await database.schema(AssetFieldRecord.schema)
            .id()
            .field("kind", .string, .required)
            .field("key", .string, .required)
            .field("label_en", .string, .required)
            .field("label_zh", .string, .required)
            .field("value_type", .string, .required)
            .field("options", .string, .required)
            .field("required", .bool, .required)
            .field("position", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "kind", "key")
            .create()
        try await database.schema(AssetLifecycleEvent.schema)
            .id()
            .field("asset_id", .uuid, .required, .references(Asset.schema, .id, onDelete: .cascade))
            .field("from_state", .string)
            .field("to_state", .string, .required)
            .field("at", .datetime, .required)
            .field("by_user_id", .uuid)
            .field("by_label", .string, .required)
            .field("note", .string, .required)
            .create()
        try await database.schema(TicketAsset.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id, onDelete: .cascade))
            .field("asset_id", .uuid, .required, .references(Asset.schema, .id, onDelete: .cascade))
            .field("organization_id", .uuid, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .unique(on: "ticket_id", "asset_id")
            .create()
        try await database.schema(Licence.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id))
            .field("name", .string, .required)
            .field("catalog_key", .string, .required)
            .field("seats", .int, .required)
            .field("key_sealed", .string)
            .field("expires_on", .string)
            .field("cost_cents", .int64)
            .field("currency", .string)
            .field("supplier", .string)
            .field("notes", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "asset_lifecycle_asset_at").on(AssetLifecycleEvent.schema).column("asset_id").column("at").run()
        try await sql.create(index: "ticket_assets_asset").on(TicketAsset.schema).column("asset_id").run()
        try await sql.create(index: "licences_org").on(Licence.schema).column("organization_id").column("catalog_key").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [Licence.schema, TicketAsset.schema, AssetLifecycleEvent.schema, AssetFieldRecord.schema] {
            try await database.schema(schema).delete()
        }
        try await database.schema(Asset.schema).deleteField("custom_fields").update()
    }
}
