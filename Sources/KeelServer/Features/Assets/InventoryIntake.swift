import Fluent
import Foundation
import KeelDomain
import Vapor

/// `POST /inventory/{enrolmentKey}`: the FusionInventory agent's protocol (API.md, INTEROP
/// section 1). Bodies are zlib, gzip or plain XML, told apart by their bytes; answers are
/// `<REPLY>` documents. Refusals are plain text in the caller's language with a 4xx, and
/// are logged; a refused document changes nothing.
enum InventoryIntake {
    /// The largest body taken off the wire, and the largest document after inflating.
    static let maxBody = 16 << 20
    static let maxDocument = 32 << 20

    static func register(_ app: Application) {
        app.on(.POST, "inventory", ":enrolmentKey", body: .collect(maxSize: ByteCount(integerLiteral: maxBody))) { req async throws -> Response in
            try await handle(req)
        }
        // The agent appends /ocsinventory to a URL without a path only; some set it anyway.
        app.on(.POST, "inventory", ":enrolmentKey", "ocsinventory", body: .collect(maxSize: ByteCount(integerLiteral: maxBody))) { req async throws -> Response in
            try await handle(req)
        }
    }

    static func handle(_ req: Request) async throws -> Response {
        let key = req.parameters.get("enrolmentKey") ?? ""
        guard let organizationID = try await EnrolmentKeys.organization(for: key, on: req.db) else {
            req.logger.warning("inventory refused: unknown enrolment key", metadata: ["address": "\(req.remoteAddress?.description ?? "-")"])
            return refuse(req, .forbidden, "inventory_key_unknown")
        }
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { return refuse(req, .badRequest, "inventory_body_empty") }
        let raw = Array(buffer.readableBytesView)
        let document: [UInt8]
        do {
            switch InventoryBody.detect(raw) {
            case .zlib: document = try Inflate.decompress(raw, format: .zlib, limit: maxDocument)
            case .gzip: document = try Inflate.decompress(raw, format: .gzip, limit: maxDocument)
            case .xml: document = raw
            default: return refuse(req, .unsupportedMediaType, "inventory_body_unknown")
            }
        } catch Inflate.Failure.tooLarge {
            return refuse(req, .payloadTooLarge, "inventory_too_large")
        } catch {
            return refuse(req, .badRequest, "inventory_body_corrupt")
        }
        let message: FusionInventoryMessage
        do {
            message = try FusionInventoryReader.read(document)
        } catch {
            req.logger.warning("inventory refused", metadata: ["reason": "\(error.code)", "organization": "\(organizationID)"])
            let status: HTTPResponseStatus = error == .tooLarge ? .payloadTooLarge : .badRequest
            return refuse(req, status, error.code.replacingOccurrences(of: ".", with: "_"))
        }
        switch message {
        case .prolog:
            return reply(FusionInventoryReply.prolog(frequencyHours: 24, send: true))
        case .inventory(let inventory, _):
            let store = InventoryStore(organizationID: organizationID)
            let now = Date()
            let address = req.remoteAddress?.ipAddress
            let fingerprint = inventory.fingerprint.description
            // The common case first, with the write gate held only for the "last seen" update.
            if let assetID = try await store.unchangedAsset(inventory, fingerprint: fingerprint, on: req.db),
               try await req.application.write({ db in try await store.touch(assetID, inventory, fingerprint: fingerprint, on: db, now: now) }) {
                return reply(FusionInventoryReply.inventoryAccepted)
            }
            let prepared = try InventoryStore.prepare(inventory, fingerprint: fingerprint)
            let outcome = try await req.application.write { db in
                let outcome = try await store.apply(prepared, on: db, now: now)
                try await audit(outcome, inventory: inventory, organizationID: organizationID, on: db, address: address)
                return outcome
            }
            req.logger.debug("inventory accepted", metadata: ["outcome": "\(outcome)"])
            return reply(FusionInventoryReply.inventoryAccepted)
        }
    }

    /// A new device, a changed one or a flagged one is a mutation of the ledger and is
    /// audited; an unchanged re-inventory only moves "last seen" and is not.
    private static func audit(_ outcome: InventoryStore.Outcome, inventory: Inventory, organizationID: UUID,
                              on db: any Database, address: String?) async throws {
        let actor = AuditActor(userID: nil, label: "inventory-agent", via: "inventory", credentialID: nil, address: address)
        let name = inventory.hardware.hostname ?? inventory.ids.deviceID ?? ""
        switch outcome {
        case .unchanged: return
        case .created(let id):
            var changes = ChangeSet()
            changes.created(["name": name, "serial": inventory.ids.biosSerial, "deviceId": inventory.ids.deviceID])
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "asset.inventory_create",
                                      entityType: "asset", entityID: id.uuidString.lowercased(), changes: changes)
        case .updated(let id, let count):
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "asset.inventory_update",
                                      entityType: "asset", entityID: id.uuidString.lowercased(),
                                      changes: .single("inventoryChanges", before: nil, after: String(count)))
        case .conflict(let id, let other):
            var changes = ChangeSet()
            changes.created(["name": name, "serial": inventory.ids.biosSerial, "conflictOrganizationId": other.uuidString.lowercased()])
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "asset.inventory_conflict",
                                      entityType: "asset", entityID: id.uuidString.lowercased(), changes: changes)
        }
    }

    private static func reply(_ xml: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: FusionInventoryReply.contentType)
        return Response(status: .ok, headers: headers, body: .init(string: xml))
    }

    private static func refuse(_ req: Request, _ status: HTTPResponseStatus, _ code: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
        return Response(status: status, headers: headers, body: .init(string: req.t("error.\(code)") + "\n"))
    }
}
