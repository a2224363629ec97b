import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The OpenAPI document, built from the routes as they are registered, so the two
/// cannot drift: a route registered without `API.on` has no entry and fails the test.
final class APIDocument: Sendable {
    struct Operation: Sendable {
        let method: HTTPMethod
        let path: String
        let summary: String
        let tag: String
        let requestSchema: String?
        let requestContentType: String
        let responseSchema: String?
        let status: Int
        let authenticated: Bool
    }

    private let storage = NIOLockedValueBox<[Operation]>([])

    var operations: [Operation] { storage.withLockedValue { $0 } }

    func add(_ operation: Operation) { storage.withLockedValue { $0.append(operation) } }

    func json(version: String) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            var entry: [String: Any] = ["summary": op.summary, "tags": [op.tag],
                                        "operationId": "\(op.method.rawValue.lowercased())\(op.path.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: ""))"]
            let parameters = op.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { name -> [String: Any] in
                ["name": String(name.dropFirst().dropLast()), "in": "path", "required": true, "schema": ["type": "string"]]
            }
            var allParameters: [[String: Any]] = parameters
            if op.responseSchema?.hasSuffix("List") == true {
                allParameters.append(["name": "limit", "in": "query", "required": false,
                                      "schema": ["type": "integer", "minimum": 1, "maximum": 500]])
                allParameters.append(["name": "cursor", "in": "query", "required": false, "schema": ["type": "string"]])
            }
            if !allParameters.isEmpty { entry["parameters"] = allParameters }
            if let body = op.requestSchema {
                entry["requestBody"] = ["required": true,
                                        "content": [op.requestContentType: ["schema": ["$ref": "#/components/schemas/\(body)"]]]]
            }
            var responses: [String: Any] = [:]
            if let schema = op.responseSchema {
                responses[String(op.status)] = ["description": "OK",
                                                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(schema)"]]]]
            } else {
                responses[String(op.status)] = ["description": "OK"]
            }
            let error: [String: Any] = ["description": "Error",
                                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
            for code in ["400", "401", "403", "404", "409", "413", "422", "429"] { responses[code] = error }
            entry["responses"] = responses
            if op.authenticated { entry["security"] = [["bearer": [String]()]] } else { entry["security"] = [[String: Any]]() }
            paths[op.path, default: [:]][op.method.rawValue.lowercased()] = entry
        }
        return [
            "openapi": "3.0.3",
            "info": ["title": "Keel API", "version": version,
                     "description": "Keel's REST API. Errors are {\"error\":{code,message,field}} in the caller's language."],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": ["schemas": APISchemas.all,
                           "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]],
        ]
    }
}

/// Registers `/api/v1` routes together with their OpenAPI entries.
struct API {
    let routes: any RoutesBuilder
    let document: APIDocument

    func on<R: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: String, _ summary: String, tag: String, body: String? = nil,
        bodyType: String = "application/json", maxBody: Int? = nil,
        response: String? = nil, status: Int = 200, authenticated: Bool = true,
        handler: @escaping @Sendable (Request) async throws -> R
    ) {
        let components = path.split(separator: "/").map { piece -> PathComponent in
            piece.hasPrefix("{") ? .parameter(String(piece.dropFirst().dropLast())) : .constant(String(piece))
        }
        if let maxBody {
            routes.on(method, components, body: .collect(maxSize: ByteCount(integerLiteral: maxBody)), use: handler)
        } else {
            routes.on(method, components, use: handler)
        }
        document.add(.init(method: method, path: "/api/v1/" + path, summary: summary, tag: tag, requestSchema: body,
                           requestContentType: bodyType, responseSchema: response, status: status, authenticated: authenticated))
    }
}

extension Content {
    /// Encodes with a chosen status, for `201 Created`.
    func response(status: HTTPStatus, for request: Request) async throws -> Response {
        let response = try await encodeResponse(for: request)
        response.status = status
        return response
    }
}
