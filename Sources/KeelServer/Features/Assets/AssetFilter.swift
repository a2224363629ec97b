import Fluent
import Foundation
import KeelDomain
import Vapor

/// The ledger's filters, shared by the API, the page and CSV export: a search term, an
/// organisation, and the lifecycle views SMEs ask for. Everything starts from
/// `TenantData.assets()`, so the caller's scope always applies.
struct AssetFilter {
    enum View: String, CaseIterable {
        /// Warranty ends in the next 90 days.
        case warrantyEnding = "warranty_ending"
        /// Past end of support (the date entered, or Windows 10 after 14 October 2025).
        case endOfSupport = "end_of_support"
        /// Bought more than `years` (default 5) years ago.
        case old
        /// Not seen by the inventory agent for `days` (default 30) days.
        case notSeen = "not_seen"
        /// A disk more than 90 % full.
        case diskFull = "disk_full"
    }

    var q: String?
    var organizationID: UUID?
    var view: View?
    var kind: AssetKind?
    var state: AssetLifecycleState?
    var years = 5
    var days = 30

    init(_ request: Request) throws {
        q = try request.searchText()
        if let raw = request.query[String.self, at: "organizationId"], !raw.isEmpty {
            guard let id = UUID(uuidString: raw) else { throw KeelError.notFound }
            organizationID = id
        }
        if let raw = request.query[String.self, at: "view"], !raw.isEmpty {
            guard let view = View(rawValue: raw) else { throw KeelError(.badRequest, "asset_view_invalid", field: "view") }
            self.view = view
        }
        if let raw = request.query[String.self, at: "kind"], !raw.isEmpty {
            guard let kind = AssetKind(rawValue: raw) else { throw KeelError(.badRequest, "asset_kind_invalid", field: "kind") }
            self.kind = kind
        }
        if let raw = request.query[String.self, at: "state"], !raw.isEmpty {
            guard let state = AssetLifecycleState(rawValue: raw) else { throw KeelError(.badRequest, "asset_state_invalid", field: "state") }
            self.state = state
        }
        if let raw = request.query[String.self, at: "years"], !raw.isEmpty {
            guard let value = Int(raw), (1...50).contains(value) else { throw KeelError(.badRequest, "bad_request", field: "years") }
            years = value
        }
        if let raw = request.query[String.self, at: "days"], !raw.isEmpty {
            guard let value = Int(raw), (1...3650).contains(value) else { throw KeelError(.badRequest, "bad_request", field: "days") }
            days = value
        }
    }

    private static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    func apply(to query: QueryBuilder<Asset>, tenant: TenantData, now: Date = Date()) async throws {
        if let organizationID {
            guard tenant.scope.contains(organizationID) else { throw KeelError.notFound }
            query.filter(\.$organization.$id == organizationID)
        }
        let method = ContainsPattern.make("", on: tenant.db).0
        if let q {
            let (_, pattern) = ContainsPattern.make(q, on: tenant.db)
            let owners = try await User.query(on: tenant.db).filter(\.$name, method, pattern).field(\.$id).limit(500).all().compactMap(\.id)
            query.group(.or) { group in
                group.filter(\.$name, method, pattern).filter(\.$serial, method, pattern).filter(\.$tag, method, pattern)
                    .filter(\.$lastUser, method, pattern)
                if !owners.isEmpty { group.filter(\.$owner.$id ~~ owners) }
            }
        }
        if let kind { query.filter(\.$kind == kind.rawValue) }
        if let state { query.filter(\.$lifecycleState == state.rawValue) }
        let today = Self.day(now)
        switch view {
        case .warrantyEnding?:
            query.filter(\.$warrantyEnd >= today).filter(\.$warrantyEnd <= Self.day(now.addingTimeInterval(90 * 86_400)))
        case .endOfSupport?:
            query.group(.or) { group in
                group.filter(\.$endOfSupport < today)
                if today >= "2025-10-14" { group.filter(\.$osName, method, "%Windows 10%") }
            }
        case .old?:
            query.filter(\.$purchaseDate < Self.day(now.addingTimeInterval(-Double(years) * 365.25 * 86_400)))
        case .notSeen?:
            query.filter(\.$lastInventoryAt < now.addingTimeInterval(-Double(days) * 86_400))
        case .diskFull?:
            query.filter(\.$volumes != nil)
        case nil:
            break
        }
    }

    /// The disk view needs the volumes' numbers, so it is decided per asset after the query.
    func keeps(_ asset: Asset) -> Bool {
        guard view == .diskFull else { return true }
        let volumes = asset.volumes.flatMap { try? JSONDecoder().decode([InventoryVolume].self, from: Data($0.utf8)) } ?? []
        return volumes.contains { volume in
            guard let total = volume.totalMB, total > 0, let free = volume.freeMB else { return false }
            return Double(total - free) / Double(total) > 0.9
        }
    }

    /// The rows of a list: a keyset page, or for the disk view every match (a client's fleet).
    func rows(_ query: QueryBuilder<Asset>, list: ListQuery) async throws -> ([Asset], String?) {
        guard view == .diskFull else { return try await list.page(query) }
        return (try await query.sort(\.$name).limit(5000).all().filter(keeps), nil)
    }
}
