import Fluent
import Foundation
import KeelDomain
import Vapor

/// What a person may write on an asset by hand. On create `name` is required; on update
/// only the fields present change, and an empty string clears an optional one. A new
/// `lifecycleState` is a move, checked and kept with who and when.
struct AssetInput: Content {
    var organizationId: String?
    var kind: String?
    var subkind: String?
    var siteId: String?
    var ownerId: String?
    var tag: String?
    var name: String?
    var manufacturer: String?
    var model: String?
    var serial: String?
    var purchaseDate: String?
    var purchaseCostCents: Int?
    var currency: String?
    var supplier: String?
    var warrantyEnd: String?
    var endOfSupport: String?
    var endOfLife: String?
    var lifecycleState: String?
    /// Why the state changed ("screen broken, sent to Lenovo").
    var lifecycleNote: String?
    var notes: String?
    var customFields: [String: String]?
}

/// Writes to the ledger by people (the agent writes through `InventoryStore`): checks the
/// input, applies it, records lifecycle moves and audits, all in one transaction.
struct AssetLedger {
    let request: Request
    let context: RequestContext
    var tenant: TenantData { get throws { try request.tenant } }

    init(_ request: Request) throws {
        self.request = request
        self.context = try request.requireContext()
    }

    /// Provider staff and the organisation's client admins keep the ledger; client users read.
    func requireWriter() throws {
        guard context.isProviderStaff || context.role == .clientAdmin else { throw KeelError.forbidden }
    }

    func create(_ input: AssetInput, via label: String? = nil) async throws -> Asset {
        try requireWriter()
        let organization = try await tenant.organization(UUID(uuidString: input.organizationId ?? ""))
        let asset = Asset()
        asset.id = UUID()
        asset.$organization.id = try organization.requireID()
        asset.kind = AssetKind.other.rawValue
        asset.subkind = ""
        asset.name = ""
        asset.notes = ""
        asset.macs = ""
        asset.lifecycleState = AssetLifecycleState.inUse.rawValue
        guard input.name != nil else { throw KeelError.validation("name", "name_invalid") }
        var changes = ChangeSet()
        let initial = try input.lifecycleState.map { raw -> AssetLifecycleState in
            guard let state = AssetLifecycleState(rawValue: raw) else { throw KeelError.validation("lifecycleState", "asset_state_invalid") }
            return state
        } ?? .inUse
        var copy = input
        copy.lifecycleState = nil
        // Required custom fields of the type hold on create even when none are given.
        copy.customFields = input.customFields ?? [:]
        try await apply(copy, to: asset, changes: &changes)
        asset.lifecycleState = initial.rawValue
        let now = Date()
        asset.createdAt = now
        asset.updatedAt = now
        let actor = context.actor, name = context.user.name, note = String((input.lifecycleNote ?? "").prefix(1000))
        let recorded = ChangeSet.creating(["name": asset.name, "kind": asset.kind, "serial": asset.serial, "lifecycleState": initial.rawValue])
        try await request.application.write { db in
            try await asset.create(on: db)
            try await Self.recordMove(asset, from: nil, to: initial, note: note, by: actor.userID, label: label ?? name, at: now, on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: asset.$organization.id, action: "asset.create",
                                      entityType: "asset", entityID: asset.id?.uuidString.lowercased(), changes: recorded)
        }
        return asset
    }

