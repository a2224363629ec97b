import Fluent
import Foundation
import SQLKit
import KeelDomain
import Vapor

/// A named install-wide setting stored as JSON text.
final class InstallSetting: Model, @unchecked Sendable {
    static let schema = "install_settings"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "value") var value: String
    @Timestamp(key: "updated_at", on: .none) var updatedAt: Date?

    init() {}
}

struct PriorityMatrixOut: Content {
    let source: String
    let matrix: PriorityMatrix
}

/// The install's impact × urgency → priority matrix (INTEROP's default until a provider
/// admin changes it). A change applies to tickets classified from then on; tickets keep
/// the priority they have, since their SLA clocks were set by it.
enum PriorityMatrixSetting {
    static let key = "priority_matrix"

    static func current(on sql: any SQLDatabase) async throws -> (PriorityMatrix, String) {
        guard let row = try await sql.raw("SELECT value FROM install_settings WHERE name = \(bind: key)").first(),
              let matrix = Definitions.matrices.decode(try row.decode(column: "value", as: String.self)) else {
            return (.standard, "builtin")
        }
        return (matrix, "install")
    }

    static func save(_ matrix: PriorityMatrix, req: Request) async throws {
        let context = try req.requireContext()
        guard context.isProviderAdmin else { throw KeelError.forbidden }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(matrix), as: UTF8.self)
        let existing = try await InstallSetting.find(key, on: req.db)
        let record = existing ?? InstallSetting()
        let changes = ChangeSet.single("matrix", before: existing?.value, after: text)
        record.id = key
        record.value = text
        record.updatedAt = Date()
        try await req.application.write { db in
            if existing == nil { try await record.create(on: db) } else { try await record.update(on: db) }
            try await AuditLog.append(on: db, actor: context.actor, organizationID: nil, action: "priority_matrix.update",
                                      entityType: "setting", entityID: key, changes: changes)
        }
    }

    static func register(_ api: API) {
        api.on(.GET, "priority-matrix", "The impact × urgency → priority matrix", tag: "tickets", response: "PriorityMatrixOut") { req in
            _ = try req.requireContext()
            let (matrix, source) = try await current(on: req.db.sql)
            return PriorityMatrixOut(source: source, matrix: matrix)
        }
        api.on(.PUT, "priority-matrix", "Replace the priority matrix (provider admins)", tag: "tickets", body: "PriorityMatrix",
               response: "PriorityMatrixOut") { req in
            guard try req.requireContext().isProviderAdmin else { throw KeelError.forbidden }
            guard let body = req.body.data, body.readableBytes > 0 else { throw KeelError(.badRequest, "malformed_body") }
            let matrix: PriorityMatrix
            do {
                matrix = try JSONDecoder().decode(PriorityMatrix.self, from: Data(buffer: body))
            } catch let error as DecodingError {
                throw KeelErrorMiddleware.classify(error)
            }
            try await save(matrix, req: req)
            return PriorityMatrixOut(source: "install", matrix: matrix)
        }
    }

    // MARK: - The page

    struct Cell: Encodable { let name: String; let options: [SelectOption] }
    struct Row: Encodable { let impact: String; let cells: [Cell] }
    struct PageData: Encodable { let urgencies: [String]; let rows: [Row]; let canEdit: Bool; let source: String }

    static func registerPages(_ routes: any RoutesBuilder) {
        routes.get("priority-matrix") { req async throws -> Response in
            try await page(req, matrix: nil)
        }
        routes.post("priority-matrix") { req async throws -> Response in
            _ = try req.requireWebContext()
            var table: [Impact: [Urgency: Priority]] = [:]
            for impact in Impact.allCases {
                for urgency in Urgency.allCases {
                    let raw = try? req.content.get(String.self, at: "\(impact.rawValue)_\(urgency.rawValue)")
                    guard let priority = raw.flatMap(Priority.init(rawValue:)) else {
                        throw KeelError.validation("\(impact.rawValue)_\(urgency.rawValue)", "priority_invalid")
                    }
                    table[impact, default: [:]][urgency] = priority
                }
            }
            guard let matrix = PriorityMatrix(table) else { throw KeelError(.badRequest, "bad_request") }
            try await save(matrix, req: req)
            return req.redirect(to: "/priority-matrix?notice=saved", redirectType: .normal)
        }
    }

    private static func page(_ req: Request, matrix chosen: PriorityMatrix?) async throws -> Response {
        let context = try req.requireWebContext()
        guard context.isProviderStaff else { throw KeelError.notFound }
        let (stored, source) = try await current(on: req.db.sql)
        let matrix = chosen ?? stored
        let rows = Impact.allCases.map { impact in
            Row(impact: req.t("impact.\(impact.rawValue)"), cells: Urgency.allCases.map { urgency in
                let value = matrix.priority(impact: impact, urgency: urgency)
                return Cell(name: "\(impact.rawValue)_\(urgency.rawValue)", options: Priority.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("priority.\($0.rawValue)"), selected: $0 == value)
                })
            })
        }
        let data = PageData(urgencies: Urgency.allCases.map { req.t("urgency.\($0.rawValue)") }, rows: rows,
                            canEdit: context.isProviderAdmin, source: req.t("matrix.source.\(source)"))
        return try await req.renderPage("priority-matrix", data: data)
    }
}
