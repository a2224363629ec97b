import Fluent
import Foundation
import KeelDomain
import Vapor

struct CheckResultOut: Content {
    let at: Date
    let up: Bool
    let latencyMs: Double?
    let error: String?
    /// From due time to the probe's start.
    let delayMs: Double?
}

struct AvailabilityDayOut: Content {
    let date: String
    let percent: Double?
}

struct CheckAvailabilityOut: Content {
    let percent: Double?
    let up: Double
    let down: Double
    let days: [AvailabilityDayOut]
}

/// What monitoring shows: a check's results and availability (API), the provider-wide "what
/// is red now" list, an organisation's status page (a 90-day strip per check, drawn as SVG)
/// and a check's page with its response-time chart. Scope comes from `TenantData.checks()`.
enum MonitoringViews {
    /// Daily availability in the organisation's timezone, from the hourly roll-ups.
    static func days(_ check: MonitorCheck, count: Int, timeZone: String, on db: any Database) async throws -> [MonitorDayBar] {
        try await days(of: [check], count: count, timeZone: timeZone, on: db)[check.requireID()] ?? []
    }

    /// The same for several checks with one query (a status page lists them all).
    static func days(of checks: [MonitorCheck], count: Int, timeZone: String, on db: any Database) async throws -> [UUID: [MonitorDayBar]] {
        guard !checks.isEmpty else { return [:] }
        let since = Date().addingTimeInterval(-Double(count + 1) * 86_400)
        let rows = try await CheckRollupRecord.query(on: db).filter(\.$checkID ~~ checks.compactMap(\.id)).filter(\.$start >= since).all()
        let byCheck = Dictionary(grouping: rows, by: \.checkID)
        // Maintenance time is left out of availability.
        let windows = try await MaintenanceWindowRecord.query(on: db).filter(\.$organizationID ~~ Array(Set(checks.map(\.organizationID))))
            .all().compactMap(\.window)
        let period = DateInterval(start: since, end: Date().addingTimeInterval(86_400))
        var result: [UUID: [MonitorDayBar]] = [:]
        for check in checks {
            let id = try check.requireID()
            let excluded = MaintenanceWindow.intervals(for: MaintenanceWindows.reference(check), in: period, windows: windows)
            result[id] = dailyBars(byCheck[id]?.map(\.rollup) ?? [], count: count, timeZone: timeZone, excluding: excluded)
        }
        return result
    }