    func update(_ id: UUID, _ input: AssetInput) async throws -> Asset {
        let asset = try await tenant.asset(id)
        try requireWriter()
        var changes = ChangeSet()
        var move: (AssetLifecycleState, AssetLifecycleState)?
        if let raw = input.lifecycleState {
            guard let target = AssetLifecycleState(rawValue: raw) else { throw KeelError.validation("lifecycleState", "asset_state_invalid") }
            let current = AssetLifecycleState(rawValue: asset.lifecycleState) ?? .inUse
            if target != current {
                guard current.canMove(to: target) else {
                    throw KeelError(.conflict, "asset_state_transition", field: "lifecycleState",
                                    values: ["from": request.t("asset.state.\(current.rawValue)"), "to": request.t("asset.state.\(target.rawValue)")])
                }
                move = (current, target)
                changes.record("lifecycleState", before: current.rawValue, after: target.rawValue)
                asset.lifecycleState = target.rawValue
            }
        }
        var copy = input
        copy.organizationId = nil
        copy.lifecycleState = nil
        try await apply(copy, to: asset, changes: &changes)
        guard !changes.isEmpty else { return asset }
        let now = Date()
        asset.updatedAt = now
        let actor = context.actor, name = context.user.name, note = String((input.lifecycleNote ?? "").prefix(1000))
        let recorded = changes, movement = move
        try await request.application.write { db in
            try await asset.update(on: db)
            if let movement {
                try await Self.recordMove(asset, from: movement.0, to: movement.1, note: note, by: actor.userID, label: name, at: now, on: db)
            }
            try await AuditLog.append(on: db, actor: actor, organizationID: asset.$organization.id,
                                      action: movement != nil && recorded.entries.count == 1 ? "asset.lifecycle" : "asset.update",
                                      entityType: "asset", entityID: asset.id?.uuidString.lowercased(), changes: recorded)
        }
        return asset
    }

    static func recordMove(_ asset: Asset, from: AssetLifecycleState?, to: AssetLifecycleState, note: String, by userID: UUID?,
                           label: String, at: Date, on db: any Database) async throws {
        let event = AssetLifecycleEvent()
        event.$asset.id = try asset.requireID()
        event.fromState = from?.rawValue
        event.toState = to.rawValue
        event.at = at
        event.byUserID = userID
        event.byLabel = label
        event.note = note
        try await event.create(on: db)
    }

    /// Checks and copies every field present in `input`, recording what changed.
    func apply(_ input: AssetInput, to asset: Asset, changes: inout ChangeSet) async throws {
        let organizationID = asset.$organization.id
        if let raw = input.kind {
            guard let kind = AssetKind(rawValue: raw) else { throw KeelError.validation("kind", "asset_kind_invalid") }
            changes.record("kind", before: asset.kind, after: kind.rawValue)
            asset.kind = kind.rawValue
        }
        if let raw = input.subkind {
            changes.record("subkind", before: asset.subkind, after: raw)
            asset.subkind = raw
        }
        guard AssetKind(rawValue: asset.kind)?.accepts(subkind: asset.subkind) ?? false else {
            throw KeelError.validation("subkind", "asset_subkind_invalid")
        }
        if let raw = input.name {
            guard let name = FieldRules.cleanText(raw, maximum: 200) else { throw KeelError.validation("name", "name_invalid") }
            changes.record("name", before: asset.name, after: name)
            asset.name = name
        }
        try LedgerFields.text(input.tag, "tag", on: asset, \.tag, &changes)
        try LedgerFields.text(input.manufacturer, "manufacturer", on: asset, \.manufacturer, &changes)
        try LedgerFields.text(input.model, "model", on: asset, \.model, &changes)
        try LedgerFields.text(input.serial, "serial", on: asset, \.serial, &changes)
        try LedgerFields.text(input.supplier, "supplier", on: asset, \.supplier, &changes)
        try LedgerFields.day(input.purchaseDate, "purchaseDate", on: asset, \.purchaseDate, &changes)
        try LedgerFields.day(input.warrantyEnd, "warrantyEnd", on: asset, \.warrantyEnd, &changes)
        try LedgerFields.day(input.endOfSupport ?? input.endOfLife, "endOfSupport", on: asset, \.endOfSupport, &changes)
        try LedgerFields.money(cents: input.purchaseCostCents, currency: input.currency, on: asset, \.purchaseCostCents, \.currency,
                               centsField: "purchaseCostCents", &changes)
        if let raw = input.notes {
            guard raw.count <= 10_000 else { throw KeelError.validation("notes", "text_too_long", values: ["max": "10000"]) }
            changes.record("notes", before: asset.notes, after: raw)
            asset.notes = raw
        }
        if let raw = input.siteId {
            let site = raw.isEmpty ? nil : try await tenant.site(UUID(uuidString: raw), in: organizationID).requireID()
            changes.record("siteId", before: asset.$site.id?.uuidString.lowercased(), after: site?.uuidString.lowercased())
            asset.$site.id = site
        }
        if let raw = input.ownerId {
            var owner: UUID?
            if !raw.isEmpty {
                let person = try await tenant.user(UUID(uuidString: raw))
                guard person.$organization.id == organizationID else { throw KeelError.validation("ownerId", "asset_owner_invalid") }
                owner = try person.requireID()
            }
            changes.record("ownerId", before: asset.$owner.id?.uuidString.lowercased(), after: owner?.uuidString.lowercased())
            asset.$owner.id = owner
        }
        if let values = input.customFields {
            let definitions = try await AssetFields.definitions(for: asset.kind, on: request.db)
            let stored: [String: String]
            do {
                stored = try AssetCustomFields.validate(values, definitions: definitions)
            } catch {
                throw KeelError.validation("customFields.\(error.key)", error.code)
            }
            let json = stored.isEmpty ? nil : String(decoding: try JSONEncoder.sorted.encode(stored), as: UTF8.self)
            changes.record("customFields", before: asset.customFields, after: json)
            asset.customFields = json
        }
    }

}

