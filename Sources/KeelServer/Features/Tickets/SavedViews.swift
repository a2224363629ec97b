import Fluent
import Foundation
import KeelDomain
import Vapor

/// A person's saved ticket list: a name and the list's query string.
final class SavedView: Model, @unchecked Sendable {
    static let schema = "saved_views"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "name") var name: String
    @Field(key: "query") var query: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateSavedViews: AsyncMigration {
    var name: String { "006_CreateSavedViews" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SavedView.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id))
            .field("name", .string, .required)
            .field("query", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SavedView.schema).delete()
    }
}

struct SavedViewOut: Content {
    let id: UUID
    let name: String
    let query: String
    let createdAt: Date
}

struct SavedViewInput: Content {
    var name: String
    var query: String
}

struct CategoryInput: Content {
    var name: String
}

enum SavedViewService {
    static let filterKeys: Set<String> = ["q", "status", "priority", "organizationId", "assigneeId", "category", "sla"]

    /// Keeps only the list's own filter parameters, so a view cannot smuggle anything else.
    static func cleanQuery(_ raw: String) throws -> String {
        let trimmed = raw.hasPrefix("?") ? String(raw.dropFirst()) : raw
        guard trimmed.count <= 1000 else { throw KeelError.validation("query", "text_too_long", values: ["max": "1000"]) }
        var components = URLComponents()
        components.percentEncodedQuery = trimmed
        let kept = (components.queryItems ?? []).filter { filterKeys.contains($0.name) && !($0.value ?? "").isEmpty }
        var output = URLComponents()
        output.queryItems = kept
        return output.percentEncodedQuery ?? ""
    }

    static func create(_ input: SavedViewInput, req: Request) async throws -> SavedView {
        let context = try req.requireContext()
        guard let name = FieldRules.cleanText(input.name, maximum: 100) else { throw KeelError.validation("name", "name_invalid") }
        let view = SavedView()
        view.$user.id = try context.requirePerson()
        view.name = name
        view.query = try cleanQuery(input.query)
        view.createdAt = Date()
        let changes = ChangeSet.creating(["name": name, "query": view.query])
        try await req.application.write { db in
            try await view.create(on: db)
            try await AuditLog.append(on: db, actor: context.actor, organizationID: context.user.organizationID, action: "view.create",
                                      entityType: "view", entityID: view.id?.uuidString.lowercased(), changes: changes)
        }
        return view
    }

    static func delete(_ id: UUID, req: Request) async throws {
        let context = try req.requireContext()
        guard !context.isIntegration,
              let view = try await SavedView.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == context.user.id).first() else {
            throw KeelError.notFound
        }
        let changes = ChangeSet.single("name", before: view.name, after: nil)
        try await req.application.write { db in
            try await view.delete(on: db)
            try await AuditLog.append(on: db, actor: context.actor, organizationID: context.user.organizationID, action: "view.delete",
                                      entityType: "view", entityID: id.uuidString.lowercased(), changes: changes)
        }
    }

    static func mine(_ req: Request) async throws -> [SavedView] {
        let context = try req.requireContext()
        guard !context.isIntegration else { return [] }
        return try await SavedView.query(on: req.db).filter(\.$user.$id == context.user.id).sort(\.$name).all()
    }
}

enum SavedViewAPI {
    static func register(_ api: API) {
        api.on(.GET, "views", "The caller's saved ticket views", tag: "tickets", response: "SavedViewList") { req in
            ListPage(items: try await SavedViewService.mine(req).map { SavedViewOut(id: $0.id!, name: $0.name, query: $0.query, createdAt: $0.createdAt) },
                     nextCursor: nil)
        }
        api.on(.POST, "views", "Save a ticket list's filters under a name", tag: "tickets", body: "SavedViewInput",
               response: "SavedView", status: 201) { req in
            _ = try req.requireContext()
            let view = try await SavedViewService.create(try req.content.decode(SavedViewInput.self), req: req)
            return try await SavedViewOut(id: view.id!, name: view.name, query: view.query, createdAt: view.createdAt)
                .response(status: .created, for: req)
        }
        api.on(.DELETE, "views/{viewID}", "Delete a saved view", tag: "tickets", status: 204) { req in
            try await SavedViewService.delete(try req.idParameter("viewID"), req: req)
            return HTTPStatus.noContent
        }
        api.on(.POST, "ticket-categories", "Add a ticket category (provider admins)", tag: "tickets", body: "CategoryInput",
               response: "Category", status: 201) { req in
            let context = try req.requireContext()
            guard context.isProviderAdmin else { throw KeelError.forbidden }
            let input = try req.content.decode(CategoryInput.self)
            guard let name = FieldRules.cleanText(input.name, maximum: 100) else { throw KeelError.validation("name", "name_invalid") }
            if try await TicketCategory.query(on: req.db).filter(\.$name == name).first() != nil {
                throw KeelError(.conflict, "category_taken", field: "name")
            }
            let category = TicketCategory()
            category.name = name
            let changes = ChangeSet.creating(["name": name])
            try await req.application.write { db in
                try await category.create(on: db)
                try await AuditLog.append(on: db, actor: context.actor, organizationID: nil, action: "category.create",
                                          entityType: "category", entityID: category.id?.uuidString.lowercased(), changes: changes)
            }
            return try await CategoryOut(name: name).response(status: .created, for: req)
        }
    }
}