    private static func dailyBars(_ rollups: [MonitorRollup], count: Int, timeZone: String, excluding: [DateInterval]) -> [MonitorDayBar] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        guard let today = CivilDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) else { return [] }
        return MonitorDailyStrip.days(rollups: rollups, lastDay: today, count: count, timeZone: timeZone, excluding: excluding)
    }

    static func strip(_ days: [MonitorDayBar], req: Request) -> String {
        MonitorSVG.availabilityStrip(days: days, title: req.t("monitoring.strip_title")) { day in
            "\(day.date): " + (day.percent.map { MonitorSVG.format($0, decimals: 2) + " %" } ?? req.t("monitoring.no_data"))
        }
    }

    static func register(_ api: API) {
        api.on(.GET, "checks/{checkID}/results", "The latest results of an active check (limit ≤ 1000)", tag: "monitoring",
               response: "CheckResultList") { req in
            let check = try await req.tenant.check(try req.idParameter("checkID"))
            let limit = min(max(req.query[Int.self, at: "limit"] ?? 100, 1), 1000)
            let rows = try await CheckResult.query(on: req.db).filter(\.$checkID == check.requireID()).sort(\.$at, .descending).limit(limit).all()
            return ListPage(items: rows.map { CheckResultOut(at: $0.at, up: $0.up, latencyMs: $0.latencyMs, error: $0.error, delayMs: $0.delayMs) }, nextCursor: nil)
        }
        api.on(.GET, "checks/{checkID}/availability", "Availability over the last `days` days (≤ 400), per day in the organisation's timezone",
               tag: "monitoring", response: "CheckAvailability") { req in
            let check = try await req.tenant.check(try req.idParameter("checkID"))
            let count = req.query[Int.self, at: "days"] ?? 30
            guard (1...400).contains(count) else { throw KeelError(.badRequest, "bad_request", field: "days") }
            let organization = try await req.tenant.organization(check.organizationID)
            let bars = try await days(check, count: count, timeZone: organization.timezone, on: req.db)
            let total = MonitorAvailability(up: bars.reduce(0) { $0 + $1.availability.up }, down: bars.reduce(0) { $0 + $1.availability.down })
            return CheckAvailabilityOut(percent: total.percent, up: total.up, down: total.down,
                                        days: bars.map { AvailabilityDayOut(date: $0.date.description, percent: $0.percent) })
        }
    }

    struct Row: Encodable {
        let id: String; let name: String; let organization: String; let organizationId: String; let type: String; let target: String
        let status: String; let statusCode: String; let latency: String; let since: String
    }
    struct ListData: Encodable { let rows: [Row]; let red: Int; let canManage: Bool }
    struct StripRow: Encodable { let id: String; let name: String; let status: String; let statusCode: String; let percent: String; let svg: String }
    struct StatusData: Encodable { let organization: String; let percent: String; let checks: [StripRow] }
    struct DetailData: Encodable {
        let name: String; let target: String; let status: String; let statusCode: String; let percent: String
        let strip: String; let chart: String; let results: [Row]; let organizationId: String; let id: String; let note: String?
    }

    static func statusLabel(_ code: String, req: Request) -> String { req.t("monitoring.status.\(code)") }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("monitoring") { req async throws -> Response in
            let context = try req.requireWebContext()
            let checks = try await req.tenant.checks().limit(5000).all()
            let organizations = try await req.tenant.organizations().all()
            let names = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id!, $0.name) })
            let red: Set<String> = ["down", "failed", "late"]
            let sorted = checks.sorted { (red.contains($0.status) ? 0 : 1, $0.name) < (red.contains($1.status) ? 0 : 1, $1.name) }
            let rows = sorted.map { check in
                Row(id: check.id!.uuidString, name: check.name, organization: names[check.organizationID] ?? "",
                    organizationId: check.organizationID.uuidString, type: check.type, target: check.target ?? "",
                    status: statusLabel(check.status, req: req), statusCode: check.status,
                    latency: check.lastLatencyMs.map { MonitorSVG.format($0, decimals: 0) + " ms" } ?? "", since: req.display(check.updatedAt))
            }
            return try await req.renderPage("monitoring/index", data: ListData(rows: rows, red: checks.filter { red.contains($0.status) }.count,
                                                                           canManage: context.managesMonitoring))
        }
        routes.get("monitoring", "organizations", ":organizationID") { req async throws -> Response in
            _ = try req.requireWebContext()
            let organization = try await req.tenant.organization(try req.idParameter("organizationID"))
            let checks = try await req.tenant.checks().filter(\.$organizationID == organization.requireID()).sort(\.$name).all()
            var rows: [StripRow] = []
            var all: [MonitorAvailability] = []
            let strips = try await days(of: checks, count: 90, timeZone: organization.timezone, on: req.db)
            for check in checks {
                let bars = strips[check.id!] ?? []
                let total = MonitorAvailability(up: bars.reduce(0) { $0 + $1.availability.up }, down: bars.reduce(0) { $0 + $1.availability.down })
                all.append(total)
                rows.append(StripRow(id: check.id!.uuidString, name: check.name, status: statusLabel(check.status, req: req), statusCode: check.status,
                                     percent: total.percent.map { MonitorSVG.format($0, decimals: 2) + " %" } ?? req.t("monitoring.no_data"),
                                     svg: strip(bars, req: req)))
            }
            let overall = MonitorAvailability.organization(all).percent
            return try await req.renderPage("monitoring/status", data: StatusData(
                organization: organization.name, percent: overall.map { MonitorSVG.format($0, decimals: 2) + " %" } ?? req.t("monitoring.no_data"),
                checks: rows))
        }
        routes.get("monitoring", "checks", ":checkID") { req async throws -> Response in
            _ = try req.requireWebContext()
            let check = try await req.tenant.check(try req.idParameter("checkID"))
            let organization = try await req.tenant.organization(check.organizationID)
            let bars = try await days(check, count: 90, timeZone: organization.timezone, on: req.db)
            let total = MonitorAvailability(up: bars.reduce(0) { $0 + $1.availability.up }, down: bars.reduce(0) { $0 + $1.availability.down })
            let results = try await CheckResult.query(on: req.db).filter(\.$checkID == check.requireID()).sort(\.$at, .descending).limit(300).all()
            let chart = MonitorSVG.latencyChart(points: results.reversed().map { MonitorLatencyPoint(at: $0.at, latencyMilliseconds: $0.latencyMs) },
                                                title: req.t("monitoring.latency_title"), timeLabel: { req.display($0) })
            return try await req.renderPage("monitoring/check", data: DetailData(
                name: check.name, target: check.target ?? "", status: statusLabel(check.status, req: req), statusCode: check.status,
                percent: total.percent.map { MonitorSVG.format($0, decimals: 2) + " %" } ?? req.t("monitoring.no_data"),
                strip: strip(bars, req: req), chart: chart,
                results: results.prefix(50).map { result in
                    Row(id: "", name: req.display(result.at), organization: "", organizationId: "", type: "", target: "",
                        status: result.up ? req.t("monitoring.status.up") : req.t("monitoring.error.\(result.error ?? "other")"),
                        statusCode: result.up ? "up" : "down",
                        latency: result.latencyMs.map { MonitorSVG.format($0, decimals: 0) + " ms" } ?? "", since: "")
                },
                organizationId: check.organizationID.uuidString, id: check.id!.uuidString,
                note: check.probeNote.map { req.t("monitoring.note.\($0)") }))
        }
    }
}
