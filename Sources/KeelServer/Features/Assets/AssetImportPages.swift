import Fluent
import Foundation
import KeelDomain
import Vapor

/// The import in the browser: upload a spreadsheet, see the guessed column mapping and
/// every row's problems, change the mapping, import when nothing is wrong. The file travels
/// back with the form (base64), so nothing is stored until the import itself.
enum AssetImportPages {
    struct Column: Encodable { let index: Int; let header: String; let targets: [SelectOption] }
    struct Problem: Encodable { let row: Int; let column: String; let message: String; let value: String }
    struct SampleRow: Encodable { let cells: [String] }
    struct Data_: Encodable {
        let organizations: [SelectOption]; let currency: String
        let hasFile: Bool; let fileName: String; let csv: String; let organizationId: String; let organization: String
        let columns: [Column]; let problems: [Problem]; let moreProblems: Int; let sample: [SampleRow]
        let rowCount: Int; let valid: Bool; let encoding: String
    }

    static func register(_ routes: any RoutesBuilder) {
        let upload = HTTPBodyStreamStrategy.collect(maxSize: ByteCount(integerLiteral: AssetImporter.maxBytes * 2))
        routes.get("assets", "import") { req async throws -> Response in
            try await page(req, file: nil)
        }
        routes.on(.POST, "assets", "import", body: upload) { req async throws -> Response in
            _ = try req.requireWebContext()
            struct Form: Content {
                var file: File?; var csv: String?; var fileName: String?; var organizationId: String?; var currency: String?; var commit: String?
            }
            let form = try req.content.decode(Form.self)
            // The re-check form is URL-encoded (the file rides along in base64); the upload is multipart.
            let values = req.headers.contentType == .urlEncodedForm ? try req.content.decode([String: String].self) : [:]
            var bytes: [UInt8] = []
            var fileName = form.fileName ?? ""
            if let file = form.file, file.data.readableBytes > 0 {
                bytes = Array(file.data.readableBytesView)
                fileName = file.filename
            } else if let csv = form.csv {
                bytes = [UInt8](Data(base64Encoded: csv) ?? Data())
            }
            let upload = Upload(bytes: bytes, fileName: String(fileName.prefix(200)), organizationId: form.organizationId ?? "",
                                currency: form.currency ?? "", mappingByIndex: values.filter { $0.key.hasPrefix("map.") })
            do {
                let importer = try await AssetImporter(req, organizationId: upload.organizationId)
                guard !bytes.isEmpty else { throw KeelError(.unprocessableEntity, "import.file_empty", field: "file") }
                let headers = (try? CSVTable.parse(bytes, maxRows: AssetImporter.maxRows, maxBytes: AssetImporter.maxBytes).headers) ?? []
                var mapping: [String: String]?
                if !upload.mappingByIndex.isEmpty {
                    mapping = Dictionary(headers.enumerated().map { ($0.element, upload.mappingByIndex["map.\($0.offset)"] ?? "ignore") },
                                         uniquingKeysWith: { first, _ in first })
                }
                let checked = try await importer.check(bytes: bytes, mapping: mapping, currency: upload.currency, mappingProblemsAreErrors: false)
                if form.commit == "1", checked.valid {
                    let created = try await importer.commit(checked, fileName: upload.fileName)
                    return req.redirect(to: "/assets?organizationId=\(upload.organizationId)&imported=\(created)", redirectType: .normal)
                }
                return try await page(req, file: upload, checked: checked)
            } catch let error as KeelError where error.status != .notFound && error.status != .forbidden {
                return try await page(req, file: upload, error: req.message(for: error).0)
            }
        }
    }

    struct Upload {
        let bytes: [UInt8]; let fileName: String; let organizationId: String; let currency: String; let mappingByIndex: [String: String]
    }

    /// Every target a column may take, in the caller's language.
    static func targets(_ req: Request, selected: String, customKeys: [(String, String)]) -> [SelectOption] {
        [SelectOption(value: "ignore", label: req.t("import.ignore"), selected: selected == "ignore")]
            + AssetImportField.allCases.map { SelectOption(value: $0.rawValue, label: req.t("import.field.\($0.rawValue)"), selected: $0.rawValue == selected) }
            + customKeys.map { SelectOption(value: "custom:\($0.0)", label: $0.1, selected: "custom:\($0.0)" == selected) }
    }

    static func page(_ req: Request, file: Upload?, checked: AssetImporter.Checked? = nil, error: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        guard context.isProviderStaff || context.role == .clientAdmin else { throw KeelError.forbidden }
        let organizations = try await req.tenant.organizations().sort(\.$name).all()
        let definitions = try await AssetFieldRecord.query(on: req.db).sort(\.$kind).sort(\.$position).all().compactMap(AssetFields.definition)
        let customKeys = Array(Set(definitions.map(\.key))).sorted().map { key in
            (key, definitions.first { $0.key == key }.map { $0.label(req.language) } ?? key)
        }
        let headers = checked?.table.headers ?? []
        let problems = checked.map { checked in
            checked.problems.map { Problem(row: $0.row, column: $0.column ?? "", message: $0.message, value: $0.value ?? "") }
        } ?? []
        let sample = (checked?.table.rows.prefix(10) ?? []).map { row in SampleRow(cells: headers.indices.map { row[$0] }) }
        let data = Data_(
            organizations: organizations.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == file?.organizationId) },
            currency: file?.currency ?? "", hasFile: checked != nil, fileName: file?.fileName ?? "",
            csv: file.map { Data($0.bytes).base64EncodedString() } ?? "", organizationId: file?.organizationId ?? "",
            organization: organizations.first { $0.id!.uuidString == file?.organizationId }?.name ?? "",
            columns: headers.enumerated().map { index, header in
                Column(index: index, header: header, targets: targets(req, selected: checked?.mapping[header].rawValue ?? "ignore", customKeys: customKeys))
            },
            problems: Array(problems.prefix(500)), moreProblems: max(0, problems.count - 500), sample: Array(sample),
            rowCount: checked?.plan.rowCount ?? 0, valid: checked?.valid ?? false, encoding: checked?.table.encoding.rawValue ?? "")
        let status: HTTPStatus = error != nil || (checked.map { !$0.valid } ?? false) ? .unprocessableEntity : .ok
        return try await req.renderPage("assets/import", status: status, data: data, error: error)
    }
}
