import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Request counts and latency histograms by route, in Prometheus text format.
final class Metrics: Sendable {
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct Series {
        var count: [String: Int] = [:]            // method|route|status
        var histogram: [String: [Int]] = [:]      // method|route -> bucket counts (+Inf last)
        var sum: [String: Double] = [:]
    }

    private let state = NIOLockedValueBox(Series())

    func observe(method: String, route: String, status: Int, seconds: Double) {
        state.withLockedValue { series in
            series.count["\(method)|\(route)|\(status)", default: 0] += 1
            let key = "\(method)|\(route)"
            let index = Self.buckets.firstIndex(where: { seconds <= $0 }) ?? Self.buckets.count
            series.histogram[key, default: Array(repeating: 0, count: Self.buckets.count + 1)][index] += 1
            series.sum[key, default: 0] += seconds
        }
    }

    func render(extra: [(String, String, Double)]) -> String {
        let series = state.withLockedValue { $0 }
        var out = "# HELP keel_http_requests_total HTTP requests by method, route and status.\n# TYPE keel_http_requests_total counter\n"
        for (key, value) in series.count.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|", omittingEmptySubsequences: false)
            out += "keel_http_requests_total{method=\"\(parts[0])\",route=\"\(Self.escape(String(parts[1])))\",status=\"\(parts[2])\"} \(value)\n"
        }
        out += "# HELP keel_http_request_duration_seconds HTTP request latency by method and route.\n# TYPE keel_http_request_duration_seconds histogram\n"
        for (key, counts) in series.histogram.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|", omittingEmptySubsequences: false)
            let labels = "method=\"\(parts[0])\",route=\"\(Self.escape(String(parts[1])))\""
            var cumulative = 0
            for (index, bound) in Self.buckets.enumerated() {
                cumulative += counts[index]
                out += "keel_http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
            }
            cumulative += counts[Self.buckets.count]
            out += "keel_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(cumulative)\n"
            out += "keel_http_request_duration_seconds_sum{\(labels)} \(series.sum[key] ?? 0)\n"
            out += "keel_http_request_duration_seconds_count{\(labels)} \(cumulative)\n"
        }
        for (name, help, value) in extra {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name) \(value)\n"
        }
        return out
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

/// Times every request and files it under its route pattern (not the raw path, so ids
/// do not explode the label set).
struct MetricsMiddleware: AsyncMiddleware {
    let metrics: Metrics

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        metrics.observe(method: request.method.rawValue, route: route, status: Int(response.status.code), seconds: seconds)
        return response
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = Metrics }
    var metrics: Metrics { service(MetricsKey.self) { Metrics() } }
}
