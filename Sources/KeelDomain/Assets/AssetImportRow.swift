import Foundation

/// Why a cell (or a row) cannot be imported. Raw values are the stable codes for translations.
public enum AssetImportErrorCode: String, Error, Sendable, Hashable, Codable, CaseIterable {
    /// The `name` cell is empty or a placeholder ("-", "N/A", "无").
    case nameMissing = "import.name_missing"
    /// Not a year-first date, or no such day ("2024-02-30").
    case dateInvalid = "import.date_invalid"
    /// Day-first or month-first ("05/03/2024"): refused rather than guessed.
    case dateAmbiguous = "import.date_ambiguous"
    /// Not an amount, negative, or finer than a cent.
    case costInvalid = "import.cost_invalid"
    /// Not an ISO 4217 code (or a common name such as "RMB", "人民币").
    case currencyInvalid = "import.currency_invalid"
    /// The cost cell names a currency ("USD 100", "€5") other than the row's currency column.
    case currencyMismatch = "import.currency_mismatch"
    case stateUnknown = "import.state_unknown"
    case kindUnknown = "import.kind_unknown"
    case subkindUnknown = "import.subkind_unknown"
    /// A computer subkind (laptop…) on a row whose kind is not `computer`.
    case subkindNotComputer = "import.subkind_not_computer"
    /// Longer than 255 code points (notes: 4000).
    case tooLong = "import.too_long"
    /// The same serial (ignoring case) as an earlier row of the file.
    case duplicateSerial = "import.duplicate_serial_in_file"
    /// The same asset tag (ignoring case) as an earlier row of the file.
    case duplicateTag = "import.duplicate_tag_in_file"
    /// Filled cells to the right of the last header column (often an unquoted "1,234.50").
    case extraCells = "import.extra_cells"
    /// With custom field definitions: the row's kind has no field with this column's key.
    case customFieldUnknown = "import.custom_field_unknown"
    /// With custom field definitions: the value does not fit the field (type, choice, length).
    case customValueInvalid = "import.custom_value_invalid"
    /// With custom field definitions: a required field of the row's kind is empty or unmapped.
    case customFieldRequired = "import.custom_field_required"
}

/// One problem in one row, as the preview lists it.
public struct AssetImportError: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The row as a spreadsheet numbers it (the header is normally row 1).
    public var row: Int
    /// The header of the offending column; nil for a whole-row problem (`extraCells`).
    public var column: String?
    public var code: AssetImportErrorCode
    /// The offending cell as written (cut to 200 code points); nil when empty.
    public var value: String?
    /// For duplicates: the earlier row holding the same value.
    public var otherRow: Int?

    public init(row: Int, column: String?, code: AssetImportErrorCode, value: String?, otherRow: Int? = nil) {
        self.row = row
        self.column = column
        self.code = code
        self.value = value
        self.otherRow = otherRow
    }

    public var description: String {
        var text = "row \(row)"
        if let column { text += ", \(column)" }
        text += ": \(code.rawValue)"
        if let value { text += " \"\(value)\"" }
        if let otherRow { text += " (as row \(otherRow))" }
        return text
    }
}

/// One importable asset, with typed and normalised values. Optional values are nil when the
/// cell was empty, a placeholder, or not mapped.
public struct AssetImportRow: Sendable, Hashable, Codable {
    /// The row as a spreadsheet numbers it.
    public var row: Int
    public var kind: AssetKind
    /// Only for computers; nil when unknown.
    public var subkind: AssetSubkind?
    public var tag: String?
    public var name: String
    public var manufacturer: String?
    public var model: String?
    public var serial: String?
    /// Encoded as "YYYY-MM-DD".
    public var purchaseDate: CivilDate?
    /// Hundredths of the currency unit.
    public var purchaseCostCents: Int?
    /// ISO 4217, upper case.
    public var currency: String?
    public var supplier: String?
    public var warrantyEnd: CivilDate?
    public var endOfSupport: CivilDate?
    public var lifecycleState: AssetLifecycleState
    /// Several lines allowed ("\n").
    public var notes: String?
    /// An email or a display name, as written: the server resolves it to a user.
    public var owner: String?
    /// A site name, as written: the server resolves it.
    public var site: String?
    /// Columns mapped to `custom:<key>`, by key; empty cells are left out. Checked and
    /// normalised (`AssetFieldDefinition.normalise`) when the plan was given definitions.
    public var custom: [String: String]

    public init(row: Int, kind: AssetKind, subkind: AssetSubkind? = nil, tag: String? = nil, name: String,
                manufacturer: String? = nil, model: String? = nil, serial: String? = nil, purchaseDate: CivilDate? = nil,
                purchaseCostCents: Int? = nil, currency: String? = nil, supplier: String? = nil,
                warrantyEnd: CivilDate? = nil, endOfSupport: CivilDate? = nil, lifecycleState: AssetLifecycleState,
                notes: String? = nil, owner: String? = nil, site: String? = nil, custom: [String: String] = [:]) {
        self.row = row; self.kind = kind; self.subkind = subkind; self.tag = tag; self.name = name
        self.manufacturer = manufacturer; self.model = model; self.serial = serial; self.purchaseDate = purchaseDate
        self.purchaseCostCents = purchaseCostCents; self.currency = currency; self.supplier = supplier
        self.warrantyEnd = warrantyEnd; self.endOfSupport = endOfSupport; self.lifecycleState = lifecycleState
        self.notes = notes; self.owner = owner; self.site = site; self.custom = custom
    }
}

/// What the importing organisation fills in when a row says nothing.
public struct AssetImportDefaults: Sendable, Hashable, Codable {
    /// The currency of costs written without one (e.g. "CNY"); nil or an invalid code leaves
    /// such rows without a currency.
    public var currency: String?
    /// The kind of rows with an empty kind cell (or no kind column).
    public var kind: AssetKind
    /// The state of rows with an empty state cell (or no state column).
    public var lifecycleState: AssetLifecycleState

    public init(currency: String? = nil, kind: AssetKind = .other, lifecycleState: AssetLifecycleState = .inUse) {
        self.currency = currency
        self.kind = kind
        self.lifecycleState = lifecycleState
    }
}
