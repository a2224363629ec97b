import Fluent
import Foundation
import KeelDomain
import Vapor

struct AssetImportInput: Content {
    var organizationId: String?
    /// The spreadsheet's bytes (CSV in any of UTF-8, UTF-16 or GB18030), base64.
    var csv: String?
    /// Column header → field (`name`, `serial`, …, `custom:<key>` or `ignore`); guessed when absent.
    var mapping: [String: String]?
    /// The currency of costs written without one (default: none).
    var currency: String?
}

struct AssetImportProblemOut: Content {
    let row: Int
    let column: String?
    let code: String
    let message: String
    let value: String?
}

struct AssetImportPreviewOut: Content {
    let headers: [String]
    let mapping: [String: String]
    let encoding: String
    let rowCount: Int
    let validRowCount: Int
    let errorCount: Int
    let valid: Bool
    let problems: [AssetImportProblemOut]
    /// The first rows as they would be created.
    let sample: [AssetInput]
}

struct AssetImportResultOut: Content {
    let created: Int
}

/// CSV import with a preview (`/api/v1/assets/import/preview`) and an all-or-nothing commit
/// (`/api/v1/assets/import`). The domain reads the file and checks each row; here the rows
/// are also checked against the organisation's data (serials and tags already in the ledger,
/// owners by email or name, sites by name), and either every row goes in, in one transaction,
/// or none does.
struct AssetImporter {
    static let maxBytes = 5 << 20
    static let maxRows = 10_000

    struct Checked {
        let table: CSVTable
        let mapping: AssetImportMapping
        let plan: AssetImportPlan
        /// The mapping's, the rows' (as listed by the plan) and the ledger's problems.
        let problems: [AssetImportProblemOut]
        /// Rows refused by the ledger checks (existing serials, unknown owners…).
        let ledgerRows: Set<Int>
        let inputs: [AssetInput]
        var valid: Bool { problems.isEmpty && plan.isValid }
        /// Every problem, including rows' problems beyond the listed ones.
        var problemCount: Int { plan.errorCount + plan.mappingErrors.count + problems.count - plan.errors.count - plan.mappingErrors.count }
    }

    let request: Request
    let organization: Organization

    init(_ request: Request, organizationId: String?) async throws {
        self.request = request
        let context = try request.requireContext()
        organization = try await request.tenant.organization(UUID(uuidString: organizationId ?? ""))
        guard context.isProviderStaff || context.role == .clientAdmin else { throw KeelError.forbidden }
    }

    /// Reads and checks the file. A mapping with problems is an error for the API; the page
    /// (`mappingProblemsAreErrors: false`) shows them beside the columns to choose again.
    func check(bytes: [UInt8], mapping raw: [String: String]?, currency: String?, mappingProblemsAreErrors: Bool = true) async throws -> Checked {
        let table: CSVTable
        do {
            table = try CSVTable.parse(bytes, maxRows: Self.maxRows, maxBytes: Self.maxBytes)
        } catch {
            throw KeelError(.unprocessableEntity, error.code, field: "csv")
        }
        var mapping = AssetImportMapping.guess(headers: table.headers)
        if let raw {
            var targets: [String: AssetImportTarget] = [:]
            for (column, value) in raw {
                guard let target = AssetImportTarget(rawValue: value) else {
                    throw KeelError(.unprocessableEntity, AssetImportMappingError.unknownTarget(column: column, target: value).code, field: "mapping")
                }
                targets[column] = target
            }
            mapping = AssetImportMapping(targets)
        }
        if mappingProblemsAreErrors, let problem = mapping.problems(headers: table.headers).first {
            throw KeelError(.unprocessableEntity, problem.code, field: "mapping")
        }
        let definitions = try await AssetFieldRecord.query(on: request.db).all().compactMap(AssetFields.definition)
        let plan = AssetImportPlan.build(table: table, mapping: mapping,
                                         defaults: AssetImportDefaults(currency: currency.flatMap { $0.isEmpty ? nil : $0.uppercased() }),
                                         customFields: definitions)
        var problems = plan.mappingErrors.map { problem(0, nil, $0.code, nil) }
            + plan.errors.map { problem($0.row, $0.column, $0.code.rawValue, $0.value) }
        var inputs: [AssetInput] = []
        var ledgerRows = Set<Int>()
        if plan.errorCount == 0 && plan.mappingErrors.isEmpty {
            (inputs, problems) = try await resolve(plan.rows, mapping: mapping, headers: table.headers)
            ledgerRows = Set(problems.map(\.row))
        }
        return Checked(table: table, mapping: mapping, plan: plan, problems: problems, ledgerRows: ledgerRows, inputs: inputs)
    }

