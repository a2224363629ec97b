import Vapor

/// Several async middlewares run as one. Vapor starts a new task for each async middleware
/// and hands the request back and forth through event-loop futures between them (a dozen
/// thread switches a request with four); here each calls the next directly, in one task.
struct MiddlewareChain: AsyncMiddleware {
    let middlewares: [any AsyncMiddleware]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await Step(chain: middlewares[...], last: next).respond(to: request)
    }

    private struct Step: AsyncResponder {
        let chain: ArraySlice<any AsyncMiddleware>
        let last: any AsyncResponder

        func respond(to request: Request) async throws -> Response {
            guard let first = chain.first else { return try await last.respond(to: request) }
            return try await first.respond(to: request, chainingTo: Step(chain: chain.dropFirst(), last: last))
        }
    }
}
