import Fluent
import Foundation
import KeelDomain
import SQLKit

/// The fields that changed in one mutation, before and after, as shown in the audit log.
struct ChangeSet: Sendable {
    private(set) var entries: [String: (before: String?, after: String?)] = [:]

    init() {}

    mutating func record(_ field: String, before: String?, after: String?) {
        guard before != after else { return }
        entries[field] = (before, after)
    }

    mutating func created(_ fields: [String: String?]) {
        for (field, value) in fields { entries[field] = (nil, value) }
    }

    var isEmpty: Bool { entries.isEmpty }

    /// A change set for a new record, as a value (no `var` to capture in a transaction).
    static func creating(_ fields: [String: String?]) -> ChangeSet {
        var set = ChangeSet()
        set.created(fields)
        return set
    }

    /// A change set of one field.
    static func single(_ field: String, before: String?, after: String?) -> ChangeSet {
        var set = ChangeSet()
        set.record(field, before: before, after: after)
        return set
    }

    /// JSON with sorted keys, so the same change always hashes the same.
    /// Written by hand: every mutation of every feature makes one.
    var json: String {
        var text = "{"
        for field in entries.keys.sorted() {
            guard let change = entries[field] else { continue }
            if text.count > 1 { text += "," }
            text += JSONText.quoted(field) + ":{\"after\":" + (change.after.map(JSONText.quoted) ?? "null")
                + ",\"before\":" + (change.before.map(JSONText.quoted) ?? "null") + "}"
        }
        return text + "}"
    }
}

/// Appends rows to the hash chain. Call inside the write transaction of the change it
/// describes, so the change and its audit row commit or roll back together.
enum AuditLog {
    static func append(on db: any Database, actor: AuditActor, organizationID: UUID?, action: String,
                       entityType: String, entityID: String?, changes: ChangeSet, at: Date = Date()) async throws {
        try await append(on: db.sql, actor: actor, organizationID: organizationID, action: action, entityType: entityType,
                         entityID: entityID, changes: changes, at: at)
    }

    static func append(on sql: any SQLDatabase, actor: AuditActor, organizationID: UUID?, action: String,
                       entityType: String, entityID: String?, changes: ChangeSet, at: Date = Date()) async throws {
        if sql.dialect.name == "postgresql" {
            // Several Keel nodes may append at once; the chain needs one writer at a time.
            try await sql.raw("SELECT pg_advisory_xact_lock(7315001)").run()
        }
        // Plain SQL: every mutation of every feature passes here, inside its write transaction.
        let last = try await sql.raw("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1").first()
        var record = AuditRecord(sequence: 0, at: Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded() / 1000),
                                 actorID: actor.userID, actorLabel: actor.label, via: actor.via, credentialID: actor.credentialID,
                                 address: actor.address, organizationID: organizationID, action: action, entityType: entityType,
                                 entityID: entityID, changes: changes.json,
                                 previousHash: try last?.decode(column: "hash", as: String.self) ?? AuditChain.genesisHash, hash: "")
        record.hash = Secrets.sha256Hex(record.canonicalText)
        try await sql.raw("""
            INSERT INTO audit_events (at, actor_id, actor_label, via, credential_id, address, organization_id, action, entity_type,
                                      entity_id, changes, prev_hash, hash)
            VALUES (\(bind: record.at), \(bind: record.actorID), \(bind: record.actorLabel), \(bind: record.via), \(bind: record.credentialID),
                    \(bind: record.address), \(bind: record.organizationID), \(bind: record.action), \(bind: record.entityType),
                    \(bind: record.entityID), \(bind: record.changes), \(bind: record.previousHash), \(bind: record.hash))
            """).run()
    }

    /// Walks the whole chain in pages; the verdict names the first row that does not fit.
    static func verify(on db: any Database, pageSize: Int = 2000) async throws -> AuditChain.Verdict {
        var previous = AuditChain.genesisHash
        var count = 0
        var after = 0
        while true {
            let page = try await AuditEvent.query(on: db).filter(\.$id > after).sort(\.$id).limit(pageSize).all()
            if page.isEmpty { return .intact(rows: count) }
            let (verdict, last) = AuditChain.verify(page.map(\.record), startingAfter: previous, count: count,
                                                    hash: Secrets.sha256Hex)
            switch verdict {
            case .tampered: return verdict
            case .intact(let rows): count = rows
            }
            previous = last
            after = page.last?.id ?? after
        }
    }
}
