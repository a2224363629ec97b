import Foundation

/// Every data row of a CSV table checked against a mapping: the assets to create, or why not.
///
/// Pure: nothing is looked up. The server still checks serials and tags against the database,
/// resolves owners and sites, and inserts all rows or none (`isValid` first).
public struct AssetImportPlan: Sendable, Hashable, Codable {
    /// The rows without a problem, in file order.
    public let rows: [AssetImportRow]
    /// Problems by row, then column; at most `maxErrors` of them (see `errorCount`).
    public let errors: [AssetImportError]
    /// Why the mapping itself is unusable; when any, no row was read.
    public let mappingErrors: [AssetImportMappingError]
    /// Data rows in the file (blank rows not counted).
    public let rowCount: Int
    public let validRowCount: Int
    public let invalidRowCount: Int
    /// All problems found, including those beyond `maxErrors`.
    public let errorCount: Int
    /// No problem at all: the rows can be inserted.
    public let isValid: Bool

    public static let defaultMaxErrors = 1000

    init(rows: [AssetImportRow], errors: [AssetImportError], mappingErrors: [AssetImportMappingError],
         rowCount: Int, invalidRowCount: Int, errorCount: Int) {
        self.rows = rows
        self.errors = errors
        self.mappingErrors = mappingErrors
        self.rowCount = rowCount
        self.validRowCount = rows.count
        self.invalidRowCount = invalidRowCount
        self.errorCount = errorCount
        self.isValid = mappingErrors.isEmpty && errorCount == 0
    }

    /// Whether `errors` was cut at `maxErrors`.
    public var errorsTruncated: Bool { errorCount > errors.count }

    /// Checks every row. A mapping with problems (see `AssetImportMapping.problems(headers:)`)
    /// yields those problems and no rows.
    ///
    /// - Parameter customFields: the organisation's custom field definitions. When given, each
    ///   `custom:<key>` value is checked against the definition for the row's kind (dates may be
    ///   written as for the standard fields) and required fields are enforced; when nil, custom
    ///   values are carried as written (trimmed, at most 1000 code points).
    public static func build(table: CSVTable, mapping: AssetImportMapping,
                             defaults: AssetImportDefaults = AssetImportDefaults(),
                             customFields: [AssetFieldDefinition]? = nil,
                             maxErrors: Int = defaultMaxErrors) -> AssetImportPlan {
        let problems = mapping.problems(headers: table.headers)
        guard problems.isEmpty else {
            return AssetImportPlan(rows: [], errors: [], mappingErrors: problems, rowCount: table.rows.count,
                                   invalidRowCount: 0, errorCount: 0)
        }
        let reader = AssetImportRowReader(headers: table.headers, mapping: mapping, defaults: defaults,
                                          customFields: customFields)
        var rows: [AssetImportRow] = []
        var errors: [AssetImportError] = []
        var errorCount = 0
        var invalid = 0
        var serials: [String: Int] = [:]
        var tags: [String: Int] = [:]
        for row in table.rows {
            var (asset, found) = reader.read(row)
            if let serial = asset.serial {
                if let first = serials[serial.uppercased()] {
                    found.append(reader.error(row.number, .serial, .duplicateSerial, serial, otherRow: first))
                } else {
                    serials[serial.uppercased()] = row.number
                }
            }
            if let tag = asset.tag {
                if let first = tags[tag.uppercased()] {
                    found.append(reader.error(row.number, .tag, .duplicateTag, tag, otherRow: first))
                } else {
                    tags[tag.uppercased()] = row.number
                }
            }
            guard found.isEmpty else {
                invalid += 1
                errorCount += found.count
                let sorted = found.enumerated().sorted { a, b in
                    let ca = reader.position(a.element.column), cb = reader.position(b.element.column)
                    return ca != cb ? ca < cb : a.offset < b.offset
                }
                errors.append(contentsOf: sorted.map(\.element).prefix(max(0, maxErrors - errors.count)))
                continue
            }
            asset.row = row.number
            rows.append(asset)
        }
        return AssetImportPlan(rows: rows, errors: errors, mappingErrors: [], rowCount: table.rows.count,
                               invalidRowCount: invalid, errorCount: errorCount)
    }
}

