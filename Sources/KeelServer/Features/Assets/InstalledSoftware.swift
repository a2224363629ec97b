import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Software installed on devices: links from an asset to rows of the install-wide version
/// catalogue (migration 023). Every read reaches the links through an asset the caller
/// already holds in scope, so tenancy stays with the asset.
enum InstalledSoftware {
    /// One product version as inventory reports it, with its normalised catalogue key.
    struct Row: Sendable, Equatable {
        let key: String, name: String, version: String, publisher: String

        /// What identifies a catalogue row: name, version and publisher.
        var identity: Identity { Identity(name: name, version: version, publisher: publisher) }
    }

    /// Catalogue ids read by one write, for the cache once it has committed.
    typealias Learned = [Identity: Int64]

    struct Identity: Hashable, Sendable {
        let name: String, version: String, publisher: String

        init(name: String, version: String, publisher: String) {
            self.name = name
            self.version = version
            self.publisher = publisher
        }

        init(_ row: any SQLRow) throws {
            self.init(name: try row.decode(column: "name", as: String.self), version: try row.decode(column: "version", as: String.self),
                      publisher: try row.decode(column: "publisher", as: String.self))
        }
    }

    /// Catalogue ids already read, by identity. Rows are never deleted, so a remembered id
    /// stays right; ids are learned only after the transaction that read them commits.
    final class Cache: Sendable {
        private let ids = NIOLockedValueBox([Identity: Int64]())
        /// A bound on memory: a very varied fleet starts over rather than grow without end.
        static let capacity = 500_000

        func lookup(_ rows: [Row]) -> [Int64?] {
            ids.withLockedValue { known in rows.map { known[$0.identity] } }
        }

        func learn(_ learned: Learned) {
            guard !learned.isEmpty else { return }
            ids.withLockedValue { known in
                if known.count + learned.count > Self.capacity { known.removeAll(keepingCapacity: true) }
                known.merge(learned) { _, new in new }
            }
        }
    }

    /// Ids for `rows`, `known` holding those the cache had: the others are added to the
    /// catalogue if new and read back. Returns every row's id and what was read.
    static func resolve(_ rows: [Row], known: [Int64?], on db: any Database) async throws -> (ids: [Int64], learned: Learned) {
        let missing = zip(rows, known).filter { $0.1 == nil }.map(\.0)
        var learned: Learned = [:]
        if !missing.isEmpty {
            let sql = db as! any SQLDatabase
            for start in stride(from: 0, to: missing.count, by: 500) {
                let chunk = missing[start..<min(start + 500, missing.count)]
                // New rows come back from the insert itself; rows already there (the cache had
                // not seen them, or another node added them) are read by name (indexed).
                let inserted = try await sql.insert(into: "software_versions").columns("catalog_key", "name", "version", "publisher")
                    .rows(chunk.map { [SQLBind($0.key), SQLBind($0.name), SQLBind($0.version), SQLBind($0.publisher)] })
                    .ignoringConflicts(with: ["name", "version", "publisher"]).returning("id", "name", "version", "publisher").all()
                for row in inserted { learned[try Identity(row)] = try row.decode(column: "id", as: Int64.self) }
                let existing = chunk.filter { learned[$0.identity] == nil }
                guard !existing.isEmpty else { continue }
                let found = try await sql.select().columns("id", "name", "version", "publisher").from("software_versions")
                    .where("name", .in, SQLBind.group(Array(Set(existing.map(\.name))))).all()
                for row in found { learned[try Identity(row)] = try row.decode(column: "id", as: Int64.self) }
            }
        }
        let ids = try zip(rows, known).map { row, id in
            guard let id = id ?? learned[row.identity] else { throw KeelError(.internalServerError, "internal") }
            return id
        }
        return (ids, learned)
    }

    /// The device's software becomes exactly `ids`. On SQLite the ids go as one JSON array
    /// that SQLite unpacks itself; elsewhere as multi-row inserts.
    static func replace(on assetID: UUID, with ids: [Int64], isNew: Bool, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if !isNew { try await sql.delete(from: "asset_software_links").where("asset_id", .equal, SQLBind(assetID)).run() }
        let sorted = Array(Set(ids)).sorted()
        guard !sorted.isEmpty else { return }
        if sql.dialect.name == "sqlite" {
            let json = "[" + sorted.map(String.init).joined(separator: ",") + "]"
            try await sql.raw("""
                INSERT INTO asset_software_links (asset_id, version_id) SELECT \(bind: assetID), j.value FROM json_each(\(bind: json)) AS j
                """).run()
            return
        }
        for start in stride(from: 0, to: sorted.count, by: 1000) {
            try await sql.insert(into: "asset_software_links").columns("asset_id", "version_id")
                .rows(sorted[start..<min(start + 1000, sorted.count)].map { [SQLBind(assetID), SQLBind($0)] }).run()
        }
    }

    /// The device's software, by name.
    static func list(of assetID: UUID, limit: Int? = nil, on db: any Database) async throws -> [Row] {
        let sql = db as! any SQLDatabase
        let query = sql.select().columns(SQLColumn("catalog_key", table: "v"), SQLColumn("name", table: "v"),
                                         SQLColumn("version", table: "v"), SQLColumn("publisher", table: "v"))
            .from(SQLAlias(SQLIdentifier("asset_software_links"), as: SQLIdentifier("l")))
            .join(SQLAlias(SQLIdentifier("software_versions"), as: SQLIdentifier("v")),
                  on: SQLColumn("id", table: "v"), .equal, SQLColumn("version_id", table: "l"))
            .where(SQLColumn("asset_id", table: "l"), .equal, SQLBind(assetID))
            .orderBy(SQLColumn("name", table: "v")).orderBy(SQLColumn("version", table: "v"))
        if let limit { query.limit(limit) }
        return try await query.all().map { row in
            Row(key: try row.decode(column: "catalog_key", as: String.self), name: try row.decode(column: "name", as: String.self),
                version: try row.decode(column: "version", as: String.self), publisher: try row.decode(column: "publisher", as: String.self))
        }
    }

    static func count(of assetID: UUID, on db: any Database) async throws -> Int {
        let sql = db as! any SQLDatabase
        let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("asset_software_links")
            .where("asset_id", .equal, SQLBind(assetID)).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// `asset_software_links l` joined to `software_versions v` and `assets a`, for grouped
    /// queries over devices in scope (the catalogue, licence compliance).
    static func joined(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
        query.from(SQLAlias(SQLIdentifier("asset_software_links"), as: SQLIdentifier("l")))
            .join(SQLAlias(SQLIdentifier("software_versions"), as: SQLIdentifier("v")),
                  on: SQLColumn("id", table: "v"), .equal, SQLColumn("version_id", table: "l"))
            .join(SQLAlias(SQLIdentifier(Asset.schema), as: SQLIdentifier("a")), on: SQLColumn("id", table: "a"), .equal, SQLColumn("asset_id", table: "l"))
    }
}

extension Application {
    private struct SoftwareCacheKey: StorageKey { typealias Value = InstalledSoftware.Cache }
    var softwareVersions: InstalledSoftware.Cache { service(SoftwareCacheKey.self) { InstalledSoftware.Cache() } }
}
