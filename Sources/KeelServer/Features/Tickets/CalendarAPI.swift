import Fluent
import Foundation
import KeelDomain
import Vapor

/// Business calendars at `/api/v1/calendars`, in the JSON shape of API.md plus `id`,
/// `organizationId` and `siteId`. Provider admins manage them; others read what they may see.
enum CalendarAPI {
    static func register(_ api: API) {
        api.on(.GET, "calendars", "Business calendars", tag: "calendars", response: "CalendarList") { req in
            let (items, next) = try await ListQuery(req).page(try req.tenant.calendars())
            return ListPage(items: try items.map(CalendarOut.init), nextCursor: next)
        }
        api.on(.POST, "calendars", "Create a calendar for an organisation, a site, or the provider default", tag: "calendars",
               body: "CalendarInput", response: "Calendar", status: 201) { req in
            let context = try req.requireContext()
            guard context.isProviderAdmin else { throw KeelError.forbidden }
            let record = BusinessCalendarRecord()
            record.definition = ""
            record.name = ""
            try await apply(req, to: record, data: req.body.data.map { Data(buffer: $0) }, creating: true)
            return try await CalendarOut(record).response(status: .created, for: req)
        }
        api.on(.GET, "calendars/{calendarID}", "Get a calendar", tag: "calendars", response: "Calendar") { req in
            try CalendarOut(try await req.tenant.calendar(try req.idParameter("calendarID")))
        }
        api.on(.PATCH, "calendars/{calendarID}", "Replace a calendar's definition", tag: "calendars", body: "CalendarInput",
               response: "Calendar") { req in
            let record = try await req.tenant.calendar(try req.idParameter("calendarID"))
            guard try req.requireContext().isProviderAdmin else { throw KeelError.forbidden }
            try await apply(req, to: record, data: req.body.data.map { Data(buffer: $0) }, creating: false)
            return try CalendarOut(record)
        }
    }

    private struct Owner: Decodable { var organizationId: String?; var siteId: String? }

    /// Merges holidays from an iCalendar file into a calendar definition.
    static func importICS(_ ics: String, into record: BusinessCalendarRecord, req: Request) async throws {
        let holidays: [Holiday]
        do { holidays = try ICSImport.holidays(from: ics) } catch {
            throw KeelError.validation("file", "ics_invalid", values: ["detail": String(describing: error)])
        }
        let current = try BusinessCalendar.decode(json: Data(record.definition.utf8))
        var merged = current.holidays
        for holiday in holidays where !merged.contains(holiday) { merged.append(holiday) }
        let updated = try BusinessCalendar(name: current.name, timeZoneIdentifier: current.timeZoneIdentifier,
                                           weekly: current.weekly, holidays: merged, workdays: current.workdays)
        try await apply(req, to: record, data: try JSONEncoder().encode(updated), creating: false)
    }

    /// Validates the whole definition with the domain's decoder (errors name the field), then stores it.
    static func apply(_ req: Request, to record: BusinessCalendarRecord, data: Data?, creating: Bool) async throws {
        guard let data, !data.isEmpty else { throw KeelError(.badRequest, "malformed_body") }
        let calendar: BusinessCalendar
        do {
            calendar = try BusinessCalendar.decode(json: data)
        } catch {
            throw KeelError.validation("calendar", "calendar_invalid", values: ["detail": String(describing: error)])
        }
        let owner = (try? JSONDecoder().decode(Owner.self, from: data)) ?? Owner()
        if creating {
            if let raw = owner.organizationId, !raw.isEmpty {
                let organization = try await req.tenant.organization(UUID(uuidString: raw))
                record.organizationID = organization.id
                if let rawSite = owner.siteId, !rawSite.isEmpty {
                    record.siteID = try await req.tenant.site(UUID(uuidString: rawSite), in: organization.requireID()).id
                }
            }
        }
        let before = record.definition.isEmpty ? nil : record.definition
        record.name = calendar.name
        record.definition = String(decoding: try JSONEncoder().encode(calendar), as: UTF8.self)
        var changes = ChangeSet()
        changes.record("definition", before: before, after: record.definition)
        let audit = changes, actor = try req.requireContext().actor
        try await req.application.write { db in
            try await record.save(on: db)
            try await AuditLog.append(on: db, actor: actor, organizationID: record.organizationID,
                                      action: before == nil ? "calendar.create" : "calendar.update", entityType: "calendar",
                                      entityID: record.id?.uuidString.lowercased(), changes: audit)
        }
    }
}

struct CalendarOut: Content {
    let id: UUID
    let organizationId: UUID?
    let siteId: UUID?
    let definition: [String: AnyCodableJSON]

    init(_ record: BusinessCalendarRecord) throws {
        id = try record.requireID()
        organizationId = record.organizationID
        siteId = record.siteID
        definition = (try? JSONDecoder().decode([String: AnyCodableJSON].self, from: Data(record.definition.utf8))) ?? [:]
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ value: String) { stringValue = value }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(id, forKey: Key("id"))
        try container.encode(organizationId, forKey: Key("organizationId"))
        try container.encode(siteId, forKey: Key("siteId"))
        for (key, value) in definition { try container.encode(value, forKey: Key(key)) }
    }

    init(from decoder: any Decoder) throws { throw KeelError(.badRequest, "bad_request") }
}

/// Any JSON value, to pass a stored definition through unchanged.
indirect enum AnyCodableJSON: Codable, Sendable {
    case string(String), number(Double), bool(Bool), array([AnyCodableJSON]), object([String: AnyCodableJSON]), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([AnyCodableJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: AnyCodableJSON].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
