import Foundation

/// A request from a FusionInventory agent (the OCS protocol), after decompression.
public enum FusionInventoryMessage: Sendable, Equatable {
    /// `QUERY=PROLOG`: the agent asks whether to send; answer `FusionInventoryReply.prolog`.
    case prolog(deviceID: String)
    /// `QUERY=INVENTORY`: a whole inventory; answer `FusionInventoryReply.inventoryAccepted`.
    case inventory(Inventory, deviceID: String)
}

/// Reads the `<REQUEST>` documents of fusioninventory-agent 2.6:
///
///     <REQUEST><DEVICEID>host-2026-11-23-07-26-05</DEVICEID><QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>
///     <REQUEST><CONTENT><BIOS>…</BIOS><SOFTWARES>…</SOFTWARES>…</CONTENT><DEVICEID>…</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>
///
/// Sections repeat as siblings under CONTENT (one `<SOFTWARES>` per package); fields are
/// their child elements. Unknown sections and fields are skipped. Either the whole document
/// is read or an `InventoryReadError` is thrown.
public enum FusionInventoryReader {
    /// The longest DEVICEID accepted (the agent's are ~40 bytes).
    public static let maxDeviceIDBytes = 255

    public static func read(_ bytes: [UInt8], limits: InventoryReadLimits = .standard)
        throws(InventoryReadError) -> FusionInventoryMessage {
        var handler = FusionInventoryHandler()
        try InventoryXMLParser.parse(bytes, limits: limits, into: &handler)
        let query = (handler.query ?? "").trimmingASCIIWhitespace().uppercased()
        guard query == "PROLOG" || query == "INVENTORY" else {
            throw .unsupportedQuery(String(decoding: query.utf8.prefix(64), as: UTF8.self))
        }
        let deviceID = (handler.deviceID ?? "").trimmingASCIIWhitespace()
        guard !deviceID.isEmpty else { throw .missingDeviceID }
        guard deviceID.utf8.count <= maxDeviceIDBytes else { throw .tooLarge }
        if query == "PROLOG" { return .prolog(deviceID: deviceID) }
        return .inventory(handler.assembler.finish(deviceID: deviceID), deviceID: deviceID)
    }

    public static func read(_ data: Data, limits: InventoryReadLimits = .standard)
        throws(InventoryReadError) -> FusionInventoryMessage {
        guard data.count <= limits.maxBytes else { throw .tooLarge }
        return try read([UInt8](data), limits: limits)
    }
}

/// Walks REQUEST (depth 1) → CONTENT, DEVICEID, QUERY (2) → sections (3) → fields (4),
/// feeding the assembler. Deeper elements (OPERATINGSYSTEM/TIMEZONE/NAME) are ignored.
struct FusionInventoryHandler: InventoryXMLHandler {
    private enum Capture { case none, deviceID, query, sectionText, field }

    var assembler = InventoryAssembler()
    private let sections = InventorySection.table
    private let fields = InventoryField.table
    var deviceID: String?
    var query: String?
    private var inContent = false
    private var section: InventorySection?
    private var field: InventoryField?
    private var capture = Capture.none
    private var captureDepth = 0
    /// The captured element's first text piece. It points into the parser's buffer, which
    /// outlives every element (the handler never outlives `InventoryXMLParser.parse`).
    private var piece: InventoryXMLText?
    /// The whole text when CDATA or a comment split it into several pieces.
    private var joined: String?

    mutating func startElement(_ name: InventoryXMLBytes, attributes: [InventoryXMLAttribute],
                               depth: Int) throws(InventoryReadError) {
        capture = .none
        piece = nil
        joined = nil
        switch depth {
        case 1:
            guard name.equals("REQUEST") else { throw .notARequest }
        case 2:
            if name.equals("CONTENT") {
                inContent = true
            } else if name.equals("DEVICEID") {
                begin(.deviceID, depth)
            } else if name.equals("QUERY") {
                begin(.query, depth)
            }
        case 3:
            guard inContent, let code = sections.lookup(name),
                  let found = InventorySection(rawValue: code) else { return }
            section = found
            assembler.beginRecord(found)
            if found == .versionClient { begin(.sectionText, depth) }
        case 4:
            guard section != nil, let code = fields.lookup(name),
                  let found = InventoryField(rawValue: code) else { return }
            field = found
            begin(.field, depth)
        default:
            return
        }
    }

    mutating func text(_ text: InventoryXMLText, depth: Int) throws(InventoryReadError) {
        guard capture != .none, depth == captureDepth else { return }
        if let piece {
            joined = (joined ?? piece.string) + text.string
        } else {
            piece = text
        }
    }

    mutating func endElement(depth: Int) throws(InventoryReadError) {
        let captured = depth == captureDepth ? capture : .none
        let value = captured == .none ? nil : joined?.trimmingASCIIWhitespace() ?? piece?.trimmedString
        capture = .none
        captureDepth = 0
        piece = nil
        joined = nil
        switch depth {
        case 2:
            switch captured {
            case .deviceID: if deviceID == nil { deviceID = value ?? "" }
            case .query: if query == nil { query = value ?? "" }
            default: inContent = false
            }
        case 3:
            guard let section else { return }
            if captured == .sectionText, let value { assembler.setSectionText(section, value) }
            assembler.endRecord()
            self.section = nil
        case 4:
            if captured == .field, let field, let value { assembler.set(field, value) }
            field = nil
        default:
            return
        }
    }

    private mutating func begin(_ kind: Capture, _ depth: Int) {
        capture = kind
        captureDepth = depth
    }
}
