import Fluent
import SQLKit
import Foundation

/// UUIDs in the version 7 layout: the first 48 bits are the Unix time in milliseconds, the
/// rest random. Rows written together get neighbouring keys, so a table with many inserts
/// (check results, pings, new tickets with their history and notifications) appends to its
/// primary-key index instead of touching a random page per row.
enum OrderedID {
    static func make(at date: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        // The random part from the system generator (`UUID()` opens /dev/urandom for each id here).
        var generator = SystemRandomNumberGenerator()
        var id = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &id) { bytes in
            for index in 0..<6 { bytes[index] = UInt8((milliseconds >> (40 - 8 * UInt64(index))) & 0xFF) }
            bytes[6] = (bytes[6] & 0x0F) | 0x70   // version 7
            bytes[8] = (bytes[8] & 0x3F) | 0x80   // RFC 4122 variant
            return UUID(uuid: bytes.load(as: uuid_t.self))
        }
    }
}

/// The software index by organisation made every inventory touch hundreds of scattered
/// index pages; organisation-wide software queries now start from the organisation's
/// assets instead (`assets_org_name`, then `asset_software_asset`).
struct AssetSoftwareAppendOnly: AsyncMigration {
    var name: String { "017_AssetSoftwareAppendOnly" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "asset_software_org_key").ifExists().run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "asset_software_org_key").on("asset_software").column("organization_id").column("catalog_key").run()
    }
}