/// Optional fields shared by assets and licences, each checked the same way: an empty
/// string clears the field, and every change is recorded for the audit.
enum LedgerFields {
    static func text<M>(_ raw: String?, _ field: String, on model: M, _ key: ReferenceWritableKeyPath<M, String?>,
                        _ changes: inout ChangeSet) throws {
        guard let raw else { return }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.isEmpty || FieldRules.cleanText(value, maximum: 200) != nil else { throw KeelError.validation(field, "asset_text_invalid") }
        changes.record(field, before: model[keyPath: key], after: value.isEmpty ? nil : value)
        model[keyPath: key] = value.isEmpty ? nil : value
    }

    static func day<M>(_ raw: String?, _ field: String, on model: M, _ key: ReferenceWritableKeyPath<M, String?>,
                       _ changes: inout ChangeSet) throws {
        guard let raw else { return }
        guard raw.isEmpty || AssetDates.day(raw) != nil else { throw KeelError.validation(field, "date_invalid") }
        changes.record(field, before: model[keyPath: key], after: raw.isEmpty ? nil : raw)
        model[keyPath: key] = raw.isEmpty ? nil : raw
    }

    /// An amount in cents (0 to 10 billion) and an ISO 4217 code, stored upper case.
    static func money<M>(cents: Int?, currency: String?, on model: M, _ centsKey: ReferenceWritableKeyPath<M, Int?>,
                         _ currencyKey: ReferenceWritableKeyPath<M, String?>, centsField: String, _ changes: inout ChangeSet) throws {
        if let cents {
            guard (0...1_000_000_000_00).contains(cents) else { throw KeelError.validation(centsField, "asset_cost_invalid") }
            changes.record(centsField, before: model[keyPath: centsKey].map(String.init), after: String(cents))
            model[keyPath: centsKey] = cents
        }
        if let raw = currency {
            let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
            guard code.isEmpty || (code.count == 3 && code.allSatisfy { $0 >= "A" && $0 <= "Z" }) else {
                throw KeelError.validation("currency", "asset_currency_invalid")
            }
            changes.record("currency", before: model[keyPath: currencyKey], after: code.isEmpty ? nil : code)
            model[keyPath: currencyKey] = code.isEmpty ? nil : code
        }
    }
}

extension JSONEncoder {
    /// Stable output for values stored as JSON text (so unchanged input compares equal).
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
