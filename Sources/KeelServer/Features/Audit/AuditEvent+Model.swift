import Fluent
import Foundation
import KeelDomain

/// One append-only, hash-chained row of the audit log.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(custom: "seq", generatedBy: .database) var id: Int?
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "via") var via: String
    @OptionalField(key: "credential_id") var credentialID: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "organization_id") var organizationID: UUID?
    @Field(key: "action") var action: String
    @Field(key: "entity_type") var entityType: String
    @OptionalField(key: "entity_id") var entityID: String?
    @Field(key: "changes") var changes: String
    @Field(key: "prev_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}

    var record: AuditRecord {
        AuditRecord(sequence: id ?? 0, at: at, actorID: actorID, actorLabel: actorLabel, via: via,
                    credentialID: credentialID, address: address, organizationID: organizationID,
                    action: action, entityType: entityType, entityID: entityID, changes: changes,
                    previousHash: previousHash, hash: hash)
    }
}
