import Foundation

/// Where an asset is in its life: ordered → in stock → in use → in repair → retired →
/// disposed. Moves are checked here so the API, the pages and an import all agree; every
/// accepted move is stored with its date and who made it.
public enum AssetLifecycleState: String, Sendable, Codable, CaseIterable, Equatable, Hashable {
    case ordered
    case inStock = "in_stock"
    case inUse = "in_use"
    case inRepair = "in_repair"
    case retired
    case disposed

    /// The states a move may go to from here. Disposed is final; a retired device may
    /// come back to stock (redeployed) before it is disposed of.
    public var next: Set<AssetLifecycleState> {
        switch self {
        case .ordered: return [.inStock, .inUse, .disposed]
        case .inStock: return [.inUse, .inRepair, .retired]
        case .inUse: return [.inStock, .inRepair, .retired]
        case .inRepair: return [.inStock, .inUse, .retired]
        case .retired: return [.inStock, .disposed]
        case .disposed: return []
        }
    }

    public func canMove(to target: AssetLifecycleState) -> Bool { next.contains(target) }

    /// Retired and disposed devices leave the purchase-advice list and licence counts.
    public var isActive: Bool { self != .retired && self != .disposed }
}

/// The types of the ledger and, for computers, their form.
public enum AssetKind: String, Sendable, Codable, CaseIterable, Equatable, Hashable {
    case computer, network, printer, phone, peripheral, cloud, other

    public static let computerForms: Set<String> = ["desktop", "laptop", "server", "virtual"]

    /// Whether `subkind` fits this kind ("" always does).
    public func accepts(subkind: String) -> Bool {
        subkind.isEmpty || (self == .computer && Self.computerForms.contains(subkind))
    }
}
