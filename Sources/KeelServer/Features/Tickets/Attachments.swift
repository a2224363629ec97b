import Crypto
import Fluent
import Foundation
import Vapor

/// A file on a ticket: stored once on disk under the data directory by its SHA-256,
/// served only to people who may see the ticket (and the comment, for internal notes).
final class TicketAttachment: Model, @unchecked Sendable {
    static let schema = "ticket_attachments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ticket_id") var ticket: Ticket
    @OptionalField(key: "comment_id") var commentID: UUID?
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "internal") var isInternal: Bool
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateAttachments: AsyncMigration {
    var name: String { "005_CreateAttachments" }

    func prepare(on database: any Database) async throws {
        try await database.schema(TicketAttachment.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id))
            .field("comment_id", .uuid)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("internal", .bool, .required)
            .field("uploaded_by", .uuid)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketAttachment.schema).delete()
    }
}

struct AttachmentOut: Content {
    let id: UUID
    let ticketId: UUID
    let fileName: String
    let contentType: String
    let size: Int
    let sha256: String
    let `internal`: Bool
    let createdAt: Date

    init(_ model: TicketAttachment) {
        id = model.id!
        ticketId = model.$ticket.id
        fileName = model.fileName
        contentType = model.contentType
        size = model.size
        sha256 = model.sha256
        self.internal = model.isInternal
        createdAt = model.createdAt
    }
}

/// Content-addressed file storage under `<data>/attachments/ab/cdef…`.
struct AttachmentStore: Sendable {
    let root: String

    func path(for sha256: String) -> String {
        (root as NSString).appendingPathComponent("\(sha256.prefix(2))/\(sha256)")
    }

    /// Writes the bytes once (same content, same file) and returns their SHA-256.
    func put(_ data: Data) throws -> String {
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let target = path(for: digest)
        let manager = FileManager.default
        if manager.fileExists(atPath: target) { return digest }
        try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = target + ".tmp-\(UUID().uuidString)"
        try data.write(to: URL(fileURLWithPath: temporary), options: .atomic)
        if manager.fileExists(atPath: target) { try? manager.removeItem(atPath: temporary) } else { try manager.moveItem(atPath: temporary, toPath: target) }
        return digest
    }
}

enum AttachmentService {
    /// Stores an upload on a ticket the caller may see. Internal attachments are staff-only.
    static func add(to ticketID: UUID, file: File, internal isInternal: Bool, req: Request) async throws -> TicketAttachment {
        let context = try req.requireContext()
        let ticket = try await req.tenant.ticket(ticketID)
        if isInternal && !context.isProviderStaff { throw KeelError.validation("internal", "role_not_allowed") }
        let config = req.application.keel
        guard file.data.readableBytes > 0 else { throw KeelError.validation("file", "file_empty") }
        guard file.data.readableBytes <= config.attachmentMaxBytes else {
            throw KeelError(.payloadTooLarge, "body_too_large")
        }
        let name = sanitized(file.filename)
        let data = Data(buffer: file.data)
        let store = AttachmentStore(root: config.attachmentsDirectory)
        let digest = try await req.application.threadPool.runIfActive { try store.put(data) }
        let attachment = TicketAttachment()
        attachment.$ticket.id = try ticket.requireID()
        attachment.fileName = name
        attachment.contentType = file.contentType?.serialize() ?? "application/octet-stream"
        attachment.size = data.count
        attachment.sha256 = digest
        attachment.isInternal = isInternal
        attachment.uploadedBy = context.user.id
        attachment.createdAt = Date()
        var changes = ChangeSet()
        changes.created(["fileName": name, "size": String(data.count), "sha256": digest, "internal": String(isInternal)])
        let audit = changes, actor = context.actor, organizationID = ticket.$organization.id
        try await req.application.write { db in
            try await attachment.create(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: organizationID, action: "ticket.attachment",
                                      entityType: "ticket", entityID: ticketID.uuidString.lowercased(), changes: audit)
        }
        return attachment
    }

    /// The attachments of a ticket the caller may see; internal ones only for staff.
    static func list(_ ticketID: UUID, req: Request) async throws -> [TicketAttachment] {
        let context = try req.requireContext()
        let ticket = try await req.tenant.ticket(ticketID)
        let query = try TicketAttachment.query(on: req.db).filter(\.$ticket.$id == ticket.requireID())
        if !context.isProviderStaff { query.filter(\.$isInternal == false) }
        return try await query.sort(\.$createdAt).all()
    }

    static func download(_ id: UUID, req: Request) async throws -> Response {
        let attachment = try await req.tenant.attachment(id)
        let path = AttachmentStore(root: req.application.keel.attachmentsDirectory).path(for: attachment.sha256)
        // The record is there but the file is not (a restore without the data directory's
        // attachments, a disk problem): say so plainly instead of failing with a 500.
        guard FileManager.default.isReadableFile(atPath: path) else {
            req.logger.error("attachment file missing", metadata: ["attachment": "\(id)", "path": "\(path)"])
            throw KeelError(.gone, "attachment_file_missing")
        }
        let response = try await req.fileio.asyncStreamFile(at: path)
        // The original name, UTF-8 safe (RFC 6266 / 5987); never rendered inline as HTML.
        let ascii = String(attachment.fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let attrChar = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
        let encoded = attachment.fileName.addingPercentEncoding(withAllowedCharacters: attrChar) ?? ascii
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        response.headers.replaceOrAdd(name: .contentType, value: attachment.contentType.hasPrefix("text/html") ? "application/octet-stream" : attachment.contentType)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }

    /// A file name without paths or control characters, at most 200 characters.
    static func sanitized(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        let name = clean.isEmpty || clean == "." || clean == ".." ? "file" : clean
        return String(name.prefix(200))
    }
}

struct AttachmentUpload: Content {
    var file: File
    var `internal`: String?
}

enum AttachmentAPI {
    static func register(_ api: API, maxBody: Int) {
        api.on(.GET, "tickets/{ticketID}/attachments", "A ticket's attachments", tag: "tickets", response: "AttachmentList") { req in
            let items = try await AttachmentService.list(try req.idParameter("ticketID"), req: req)
            return ListPage(items: items.map(AttachmentOut.init), nextCursor: nil)
        }
        api.on(.POST, "tickets/{ticketID}/attachments", "Upload a file (multipart field `file`, optional `internal=true`)",
               tag: "tickets", body: "AttachmentUpload", bodyType: "multipart/form-data", maxBody: maxBody,
               response: "Attachment", status: 201) { req in
            let id = try req.idParameter("ticketID")
            _ = try await req.tenant.ticket(id)
            let upload = try req.content.decode(AttachmentUpload.self)
            let attachment = try await AttachmentService.add(to: id, file: upload.file, internal: upload.internal == "true", req: req)
            return try await AttachmentOut(attachment).response(status: .created, for: req)
        }
        api.on(.GET, "attachments/{attachmentID}", "Download an attachment with its original name", tag: "tickets") { req in
            try await AttachmentService.download(try req.idParameter("attachmentID"), req: req)
        }
    }
}
