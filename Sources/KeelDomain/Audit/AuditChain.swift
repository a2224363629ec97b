import Foundation

/// One row of the audit log as it enters the hash chain. The hash covers every field
/// and the previous row's hash, so editing, deleting or reordering rows breaks the chain.
public struct AuditRecord: Sendable, Equatable {
    public var sequence: Int
    public var at: Date
    public var actorID: UUID?
    public var actorLabel: String
    public var via: String
    public var credentialID: String?
    public var address: String?
    public var organizationID: UUID?
    public var action: String
    public var entityType: String
    public var entityID: String?
    public var changes: String
    public var previousHash: String
    public var hash: String

    public init(sequence: Int, at: Date, actorID: UUID?, actorLabel: String, via: String,
                credentialID: String?, address: String?, organizationID: UUID?, action: String,
                entityType: String, entityID: String?, changes: String, previousHash: String, hash: String) {
        self.sequence = sequence; self.at = at; self.actorID = actorID; self.actorLabel = actorLabel
        self.via = via; self.credentialID = credentialID; self.address = address
        self.organizationID = organizationID; self.action = action; self.entityType = entityType
        self.entityID = entityID; self.changes = changes; self.previousHash = previousHash; self.hash = hash
    }

    /// The exact bytes that are hashed. Times are whole milliseconds since 1970 so that
    /// both databases round-trip them identically.
    public var canonicalText: String {
        let millis = Int64((at.timeIntervalSince1970 * 1000).rounded())
        let fields: [String] = [
            previousHash, String(millis), actorID?.uuidString.lowercased() ?? "", actorLabel, via,
            credentialID ?? "", address ?? "", organizationID?.uuidString.lowercased() ?? "",
            action, entityType, entityID ?? "", changes,
        ]
        // Length-prefix every field so that no two different records share a text.
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }
}

public enum AuditChain {
    public static let genesisHash = String(repeating: "0", count: 64)

    public enum Verdict: Sendable, Equatable {
        case intact(rows: Int)
        case tampered(sequence: Int, reason: String)
    }

    /// Walks records in sequence order. `hash` computes the hex digest of a canonical text.
    /// Feed it in pages by carrying `previousHash` along; `count` is the rows seen so far.
    public static func verify(_ records: [AuditRecord], startingAfter previousHash: String = genesisHash,
                              count: Int = 0, hash: (String) -> String) -> (Verdict, lastHash: String) {
        var expectedPrevious = previousHash
        var seen = count
        for record in records {
            if record.previousHash != expectedPrevious {
                return (.tampered(sequence: record.sequence, reason: "previous_hash_mismatch"), expectedPrevious)
            }
            if hash(record.canonicalText) != record.hash {
                return (.tampered(sequence: record.sequence, reason: "hash_mismatch"), expectedPrevious)
            }
            expectedPrevious = record.hash
            seen += 1
        }
        return (.intact(rows: seen), expectedPrevious)
    }
}