/// Reads one CSV row into an asset under a validated mapping.
struct AssetImportRowReader {
    private let headers: [String]
    private var fields: [AssetImportField: Int] = [:]
    private var custom: [(key: String, column: Int)] = []
    private let defaults: AssetImportDefaults
    private let defaultCurrency: String?
    /// Custom field definitions by kind and key; nil to carry values unchecked.
    private let definitions: [AssetKind: [String: AssetFieldDefinition]]?

    init(headers: [String], mapping: AssetImportMapping, defaults: AssetImportDefaults,
         customFields: [AssetFieldDefinition]?) {
        self.headers = headers
        self.defaults = defaults
        definitions = customFields.map { fields in
            Dictionary(grouping: fields, by: \.kind).mapValues { list in
                Dictionary(list.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            }
        }
        defaultCurrency = defaults.currency.flatMap(AssetImportValues.currency)
        for (index, header) in headers.enumerated() {
            switch mapping[header] {
            case .field(let field): fields[field] = index
            case .custom(let key): custom.append((key, index))
            case .ignore: break
            }
        }
    }

    /// Where a column's errors sort: by column, whole-row problems last.
    func position(_ column: String?) -> Int {
        column.flatMap { headers.firstIndex(of: $0) } ?? Int.max
    }

    func error(_ row: Int, _ field: AssetImportField, _ code: AssetImportErrorCode, _ value: String,
               otherRow: Int? = nil) -> AssetImportError {
        let header = fields[field].map { headers[$0] }
        let shown = ImportText.singleLine(value)
        return AssetImportError(row: row, column: header, code: code,
                                value: shown.isEmpty ? nil : ImportText.clipped(shown), otherRow: otherRow)
    }

    /// The asset (meaningful only without errors) and the row's problems, duplicates aside.
    func read(_ row: CSVRow) -> (AssetImportRow, [AssetImportError]) {
        var errors: [AssetImportError] = []
        func raw(_ field: AssetImportField) -> String? {
            fields[field].map { row[$0] }
        }
        func fail(_ field: AssetImportField, _ code: AssetImportErrorCode) {
            errors.append(error(row.number, field, code, raw(field) ?? ""))
        }
        func text(_ field: AssetImportField) -> String? {
            guard let cell = raw(field), !ImportText.isPlaceholder(cell) else { return nil }
            let value = field == .notes ? ImportText.multiLine(cell) : ImportText.singleLine(cell)
            guard ImportText.length(value) <= field.maxLength else {
                fail(field, .tooLong)
                return nil
            }
            return value
        }
        func converted<Value>(_ field: AssetImportField,
                              _ convert: (String) throws(AssetImportErrorCode) -> Value?) -> Value? {
            guard let cell = raw(field) else { return nil }
            do { return try convert(cell) } catch {
                fail(field, error)
                return nil
            }
        }
        func word<Value>(_ field: AssetImportField, _ unknown: AssetImportErrorCode,
                         _ lookup: (String) -> Value?) -> Value? {
            guard let cell = raw(field), !ImportText.isPlaceholder(cell) else { return nil }
            guard let value = lookup(cell) else {
                fail(field, unknown)
                return nil
            }
            return value
        }

        let name = text(.name)
        if name == nil, !errors.contains(where: { $0.code == .tooLong }) { fail(.name, .nameMissing) }
        var asset = AssetImportRow(
            row: row.number, kind: defaults.kind, tag: text(.tag), name: name ?? "", manufacturer: text(.manufacturer),
            model: text(.model), serial: text(.serial), purchaseDate: converted(.purchaseDate, AssetImportValues.date),
            supplier: text(.supplier), warrantyEnd: converted(.warrantyEnd, AssetImportValues.date),
            endOfSupport: converted(.endOfSupport, AssetImportValues.date),
            lifecycleState: word(.lifecycleState, .stateUnknown, AssetVocabulary.lifecycleState) ?? defaults.lifecycleState,
            notes: text(.notes), owner: text(.owner), site: text(.site))

        let kind = word(.kind, .kindUnknown, AssetVocabulary.kind)
        let subkind = word(.subkind, .subkindUnknown, AssetVocabulary.subkind)
        asset.kind = kind?.kind ?? (subkind == nil ? defaults.kind : .computer)
        asset.subkind = asset.kind == .computer ? subkind ?? kind?.subkind : nil
        if subkind != nil, asset.kind != .computer { fail(.subkind, .subkindNotComputer) }

        let cost = converted(.purchaseCost, AssetImportValues.cost)
        let column = word(.currency, .currencyInvalid, AssetImportValues.currency)
        asset.purchaseCostCents = cost?.cents
        asset.currency = column
        if let cost {
            if let code = cost.currency {
                if let column, column != code { fail(.purchaseCost, .currencyMismatch) }
                asset.currency = asset.currency ?? code
            } else if let preferred = cost.symbolCurrencies.first {
                if let column, !cost.symbolCurrencies.contains(column) { fail(.purchaseCost, .currencyMismatch) }
                let fallback = defaultCurrency.flatMap { cost.symbolCurrencies.contains($0) ? $0 : nil } ?? preferred
                asset.currency = asset.currency ?? fallback
            } else {
                asset.currency = asset.currency ?? defaultCurrency
            }
        }

        readCustom(row, into: &asset, errors: &errors)

        if row.cells.count > headers.count,
           let extra = row.cells[headers.count...].first(where: { !ImportText.isBlank($0) }) {
            errors.append(AssetImportError(row: row.number, column: nil, code: .extraCells,
                                           value: ImportText.clipped(ImportText.singleLine(extra))))
        }
        return (asset, errors)
    }

    /// Custom values into `asset.custom`, checked against the definitions of its kind if any.
    private func readCustom(_ row: CSVRow, into asset: inout AssetImportRow, errors: inout [AssetImportError]) {
        let known = definitions.map { $0[asset.kind] ?? [:] }
        func fail(_ index: Int?, _ code: AssetImportErrorCode, _ value: String?) {
            let shown = value.map { ImportText.clipped(ImportText.singleLine($0)) }
            errors.append(AssetImportError(row: row.number, column: index.map { headers[$0] }, code: code,
                                           value: shown?.isEmpty == false ? shown : nil))
        }
        for (key, index) in custom {
            let cell = row[index]
            guard !ImportText.isPlaceholder(cell) else { continue }
            var value = ImportText.singleLine(cell)
            guard let known else {
                if ImportText.length(value) > AssetImportLimits.maxCustomValueLength {
                    fail(index, .tooLong, value)
                } else {
                    asset.custom[key] = value
                }
                continue
            }
            guard let definition = known[key] else {
                fail(index, .customFieldUnknown, cell)
                continue
            }
            if definition.valueType == .text { value = ImportText.multiLine(cell) }
            if definition.valueType == .date, let date = try? AssetImportValues.date(cell) { value = date.description }
            guard let stored = definition.normalise(value) else {
                fail(index, .customValueInvalid, cell)
                continue
            }
            asset.custom[key] = stored
        }
        guard let known else { return }
        for definition in known.values.sorted(by: { $0.key < $1.key })
        where definition.required && asset.custom[definition.key] == nil {
            let index = custom.first(where: { $0.key == definition.key })?.column
            if let index, errors.contains(where: { $0.column == headers[index] }) { continue }
            fail(index, .customFieldRequired, nil)
        }
    }
}
