import Fluent
import Foundation
import KeelDomain
import Vapor

struct PurchaseAdviceItemOut: Content {
    let asset: AssetOut
    let reasons: [String]
    let estimateCents: Int
    let currency: String
    /// True when the estimate is a typical price rather than the device's own purchase cost.
    let estimated: Bool
}

struct PurchaseAdviceTotalOut: Content {
    let currency: String
    let cents: Int
    let count: Int
}

struct PurchaseAdviceOut: Content {
    let horizonDays: Int
    let replaceAfterYears: Int
    let items: [PurchaseAdviceItemOut]
    let totals: [PurchaseAdviceTotalOut]
}

/// "Replace these 7 laptops next quarter, estimated cost …" (`/api/v1/purchase-advice`).
enum PurchaseAdviceAPI {
    struct Parameters {
        var organizationID: UUID?
        var horizonDays = 90
        var years = 5

        init(_ req: Request) throws {
            if let raw = req.query[String.self, at: "organizationId"], !raw.isEmpty {
                guard let id = UUID(uuidString: raw) else { throw KeelError.notFound }
                organizationID = id
            }
            if let raw = req.query[String.self, at: "horizonDays"], !raw.isEmpty {
                guard let value = Int(raw), (1...1095).contains(value) else { throw KeelError(.badRequest, "bad_request", field: "horizonDays") }
                horizonDays = value
            }
            if let raw = req.query[String.self, at: "years"], !raw.isEmpty {
                guard let value = Int(raw), (1...20).contains(value) else { throw KeelError(.badRequest, "bad_request", field: "years") }
                years = value
            }
        }
    }

    /// The advice for the caller's scope: one query over active assets, rules in the domain.
    static func advice(_ req: Request) async throws -> PurchaseAdviceOut {
        let parameters = try Parameters(req)
        let tenant = try req.tenant
        let query = tenant.assets().filter(\.$lifecycleState !~ ["retired", "disposed"])
            .filter(\.$kind ~~ ["computer", "printer", "network", "phone"])
        if let id = parameters.organizationID {
            guard tenant.scope.contains(id) else { throw KeelError.notFound }
            query.filter(\.$organization.$id == id)
        }
        let assets = try await query.sort(\.$name).limit(20_000).all()
        let rules = PurchaseAdvice.Rules(today: AssetDates.string(Date()), horizonDays: parameters.horizonDays,
                                         replaceAfterYears: parameters.years)
        var items: [PurchaseAdviceItemOut] = []
        var advices: [PurchaseAdvice.Advice] = []
        for asset in assets {
            let device = PurchaseAdvice.Device(
                kind: AssetKind(rawValue: asset.kind) ?? .other, subkind: asset.subkind,
                state: AssetLifecycleState(rawValue: asset.lifecycleState) ?? .inUse, purchaseDate: asset.purchaseDate,
                warrantyEnd: asset.warrantyEnd, endOfSupport: asset.endOfSupport, osName: asset.osName,
                purchaseCostCents: asset.purchaseCostCents, currency: asset.currency)
            guard let advice = PurchaseAdvice.advise(device, rules: rules) else { continue }
            advices.append(advice)
            items.append(PurchaseAdviceItemOut(asset: AssetOut(asset), reasons: advice.reasons.map(\.rawValue),
                                               estimateCents: advice.estimateCents, currency: advice.currency, estimated: advice.estimated))
        }
        return PurchaseAdviceOut(horizonDays: parameters.horizonDays, replaceAfterYears: parameters.years, items: items,
                                 totals: PurchaseAdvice.totals(advices).map { PurchaseAdviceTotalOut(currency: $0.currency, cents: $0.cents, count: $0.count) })
    }

    static func register(_ api: API) {
        api.on(.GET, "purchase-advice", "Devices to replace within a horizon (horizonDays, years, organizationId) with estimated cost",
               tag: "assets", response: "PurchaseAdvice") { req in
            try await advice(req)
        }
    }
}
