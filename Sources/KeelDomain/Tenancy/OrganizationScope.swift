import Foundation

/// Which client organisations a caller may see. Provider admins and unrestricted
/// technicians see all of them; a restricted technician sees a list; a client person
/// sees exactly their own. Built once per request and handed to every tenant query.
public enum OrganizationScope: Sendable, Equatable {
    case all
    case only(Set<UUID>)

    public func contains(_ organizationID: UUID?) -> Bool {
        switch self {
        case .all: return true
        case .only(let ids):
            guard let organizationID else { return false }
            return ids.contains(organizationID)
        }
    }

    /// The ids to filter by, or nil when no filter applies.
    public var restriction: Set<UUID>? {
        switch self {
        case .all: return nil
        case .only(let ids): return ids
        }
    }

    /// The scope of a person, from their role, own organisation and technician assignments.
    public static func of(role: Role, organizationID: UUID?, technicianOrganizations: Set<UUID>) -> OrganizationScope {
        switch role {
        case .providerAdmin: return .all
        case .technician: return technicianOrganizations.isEmpty ? .all : .only(technicianOrganizations)
        case .clientAdmin, .clientUser:
            guard let organizationID else { return .only([]) }
            return .only([organizationID])
        }
    }
}
