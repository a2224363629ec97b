import Foundation

/// An asset field a column can fill; raw values are the API names.
public enum AssetImportField: String, Sendable, Hashable, Codable, CaseIterable {
    case kind, subkind, tag, name, manufacturer, model, serial
    case purchaseDate, purchaseCost, currency, supplier, warrantyEnd, endOfSupport
    case lifecycleState, notes, owner, site

    /// The longest value accepted, in code points (as PostgreSQL counts `varchar`).
    public var maxLength: Int {
        self == .notes ? AssetImportLimits.maxNotesLength : AssetImportLimits.maxFieldLength
    }

    /// The field an API name names, ignoring case and underscores ("purchase_date", "Serial").
    init?(apiName: String) {
        let key = apiName.lowercased().replacingOccurrences(of: "_", with: "")
        guard let field = AssetImportField.allCases.first(where: { $0.rawValue.lowercased() == key }) else { return nil }
        self = field
    }
}

public enum AssetImportLimits {
    /// Every text field.
    public static let maxFieldLength = 255
    public static let maxNotesLength = 4000
    /// Custom values (as `AssetFieldDefinition` text values).
    public static let maxCustomValueLength = 1000
    /// Custom field keys (`custom:<key>`), as `AssetFieldDefinition` keys.
    public static let maxCustomKeyLength = 40
}

/// Where a column goes: a field, a custom field, or nowhere. As text (JSON, API): the field's
/// API name (`"serial"`), `"custom:<key>"`, or `"ignore"`.
public enum AssetImportTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    case field(AssetImportField)
    /// A custom field, keyed as `AssetFieldDefinition.key`: a lower-case ASCII letter, then
    /// lower-case letters, digits or `_`, at most 40 in all ("custom:Cost_Center" reads
    /// `cost_center`).
    case custom(String)
    case ignore

    public init?(rawValue: String) {
        let text = rawValue.trimmingCharacters(in: .whitespaces)
        if text.lowercased() == "ignore" || text.isEmpty {
            self = .ignore
        } else if text.lowercased().hasPrefix("custom:") {
            let key = String(text.dropFirst("custom:".count)).trimmingCharacters(in: .whitespaces).lowercased()
            guard Self.isValidCustomKey(key) else { return nil }
            self = .custom(key)
        } else if let field = AssetImportField(apiName: text) {
            self = .field(field)
        } else {
            return nil
        }
    }

    public var rawValue: String {
        switch self {
        case .field(let field): field.rawValue
        case .custom(let key): "custom:" + key
        case .ignore: "ignore"
        }
    }

    public var description: String { rawValue }

    public static func isValidCustomKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard let first = bytes.first, bytes.count <= AssetImportLimits.maxCustomKeyLength,
              (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
        else { return false }
        return bytes.allSatisfy { b in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                || b == UInt8(ascii: "_")
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let target = AssetImportTarget(rawValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown import target \"\(text)\"")
        }
        self = target
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
