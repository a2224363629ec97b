/// Why an agent document was refused. Every reader (FusionInventory XML, GLPI agent
/// JSON) reports with these codes; the server maps them to an HTTP status and a log
/// line. A refused document yields no partial inventory: readers either return a whole
/// `Inventory` or throw.
public enum InventoryReadError: Error, Sendable, Equatable, Hashable {
    /// Not well-formed XML; `line` is 1-based and points at the offending byte.
    case malformedXML(line: Int)
    /// Not well-formed JSON (RFC 8259); `line` is 1-based and points at the offending byte.
    case malformedJSON(line: Int)
    /// Elements nested deeper than `InventoryReadLimits.maxDepth`.
    case tooDeep
    /// The body, an element count, a name, an attribute or a text exceeds its limit.
    case tooLarge
    /// A `<!DOCTYPE`, `<!ENTITY` or other markup declaration: refused outright, so no
    /// entity expansion ("billion laughs") or external entity can ever happen.
    case entitiesRefused
    /// The root element is not `<REQUEST>` (XML), or the root value is not an object (JSON).
    case notARequest
    /// A well-formed request without a usable `<DEVICEID>`.
    case missingDeviceID
    /// A query this reader does not handle (the agent's network tasks, for instance);
    /// the name is cut to 64 bytes.
    case unsupportedQuery(String)
    /// Well-formed JSON whose shape the reader cannot use without losing data: a known
    /// section that is neither an object nor an array of objects (`"softwares": "x"`), a
    /// missing or non-object `content`, or a non-string `action`. The value names the place
    /// (`content.softwares`), cut to 64 bytes.
    case invalidContent(String)

    /// A stable machine-readable code for logs and API errors.
    public var code: String {
        switch self {
        case .malformedXML: return "inventory.malformed_xml"
        case .malformedJSON: return "inventory.malformed_json"
        case .tooDeep: return "inventory.too_deep"
        case .tooLarge: return "inventory.too_large"
        case .entitiesRefused: return "inventory.entities_refused"
        case .notARequest: return "inventory.not_a_request"
        case .missingDeviceID: return "inventory.missing_device_id"
        case .unsupportedQuery: return "inventory.unsupported_query"
        case .invalidContent: return "inventory.invalid_content"
        }
    }
}

/// Bounds that keep parsing linear in time and small in memory whatever the input. The
/// defaults fit a real agent (a 220 KB Debian inventory has ~9,000 elements, depth 5) with
/// two orders of magnitude to spare. The server's bounded inflate should use the same
/// `maxBytes`, so a zlib bomb stops at the decompressor already.
public struct InventoryReadLimits: Sendable, Equatable {
    public var maxBytes: Int
    public var maxDepth: Int
    public var maxElements: Int
    public var maxNameBytes: Int
    public var maxAttributesPerElement: Int
    public var maxAttributeBytes: Int
    public var maxTextBytes: Int

    public init(maxBytes: Int = 32 << 20, maxDepth: Int = 64, maxElements: Int = 500_000,
                maxNameBytes: Int = 256, maxAttributesPerElement: Int = 32,
                maxAttributeBytes: Int = 64 << 10, maxTextBytes: Int = 1 << 20) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxElements = maxElements
        self.maxNameBytes = maxNameBytes
        self.maxAttributesPerElement = maxAttributesPerElement
        self.maxAttributeBytes = maxAttributeBytes
        self.maxTextBytes = maxTextBytes
    }

    public static let standard = InventoryReadLimits()
}
