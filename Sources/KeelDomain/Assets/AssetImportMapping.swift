import Foundation

/// Why a column mapping cannot be used.
public enum AssetImportMappingError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Not a JSON object of column names to target strings.
    case malformed
    /// The target names no field and is neither `custom:<key>` nor `ignore`.
    case unknownTarget(column: String, target: String)
    /// `custom:<key>` with an empty, too long or oddly spelled key.
    case invalidCustomKey(column: String, key: String)
    /// Two or more columns fill the same field or custom key (columns in file order).
    case duplicateTarget(target: String, columns: [String])
    /// No column fills `name`, which every asset needs.
    case nameNotMapped
    /// The mapping names a column the file does not have.
    case unknownColumn(String)

    /// A stable machine-readable code for API errors and translations.
    public var code: String {
        switch self {
        case .malformed: "import.mapping_malformed"
        case .unknownTarget: "import.mapping_unknown_target"
        case .invalidCustomKey: "import.mapping_custom_key_invalid"
        case .duplicateTarget: "import.mapping_duplicate_target"
        case .nameNotMapped: "import.mapping_name_missing"
        case .unknownColumn: "import.mapping_unknown_column"
        }
    }

    public var description: String {
        switch self {
        case .malformed: "the mapping must be a JSON object of column names to targets"
        case .unknownTarget(let column, let target): "column \"\(column)\": unknown target \"\(target)\""
        case .invalidCustomKey(let column, let key):
            "column \"\(column)\": custom field key \"\(key)\" must be a letter a-z then a-z, 0-9 or _ (at most 40)"
        case .duplicateTarget(let target, let columns):
            "columns " + columns.map { "\"\($0)\"" }.joined(separator: ", ") + " all fill \(target)"
        case .nameNotMapped: "no column is mapped to name"
        case .unknownColumn(let column): "the file has no column \"\(column)\""
        }
    }
}

/// Which column fills which asset field, keyed by header name (as `CSVTable.headers` spells
/// them). Columns not in the mapping, or mapped to `.ignore`, are not imported.
///
/// As JSON: `{"Serial Number": "serial", "部门": "custom:department", "Junk": "ignore"}`.
/// Decoding checks each target; `validated(headers:)` checks the whole (a `name` column, no
/// field filled twice, every column present in the file).
public struct AssetImportMapping: Sendable, Hashable, Codable {
    public private(set) var targets: [String: AssetImportTarget]

    public init(_ targets: [String: AssetImportTarget] = [:]) {
        self.targets = [:]
        for (column, target) in targets { self[column] = target }
    }

    /// The target of a column; `.ignore` when unmapped.
    public subscript(column: String) -> AssetImportTarget {
        get { targets[column] ?? targets[ImportText.singleLine(column)] ?? .ignore }
        set { targets[ImportText.singleLine(column)] = newValue }
    }

    /// The column mapped to a field, if any (the first in name order when several are).
    public func column(for field: AssetImportField) -> String? {
        targets.filter { $0.value == .field(field) }.keys.sorted().first
    }

    /// Decodes and validates a mapping sent by the browser. Headers, when given, are checked too.
    public init(json: Data, headers: [String]? = nil) throws(AssetImportMappingError) {
        let decoded: AssetImportMapping
        do {
            decoded = try JSONDecoder().decode(AssetImportMapping.self, from: json)
        } catch let error as AssetImportMappingError {
            throw error
        } catch {
            throw .malformed
        }
        self = try decoded.validated(headers: headers)
    }

    /// Everything wrong with the mapping, in a stable order: unknown columns (by name), then
    /// fields filled twice (in file order when headers are given), then a missing `name`.
    /// With headers, only columns the file has count as filling a field.
    public func problems(headers: [String]? = nil) -> [AssetImportMappingError] {
        var found: [AssetImportMappingError] = []
        let position: [String: Int]
        if let headers {
            position = Dictionary(headers.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            for column in targets.keys.sorted() where position[column] == nil && targets[column] != .ignore {
                found.append(.unknownColumn(column))
            }
        } else {
            position = [:]
        }
        let order: (String, String) -> Bool = { a, b in
            let pa = position[a] ?? Int.max, pb = position[b] ?? Int.max
            return pa != pb ? pa < pb : a < b
        }
        var byTarget: [AssetImportTarget: [String]] = [:]
        for (column, target) in targets where target != .ignore && (headers == nil || position[column] != nil) {
            byTarget[target, default: []].append(column)
        }
        let duplicates = byTarget.filter { $0.value.count > 1 }
            .map { (target: $0.key.rawValue, columns: $0.value.sorted(by: order)) }
            .sorted { order($0.columns[0], $1.columns[0]) }
        for duplicate in duplicates { found.append(.duplicateTarget(target: duplicate.target, columns: duplicate.columns)) }
        if byTarget[.field(.name)] == nil { found.append(.nameNotMapped) }
        return found
    }

    /// The mapping itself when it can be used, else its first problem.
    public func validated(headers: [String]? = nil) throws(AssetImportMappingError) -> AssetImportMapping {
        if let first = problems(headers: headers).first { throw first }
        return self
    }

    /// JSON with sorted keys, as the preview sends it.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode([String: String].self)
        var targets: [String: AssetImportTarget] = [:]
        for column in raw.keys.sorted() {
            let text = raw[column]!
            guard let target = AssetImportTarget(rawValue: text) else {
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed.lowercased().hasPrefix("custom:") {
                    throw AssetImportMappingError.invalidCustomKey(column: column, key: String(trimmed.dropFirst(7)))
                }
                throw AssetImportMappingError.unknownTarget(column: column, target: text)
            }
            targets[column] = target
        }
        self.init(targets)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(targets.mapValues(\.rawValue))
    }
}
