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
        let raw = req.body.data.map { Array($0.readableBytesView) } ?? []
        // The GLPI agent speaks JSON and expects JSON answers, refusals included.
        let wantsJSON = req.headers.first(name: "GLPI-Agent-ID") != nil || req.headers.contentType?.subType == "json"
        guard let enrolment = try await EnrolmentKeys.enrolment(for: key, on: req.db) else {
            req.logger.warning("inventory refused: unknown enrolment key", metadata: ["address": "\(req.remoteAddress?.description ?? "-")"])
            return refuse(req, .forbidden, "inventory_key_unknown", json: wantsJSON)
        }
        let organizationID = enrolment.organizationID
        guard InventoryAuth.allows(req, enrolment) else {
            // The agent answers the challenge with --user/--password.
            if req.headers.basicAuthorization != nil {
                req.logger.warning("inventory refused: wrong agent credentials", metadata: ["organization": "\(organizationID)"])
            }
            let response = refuse(req, .unauthorized, "inventory_auth_required", json: wantsJSON)
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Basic realm=\"\(InventoryAuth.realm)\"")
            return response
        }
        guard !raw.isEmpty else { return refuse(req, .badRequest, "inventory_body_empty", json: wantsJSON) }
        // The very bytes this device sent last time: nothing to inflate, read or compare.
        let bodyHash = Secrets.sha256Hex(bytes: raw)
        if let kind = try await InventoryStore(organizationID: organizationID).touchUnchanged(bodyHash: bodyHash, app: req.application) {
            return kind == "json" ? reply(GlpiInventoryReply.inventoryAccepted, contentType: GlpiInventoryReply.contentType)
                : reply(FusionInventoryReply.inventoryAccepted)
        }
        let document: [UInt8]
        do {
            switch InventoryBody.detect(raw) {
            case .zlib: document = try Inflate.decompress(raw, format: .zlib, limit: maxDocument)
            case .gzip: document = try Inflate.decompress(raw, format: .gzip, limit: maxDocument)
            case .xml, .json: document = raw
            case .unknown: return refuse(req, .unsupportedMediaType, "inventory_body_unknown", json: wantsJSON)
            }
        } catch Inflate.Failure.tooLarge {
            return refuse(req, .payloadTooLarge, "inventory_too_large", json: wantsJSON)
        } catch {
            return refuse(req, .badRequest, "inventory_body_corrupt", json: wantsJSON)
        }
        if InventoryBody.detect(document) == .json {
            return try await handleJSON(req, document, organizationID: organizationID, bodyHash: "json:" + bodyHash)
        }
        let message: FusionInventoryMessage
        do {
            message = try FusionInventoryReader.read(document)
        } catch {
            req.logger.warning("inventory refused", metadata: ["reason": "\(error.code)", "organization": "\(organizationID)"])
            return refuse(req, error == .tooLarge ? .payloadTooLarge : .badRequest, error.code.replacingOccurrences(of: ".", with: "_"), json: wantsJSON)
        }
        switch message {
        case .prolog:
            // A GLPI agent that does not know the server yet starts with an XML PROLOG; a
            // JSON answer switches it to its native JSON protocol (as GLPI does).
            if req.headers.first(name: "GLPI-Agent-ID") != nil {
                return reply(GlpiInventoryReply.contact(enabledTasks: []), contentType: GlpiInventoryReply.contentType)
            }
            return reply(FusionInventoryReply.prolog(frequencyHours: 24, send: true))
        case .inventory(let inventory, _):
            let compressed = InventoryBody.detect(raw) == .zlib
            try await store(inventory, organizationID: organizationID, req: req, bodyHash: "xml:" + bodyHash,
                            agentXMLZlib: { compressed ? raw : Inflate.compress(document) })
            return reply(FusionInventoryReply.inventoryAccepted)
        }
    }

    /// The GLPI agent's JSON: CONTACT is answered with the tasks Keel serves; a partial
    /// inventory (only the sections that changed) is laid over the device's last one.
    static func handleJSON(_ req: Request, _ document: [UInt8], organizationID: UUID, bodyHash: String) async throws -> Response {
        let message: GlpiInventoryMessage
        do {
            message = try GlpiInventoryReader.read(document)
        } catch {
            req.logger.warning("inventory refused", metadata: ["reason": "\(error.code)", "organization": "\(organizationID)"])
            return refuse(req, error == .tooLarge ? .payloadTooLarge : .badRequest, error.code.replacingOccurrences(of: ".", with: "_"), json: true)
        }
        switch message {
        case .contact(let contact):
            return reply(GlpiInventoryReply.contact(contact), contentType: GlpiInventoryReply.contentType)
        case .inventory(var inventory, _, let details):
            if details.isPartial, let previous = try await InventoryStore(organizationID: organizationID).previous(for: inventory.ids, on: req.db) {
                inventory = inventory.merged(over: previous, sections: details.sections)
            }
            try await store(inventory, organizationID: organizationID, req: req, bodyHash: bodyHash)
            return reply(GlpiInventoryReply.inventoryAccepted, contentType: GlpiInventoryReply.contentType)
        }
    }

    /// Into the ledger, whichever agent sent it: the unchanged case first with the write gate
    /// held only for "last seen", else prepared outside the gate and applied inside it.
    private static func store(_ inventory: Inventory, organizationID: UUID, req: Request, bodyHash: String,
                              agentXMLZlib: () -> [UInt8]? = { nil }) async throws {
        let store = InventoryStore(organizationID: organizationID)
        let now = Date()
        let address = req.remoteAddress?.ipAddress
        let fingerprint = inventory.fingerprint.description
        if let assetID = try await store.unchangedAsset(inventory, fingerprint: fingerprint, on: req.db),
           try await req.application.write({ db in
               try await store.touch(assetID, inventory, fingerprint: fingerprint, bodyHash: bodyHash, on: db, now: now)
           }) {
            return
        }
        let catalogue = req.application.softwareVersions
        let prepared = try InventoryStore.prepare(inventory, fingerprint: fingerprint, bodyHash: bodyHash, agentXMLZlib: agentXMLZlib(),
                                                  catalogue: catalogue)
        let (outcome, learned) = try await req.application.write { db in
            let (outcome, learned) = try await store.apply(prepared, on: db, now: now)
            try await audit(outcome, inventory: inventory, organizationID: organizationID, on: db, address: address)
            return (outcome, learned)
        }
        catalogue.learn(learned)
        req.logger.debug("inventory accepted", metadata: ["outcome": "\(outcome)"])
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

    private static func reply(_ body: String, contentType: String = FusionInventoryReply.contentType) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: contentType)
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    /// A refusal in the caller's language: plain text for FusionInventory (which logs the
    /// body), the GLPI agent's JSON error shape for it.
    private static func refuse(_ req: Request, _ status: HTTPResponseStatus, _ code: String, json: Bool) -> Response {
        var headers = HTTPHeaders()
        let message = req.t("error.\(code)")
        if json {
            headers.replaceOrAdd(name: .contentType, value: GlpiInventoryReply.contentType)
            return Response(status: status, headers: headers, body: .init(string: GlpiInventoryReply.error(message)))
        }
        headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
        return Response(status: status, headers: headers, body: .init(string: message + "\n"))
    }
}
