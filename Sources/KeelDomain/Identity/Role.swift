/// The four kinds of person Keel knows. Provider staff work for the IT provider;
/// client roles belong to exactly one client organisation.
public enum Role: String, CaseIterable, Codable, Sendable {
    case providerAdmin = "provider_admin"
    case technician
    case clientAdmin = "client_admin"
    case clientUser = "client_user"

    public var isProviderStaff: Bool { self == .providerAdmin || self == .technician }
    public var isClient: Bool { !isProviderStaff }

    /// The roles a person in this role may hand out when creating or editing people.
    public var assignableRoles: [Role] {
        switch self {
        case .providerAdmin: return Role.allCases
        case .clientAdmin: return [.clientAdmin, .clientUser]
        case .technician, .clientUser: return []
        }
    }
}
