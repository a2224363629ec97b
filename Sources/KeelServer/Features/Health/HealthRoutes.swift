import Fluent
import Foundation
import SQLKit
import Vapor

/// Liveness, readiness, metrics and the OpenAPI document: no authentication.
enum HealthRoutes {
    static func register(_ app: Application, document: APIDocument) {
        app.get("healthz") { _ in "ok" }
        app.get("readyz") { req async -> Response in
            do {
                try await (req.db as! any SQLDatabase).raw("SELECT 1").run()
                return Response(status: .ok, body: .init(string: "ready"))
            } catch {
                return Response(status: .serviceUnavailable, body: .init(string: "database unavailable"))
            }
        }
        app.get("metrics") { req async -> Response in
            var ready = 1.0
            do { try await (req.db as! any SQLDatabase).raw("SELECT 1").run() } catch { ready = 0 }
            let config = req.application.keel
            let text = req.application.metrics.render(extra: [
                ("keel_db_up", "1 when the database answers.", ready),
                ("keel_db_pool_max_connections", "Configured database connections per process.",
                 Double(config.usesPostgres ? config.databasePoolSize : System.coreCount)),
            ])
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
            return Response(status: .ok, headers: headers, body: .init(string: text))
        }
        app.get("api", "v1", "openapi.json") { req -> Response in
            let data = try JSONSerialization.data(withJSONObject: document.json(version: KeelVersion.current),
                                                  options: [.sortedKeys, .prettyPrinted])
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(data: data))
        }
    }
}

public enum KeelVersion {
    public static let current = "0.1.0"
}
