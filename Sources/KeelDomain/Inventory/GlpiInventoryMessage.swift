/// A request from a GLPI agent (glpi-agent 1.x, the JSON protocol), after decompression.
/// The agent sends its UUID in the `GLPI-Agent-ID` header; the body names the device.
public enum GlpiInventoryMessage: Sendable, Equatable {
    /// `"action": "contact"`: the agent announces itself and asks what to run; answer
    /// `GlpiInventoryReply.contact(…)`. The analogue of FusionInventory's PROLOG.
    case contact(GlpiAgentContact)
    /// `"action": "inventory"` (also when `action` is absent, as the agent and GLPI treat it);
    /// answer `GlpiInventoryReply.inventoryAccepted()`.
    case inventory(Inventory, deviceID: String, details: GlpiInventoryDetails)

    /// The agent's `deviceid`, `hostname-YYYY-MM-DD-hh-mm-ss` of its first run.
    public var deviceID: String {
        switch self {
        case .contact(let contact): return contact.deviceID
        case .inventory(_, let deviceID, _): return deviceID
        }
    }
}

/// What the agent says about itself in a CONTACT request:
///
///     {"action":"contact","deviceid":"pc-2026-…","name":"GLPI-Agent","version":"1.11",
///      "installed-tasks":["collect","deploy","inventory",…],"enabled-tasks":["inventory"],
///      "httpd-port":62354,"tag":"acme"}
public struct GlpiAgentContact: Sendable, Equatable {
    public var deviceID: String
    /// `"GLPI-Agent"` (the agent's provider name; the version comes separately).
    public var agentName: String?
    public var agentVersion: String?
    /// Task names as the agent sent them, non-strings dropped.
    public var installedTasks: [String]
    /// The tasks the agent plans to run; the reply should answer each one.
    public var enabledTasks: [String]
    public var tag: String?
    /// The port of the agent's own HTTP interface, when it runs one.
    public var httpdPort: Int?

    public init(deviceID: String, agentName: String? = nil, agentVersion: String? = nil, installedTasks: [String] = [],
                enabledTasks: [String] = [], tag: String? = nil, httpdPort: Int? = nil) {
        self.deviceID = deviceID; self.agentName = agentName; self.agentVersion = agentVersion
        self.installedTasks = installedTasks; self.enabledTasks = enabledTasks; self.tag = tag; self.httpdPort = httpdPort
    }
}

/// What an INVENTORY request says beside its content.
public struct GlpiInventoryDetails: Sendable, Equatable {
    /// `"Computer"` unless the agent said otherwise (`--itemtype`, or a phone's agent).
    public var itemType: String
    /// The agent sent only the sections that changed since its last full inventory
    /// (glpi-agent's `full-inventory-postpone`, on by default, or a partial-inventory event).
    /// A section missing from a partial inventory is unchanged, not empty: merge `sections`
    /// into the device's previous inventory instead of replacing it, or the ledger records
    /// every missing section as removed.
    public var isPartial: Bool
    /// The known sections present in `content` (even when empty), whatever `isPartial` says.
    public var sections: Set<InventorySection>

    public init(itemType: String = "Computer", isPartial: Bool = false, sections: Set<InventorySection> = []) {
        self.itemType = itemType; self.isPartial = isPartial; self.sections = sections
    }
}
