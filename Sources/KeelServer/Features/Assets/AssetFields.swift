import Fluent
import Foundation
import KeelDomain
import Vapor

struct AssetFieldInput: Content {
    var kind: String?
    var key: String?
    var labelEn: String?
    var labelZh: String?
    var valueType: String?
    var options: [String]?
    var required: Bool?
}

struct AssetFieldOut: Content {
    let id: UUID
    let kind: String
    let key: String
    let labelEn: String
    let labelZh: String
    let valueType: String
    let options: [String]
    let required: Bool
}

/// Custom fields per asset type (`/api/v1/asset-fields`): defined by provider admins for
/// every organisation, read by everyone who edits assets.
enum AssetFields {
    static func definition(_ record: AssetFieldRecord) -> AssetFieldDefinition? {
        guard let kind = AssetKind(rawValue: record.kind), let type = AssetFieldDefinition.ValueType(rawValue: record.valueType) else { return nil }
        let options = (try? JSONDecoder().decode([String].self, from: Data(record.options.utf8))) ?? []
        return AssetFieldDefinition(key: record.key, kind: kind, labelEn: record.labelEn, labelZh: record.labelZh,
                                    valueType: type, options: options, required: record.required)
    }

    static func definitions(for kind: String, on db: any Database) async throws -> [AssetFieldDefinition] {
        try await AssetFieldRecord.query(on: db).filter(\.$kind == kind).sort(\.$position).all().compactMap(definition)
    }

    static func out(_ record: AssetFieldRecord) -> AssetFieldOut {
        AssetFieldOut(id: record.id!, kind: record.kind, key: record.key, labelEn: record.labelEn, labelZh: record.labelZh,
                      valueType: record.valueType, options: definition(record)?.options ?? [], required: record.required)
    }

    static func register(_ api: API) {
        api.on(.GET, "asset-fields", "Custom fields per asset type", tag: "assets", response: "AssetFieldList") { req in
            _ = try req.requireContext()
            let rows = try await AssetFieldRecord.query(on: req.db).sort(\.$kind).sort(\.$position).all()
            return ListPage(items: rows.map(out), nextCursor: nil)
        }
        api.on(.POST, "asset-fields", "Add a custom field to an asset type (provider admins)", tag: "assets",
               body: "AssetFieldInput", response: "AssetField", status: 201) { req in
            let context = try req.requireContext()
            guard context.role == .providerAdmin, context.isProviderStaff else { throw KeelError.forbidden }
            let input = try req.content.decode(AssetFieldInput.self)
            guard let kind = AssetKind(rawValue: input.kind ?? "") else { throw KeelError.validation("kind", "asset_kind_invalid") }
            guard let type = AssetFieldDefinition.ValueType(rawValue: input.valueType ?? "text") else {
                throw KeelError.validation("valueType", "asset_field_type_invalid")
            }
            let definition = AssetFieldDefinition(key: input.key ?? "", kind: kind, labelEn: (input.labelEn ?? "").trimmingCharacters(in: .whitespaces),
                                                  labelZh: (input.labelZh ?? "").trimmingCharacters(in: .whitespaces), valueType: type,
                                                  options: (input.options ?? []).map { $0.trimmingCharacters(in: .whitespaces) },
                                                  required: input.required ?? false)
            if let problem = definition.problem() { throw KeelError.validation(problem.field, problem.code) }
            let taken = try await AssetFieldRecord.query(on: req.db).filter(\.$kind == kind.rawValue).filter(\.$key == definition.key).count()
            guard taken == 0 else { throw KeelError.conflict("asset_field_key_taken", field: "key") }
            let position = try await AssetFieldRecord.query(on: req.db).filter(\.$kind == kind.rawValue).count()
            let record = AssetFieldRecord()
            record.id = UUID()
            record.kind = kind.rawValue
            record.key = definition.key
            record.labelEn = definition.labelEn
            record.labelZh = definition.labelZh
            record.valueType = type.rawValue
            record.options = String(decoding: try JSONEncoder().encode(definition.options), as: UTF8.self)
            record.required = definition.required
            record.position = position
            record.createdAt = Date()
            let actor = context.actor
            let changes = ChangeSet.creating(["kind": kind.rawValue, "key": definition.key, "valueType": type.rawValue])
            try await req.application.write { db in
                try await record.create(on: db)
                try await AuditLog.append(on: db, actor: actor, organizationID: nil, action: "asset_field.create", entityType: "asset_field",
                                          entityID: record.id?.uuidString.lowercased(), changes: changes)
            }
            return try await out(record).response(status: .created, for: req)
        }
        api.on(.DELETE, "asset-fields/{fieldID}", "Remove a custom field (values already stored stay in the assets' history)",
               tag: "assets", status: 204) { req in
            let context = try req.requireContext()
            guard let record = try await AssetFieldRecord.find(try req.idParameter("fieldID"), on: req.db) else { throw KeelError.notFound }
            guard context.role == .providerAdmin, context.isProviderStaff else { throw KeelError.forbidden }
            let actor = context.actor
            let changes = ChangeSet.single("key", before: record.key, after: nil)
            try await req.application.write { db in
                try await record.delete(on: db)
                try await AuditLog.append(on: db, actor: actor, organizationID: nil, action: "asset_field.delete", entityType: "asset_field",
                                          entityID: record.id?.uuidString.lowercased(), changes: changes)
            }
            return HTTPStatus.noContent
        }
    }
}