    private func problem(_ row: Int, _ column: String?, _ code: String, _ value: String?) -> AssetImportProblemOut {
        AssetImportProblemOut(row: row, column: column, code: code, message: request.t("error.\(code)"), value: value)
    }

    /// Checks the rows against the ledger and the organisation's people and sites, in four
    /// queries whatever the number of rows; returns the API inputs or the problems.
    private func resolve(_ rows: [AssetImportRow], mapping: AssetImportMapping, headers: [String]) async throws
        -> ([AssetInput], [AssetImportProblemOut]) {
        let organizationID = try organization.requireID()
        let tenant = try request.tenant
        func column(_ field: AssetImportField) -> String? { headers.first { mapping[$0] == .field(field) } }
        let serials = Array(Set(rows.compactMap(\.serial)))
        let tags = Array(Set(rows.compactMap(\.tag)))
        let takenSerials = serials.isEmpty ? [] : try await tenant.assets().filter(\.$organization.$id == organizationID)
            .filter(\.$serial ~~ serials).all().compactMap { $0.serial?.uppercased() }
        let takenTags = tags.isEmpty ? [] : try await tenant.assets().filter(\.$organization.$id == organizationID)
            .filter(\.$tag ~~ tags).all().compactMap { $0.tag?.uppercased() }
        let people = try await tenant.users().filter(\.$organization.$id == organizationID).all()
        var peopleByKey: [String: UUID] = [:]
        for person in people {
            peopleByKey[person.email.lowercased()] = person.id
            peopleByKey[person.name.lowercased()] = peopleByKey[person.name.lowercased()] ?? person.id
        }
        let sites = try await tenant.sites(of: organizationID).all()
        let sitesByName = Dictionary(sites.map { ($0.name.lowercased(), $0.id!) }, uniquingKeysWith: { first, _ in first })
        var problems: [AssetImportProblemOut] = []
        var inputs: [AssetInput] = []
        for row in rows {
            if let serial = row.serial, takenSerials.contains(serial.uppercased()) {
                problems.append(problem(row.row, column(.serial), "import.serial_exists", serial))
            }
            if let tag = row.tag, takenTags.contains(tag.uppercased()) {
                problems.append(problem(row.row, column(.tag), "import.tag_exists", tag))
            }
            var ownerID: UUID?
            if let owner = row.owner {
                ownerID = peopleByKey[owner.lowercased()]
                if ownerID == nil { problems.append(problem(row.row, column(.owner), "import.owner_unknown", owner)) }
            }
            var siteID: UUID?
            if let site = row.site {
                siteID = sitesByName[site.lowercased()]
                if siteID == nil { problems.append(problem(row.row, column(.site), "import.site_unknown", site)) }
            }
            inputs.append(AssetInput(
                organizationId: organizationID.uuidString, kind: row.kind.rawValue, subkind: row.subkind?.rawValue ?? "",
                siteId: siteID?.uuidString, ownerId: ownerID?.uuidString, tag: row.tag, name: row.name, manufacturer: row.manufacturer,
                model: row.model, serial: row.serial, purchaseDate: row.purchaseDate?.description, purchaseCostCents: row.purchaseCostCents,
                currency: row.currency, supplier: row.supplier, warrantyEnd: row.warrantyEnd?.description,
                endOfSupport: row.endOfSupport?.description, lifecycleState: row.lifecycleState.rawValue, notes: row.notes,
                customFields: row.custom))
        }
        return (inputs, problems)
    }

