import Fluent
import Foundation
import KeelDomain
import Vapor

/// Business calendars in the UI: the JSON definition in a text area (the same shape as the
/// API and `keel sla due`), errors that name the field, and an iCalendar import for holidays.
enum CalendarController {
    struct Row: Encodable { let id: String; let name: String; let owner: String; let timezone: String; let holidays: Int }
    struct ListData: Encodable { let rows: [Row]; let canEdit: Bool }
    struct FormData: Encodable {
        let id: String?; let definition: String; let organizations: [SelectOption]; let canEdit: Bool; let isNew: Bool
    }

    static let template = """
        {
          "name": "Office hours",
          "timezone": "Europe/London",
          "weekly": {"mon": [["09:00","17:30"]], "tue": [["09:00","17:30"]], "wed": [["09:00","17:30"]],
                     "thu": [["09:00","17:30"]], "fri": [["09:00","17:30"]], "sat": [], "sun": []},
          "holidays": [],
          "workdays": []
        }
        """

    static func register(_ routes: any RoutesBuilder, uploadMaxBytes: Int) {
        routes.get("calendars") { req async throws -> Response in
            let context = try req.requireWebContext()
            let records = try await req.tenant.calendars().sort(\.$name).all()
            let names = Dictionary(uniqueKeysWithValues: try await req.tenant.organizations().all().map { ($0.id!, $0.name) })
            let rows = records.map { record -> Row in
                let calendar = try? BusinessCalendar.decode(json: Data(record.definition.utf8))
                return Row(id: record.id!.uuidString, name: record.name,
                           owner: record.organizationID.flatMap { names[$0] } ?? req.t("calendars.provider_default"),
                           timezone: calendar?.timeZoneIdentifier ?? "", holidays: calendar?.holidays.count ?? 0)
            }
            return try await req.renderPage("calendars/index", data: ListData(rows: rows, canEdit: context.isProviderAdmin))
        }
        routes.get("calendars", "new") { req async throws -> Response in
            try await form(req, id: nil, definition: template, selected: nil)
        }
        routes.post("calendars") { req async throws -> Response in
            let context = try req.requireWebContext()
            guard context.isProviderAdmin else { throw KeelError.forbidden }
            let input = try req.content.decode(CalendarForm.self)
            let record = BusinessCalendarRecord()
            record.definition = ""
            record.name = ""
            do {
                if let raw = input.organizationId, !raw.isEmpty { record.organizationID = try await req.tenant.organization(UUID(uuidString: raw)).id }
                try await CalendarAPI.apply(req, to: record, data: Data((input.definition ?? "").utf8), creating: false)
                return req.redirect(to: "/calendars/\(record.id!.uuidString)?notice=created", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound {
                return try await form(req, id: nil, definition: input.definition ?? "", selected: input.organizationId, error: req.message(for: error).0)
            }
        }
        routes.get("calendars", ":calendarID") { req async throws -> Response in
            let record = try await req.tenant.calendar(try req.idParameter("calendarID"))
            return try await form(req, id: record.id, definition: pretty(record.definition), selected: record.organizationID?.uuidString)
        }
        routes.post("calendars", ":calendarID") { req async throws -> Response in
            let context = try req.requireWebContext()
            let record = try await req.tenant.calendar(try req.idParameter("calendarID"))
            guard context.isProviderAdmin else { throw KeelError.forbidden }
            let input = try req.content.decode(CalendarForm.self)
            do {
                try await CalendarAPI.apply(req, to: record, data: Data((input.definition ?? "").utf8), creating: false)
                return req.redirect(to: "/calendars/\(record.id!.uuidString)?notice=saved", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound {
                return try await form(req, id: record.id, definition: input.definition ?? "", selected: nil, error: req.message(for: error).0)
            }
        }
        routes.on(.POST, "calendars", ":calendarID", "ics", body: .collect(maxSize: ByteCount(integerLiteral: uploadMaxBytes))) { req async throws -> Response in
            let context = try req.requireWebContext()
            let record = try await req.tenant.calendar(try req.idParameter("calendarID"))
            guard context.isProviderAdmin else { throw KeelError.forbidden }
            let file = try req.content.get(File.self, at: "file")
            do {
                try await CalendarAPI.importICS(String(decoding: Data(buffer: file.data), as: UTF8.self), into: record, req: req)
                return req.redirect(to: "/calendars/\(record.id!.uuidString)?notice=saved", redirectType: .normal)
            } catch let error as KeelError where error.status != .notFound {
                return try await form(req, id: record.id, definition: pretty(record.definition), selected: nil, error: req.message(for: error).0)
            }
        }
    }

    private static func pretty(_ definition: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(definition.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else { return definition }
        return String(decoding: data, as: UTF8.self)
    }

    private static func form(_ req: Request, id: UUID?, definition: String, selected: String?, error: String? = nil) async throws -> Response {
        let context = try req.requireWebContext()
        var organizations = [SelectOption(value: "", label: req.t("calendars.provider_default"), selected: (selected ?? "").isEmpty)]
        organizations += try await req.tenant.organizations().sort(\.$name).all().map {
            SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == selected)
        }
        let data = FormData(id: id?.uuidString, definition: definition, organizations: organizations,
                            canEdit: context.isProviderAdmin, isNew: id == nil)
        return try await req.renderPage("calendars/form", status: error == nil ? .ok : .unprocessableEntity, data: data, error: error)
    }
}

struct CalendarForm: Content {
    var definition: String?
    var organizationId: String?
}
