import Foundation
import Vapor

/// An error a caller can act on. `code` is stable for scripts; the message comes from the
/// catalogs (`error.<code>`) in the caller's language, filled with `values`.
struct KeelError: Error, Sendable {
    let status: HTTPResponseStatus
    let code: String
    let field: String?
    let values: [String: String]

    init(_ status: HTTPResponseStatus, _ code: String, field: String? = nil, values: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.field = field
        self.values = values
    }

    static func validation(_ field: String, _ code: String = "validation_failed", values: [String: String] = [:]) -> KeelError {
        KeelError(.unprocessableEntity, code, field: field, values: values)
    }

    static let notFound = KeelError(.notFound, "not_found")
    static let forbidden = KeelError(.forbidden, "forbidden")
    static let unauthorized = KeelError(.unauthorized, "unauthorized")
    static func conflict(_ code: String, field: String? = nil) -> KeelError { KeelError(.conflict, code, field: field) }
}

/// Turns any error into the JSON error shape under `/api` and a friendly page elsewhere,
/// in the caller's language, without internal details.
struct KeelErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let abort as any AbortError where (300..<400).contains(abort.status.code) {
            return Response(status: abort.status, headers: abort.headers)
        } catch {
            let keelError = Self.classify(error)
            if keelError.status.code >= 500 {
                request.logger.report(error: error)
            }
            return await Self.response(for: keelError, request: request)
        }
    }

    static func classify(_ error: any Error) -> KeelError {
        switch error {
        case let error as KeelError:
            return error
        case let error as DecodingError:
            return decoding(error)
        case let abort as any AbortError:
            switch abort.status {
            case .payloadTooLarge: return KeelError(.payloadTooLarge, "body_too_large")
            case .notFound: return .notFound
            case .unsupportedMediaType: return KeelError(.unsupportedMediaType, "unsupported_media_type")
            case .methodNotAllowed: return KeelError(.methodNotAllowed, "method_not_allowed")
            case .unauthorized: return .unauthorized
            case .forbidden: return .forbidden
            case .badRequest: return KeelError(.badRequest, "bad_request")
            case .tooManyRequests: return KeelError(.tooManyRequests, "too_many_requests")
            default:
                return abort.status.code < 500 ? KeelError(abort.status, "bad_request") : KeelError(.internalServerError, "internal")
            }
        default:
            return KeelError(.internalServerError, "internal")
        }
    }

    private static func decoding(_ error: DecodingError) -> KeelError {
        func path(_ context: DecodingError.Context) -> String? {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? nil : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = (path(context).map { $0 + "." } ?? "") + key.stringValue
            return KeelError(.badRequest, "field_missing", field: field, values: ["field": field])
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = path(context) ?? "body"
            return KeelError(.badRequest, "field_wrong_type", field: field, values: ["field": field])
        case .dataCorrupted(let context):
            if let field = path(context) {
                return KeelError(.badRequest, "field_wrong_type", field: field, values: ["field": field])
            }
            return KeelError(.badRequest, "malformed_body")
        @unknown default:
            return KeelError(.badRequest, "malformed_body")
        }
    }

    static func response(for error: KeelError, request: Request) async -> Response {
        let language = request.language
        let message = request.application.catalog.text("error.\(error.code)", language, error.values)
        let response: Response
        if request.url.path.hasPrefix("/api/") || request.url.path.hasPrefix("/inventory/") || request.url.path.hasPrefix("/ping/") {
            struct Body: Content { let error: Detail }
            struct Detail: Content { let code: String; let message: String; let field: String? }
            response = Response(status: error.status)
            try? response.content.encode(Body(error: Detail(code: error.code, message: message, field: error.field)))
        } else {
            do {
                response = try await request.renderPage("error", status: error.status,
                                                        data: ErrorPage(message: message, status: Int(error.status.code)))
            } catch {
                response = Response(status: .internalServerError, body: .init(string: message))
            }
        }
        if error.status == .unauthorized, request.url.path.hasPrefix("/api/") {
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"keel\"")
        }
        return response
    }
}

struct ErrorPage: Encodable {
    let message: String
    let status: Int
}