    /// All rows in one transaction, each audited and with its first lifecycle entry.
    func commit(_ checked: Checked, fileName: String) async throws -> Int {
        guard checked.valid else {
            throw KeelError(.unprocessableEntity, "import_has_errors", field: "csv",
                            values: ["count": String(checked.problemCount)])
        }
        let context = try request.requireContext()
        let organizationID = try organization.requireID()
        let now = Date()
        var assets: [(Asset, AssetLifecycleState)] = []
        for input in checked.inputs {
            let asset = Asset()
            asset.id = UUID()
            asset.$organization.id = organizationID
            asset.kind = input.kind ?? "other"
            asset.subkind = input.subkind ?? ""
            asset.name = input.name ?? ""
            asset.tag = input.tag; asset.manufacturer = input.manufacturer; asset.model = input.model; asset.serial = input.serial
            asset.purchaseDate = input.purchaseDate; asset.purchaseCostCents = input.purchaseCostCents; asset.currency = input.currency
            asset.supplier = input.supplier; asset.warrantyEnd = input.warrantyEnd; asset.endOfSupport = input.endOfSupport
            asset.notes = input.notes ?? ""
            asset.macs = ""
            asset.$owner.id = input.ownerId.flatMap(UUID.init(uuidString:))
            asset.$site.id = input.siteId.flatMap(UUID.init(uuidString:))
            let state = AssetLifecycleState(rawValue: input.lifecycleState ?? "") ?? .inUse
            asset.lifecycleState = state.rawValue
            if let custom = input.customFields, !custom.isEmpty {
                asset.customFields = String(decoding: try JSONEncoder.sorted.encode(custom), as: UTF8.self)
            }
            asset.createdAt = now
            asset.updatedAt = now
            assets.append((asset, state))
        }
        let actor = context.actor, label = context.user.name, prepared = assets
        let note = request.t("asset.imported_from", ["file": fileName])
        try await request.application.write { db in
            for (asset, state) in prepared {
                try await asset.create(on: db)
                try await AssetLedger.recordMove(asset, from: nil, to: state, note: note, by: actor.userID, label: label, at: now, on: db)
                try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "asset.import",
                                          entityType: "asset", entityID: asset.id?.uuidString.lowercased(),
                                          changes: .creating(["name": asset.name, "serial": asset.serial, "file": fileName]))
            }
        }
        return prepared.count
    }

    func preview(_ checked: Checked) -> AssetImportPreviewOut {
        AssetImportPreviewOut(
            headers: checked.table.headers,
            mapping: Dictionary(uniqueKeysWithValues: checked.table.headers.map { ($0, checked.mapping[$0].rawValue) }),
            encoding: checked.table.encoding.rawValue, rowCount: checked.plan.rowCount,
            validRowCount: checked.plan.validRowCount - checked.ledgerRows.count,
            errorCount: checked.problemCount, valid: checked.valid,
            problems: Array(checked.problems.prefix(1000)), sample: Array(checked.inputs.prefix(20)))
    }

    static func decode(_ base64: String?) throws -> [UInt8] {
        guard let base64, let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw KeelError(.unprocessableEntity, "import.file_empty", field: "csv")
        }
        return [UInt8](data)
    }

    static func register(_ api: API) {
        api.on(.POST, "assets/import/preview", "Check a CSV file: guessed or given column mapping, per-row problems, a sample",
               tag: "assets", body: "AssetImportInput", maxBody: maxBytes * 2, response: "AssetImportPreview") { req in
            let input = try req.content.decode(AssetImportInput.self)
            let importer = try await AssetImporter(req, organizationId: input.organizationId)
            return importer.preview(try await importer.check(bytes: try decode(input.csv), mapping: input.mapping, currency: input.currency))
        }
        api.on(.POST, "assets/import", "Import every row of a CSV file, or none when any row has a problem", tag: "assets",
               body: "AssetImportInput", maxBody: maxBytes * 2, response: "AssetImportResult", status: 201) { req in
            let input = try req.content.decode(AssetImportInput.self)
            let importer = try await AssetImporter(req, organizationId: input.organizationId)
            let checked = try await importer.check(bytes: try decode(input.csv), mapping: input.mapping, currency: input.currency)
            let created = try await importer.commit(checked, fileName: "api")
            return try await AssetImportResultOut(created: created).response(status: .created, for: req)
        }
    }
}
