import Foundation

/// "Replace these 7 laptops next quarter, estimated cost …": which devices to budget for
/// within a horizon, why, and what it will roughly cost. Pure: the server hands it the facts.
public enum PurchaseAdvice {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// Its end of support falls inside the horizon, or its OS is out of support
        /// (Windows 7, 8.x, and 10 after 14 October 2025).
        case endOfSupport = "end_of_support"
        /// Older than the replacement age by the end of the horizon.
        case tooOld = "too_old"
        /// Out of warranty by the end of the horizon and past the warranty age (3 years).
        case outOfWarranty = "out_of_warranty"
    }

    public struct Device: Sendable, Equatable {
        public var kind: AssetKind
        public var subkind: String
        public var state: AssetLifecycleState
        public var purchaseDate: String?
        public var warrantyEnd: String?
        public var endOfSupport: String?
        public var osName: String?
        public var purchaseCostCents: Int?
        public var currency: String?

        public init(kind: AssetKind, subkind: String = "", state: AssetLifecycleState = .inUse, purchaseDate: String? = nil,
                    warrantyEnd: String? = nil, endOfSupport: String? = nil, osName: String? = nil,
                    purchaseCostCents: Int? = nil, currency: String? = nil) {
            self.kind = kind; self.subkind = subkind; self.state = state; self.purchaseDate = purchaseDate
            self.warrantyEnd = warrantyEnd; self.endOfSupport = endOfSupport; self.osName = osName
            self.purchaseCostCents = purchaseCostCents; self.currency = currency
        }
    }

    public struct Rules: Sendable, Equatable {
        /// Today, `YYYY-MM-DD`.
        public var today: String
        public var horizonDays: Int
        /// Replacement age in years for computers (laptops wear faster: one year less).
        public var replaceAfterYears: Int
        /// The estimate when a device has no purchase cost, per kind or computer form, in
        /// cents of `defaultCurrency`.
        public var defaultCosts: [String: Int]
        public var defaultCurrency: String

        public init(today: String, horizonDays: Int = 90, replaceAfterYears: Int = 5,
                    defaultCosts: [String: Int] = Rules.typicalCostsCNY, defaultCurrency: String = "CNY") {
            self.today = today; self.horizonDays = horizonDays; self.replaceAfterYears = replaceAfterYears
            self.defaultCosts = defaultCosts; self.defaultCurrency = defaultCurrency
        }

        /// Typical SME replacement prices in China (2026), in fen.
        public static let typicalCostsCNY: [String: Int] = [
            "laptop": 650_000, "desktop": 500_000, "server": 3_000_000, "computer": 550_000,
            "printer": 300_000, "network": 400_000, "phone": 350_000,
        ]
    }

    public struct Advice: Sendable, Equatable {
        public var reasons: [Reason]
        public var estimateCents: Int
        public var currency: String
        /// True when the estimate is the typical price, not this device's own purchase cost.
        public var estimated: Bool

        public init(reasons: [Reason], estimateCents: Int, currency: String, estimated: Bool) {
            self.reasons = reasons; self.estimateCents = estimateCents; self.currency = currency; self.estimated = estimated
        }
    }

    /// Kinds worth budgeting for; virtual machines, peripherals and subscriptions are not.
    static func replaceable(_ device: Device) -> Bool {
        switch device.kind {
        case .computer: return device.subkind != "virtual"
        case .printer, .network, .phone: return true
        case .peripheral, .cloud, .other: return false
        }
    }

    /// Whether `osName` is a Windows release out of support on `day`.
    public static func osOutOfSupport(_ osName: String?, on day: String) -> Bool {
        guard let name = osName?.lowercased(), name.contains("windows") else { return false }
        if name.contains("windows 7") || name.contains("windows 8") || name.contains("windows xp") || name.contains("windows vista") { return true }
        return name.contains("windows 10") && day >= "2025-10-14"
    }

    /// The advice for one device, or nil when it need not be replaced within the horizon.
    public static func advise(_ device: Device, rules: Rules) -> Advice? {
        guard device.state.isActive, replaceable(device) else { return nil }
        let horizonEnd = shift(rules.today, days: rules.horizonDays)
        var reasons: [Reason] = []
        if let end = device.endOfSupport, end <= horizonEnd {
            reasons.append(.endOfSupport)
        } else if osOutOfSupport(device.osName, on: horizonEnd) {
            reasons.append(.endOfSupport)
        }
        let years = device.subkind == "laptop" ? max(1, rules.replaceAfterYears - 1) : rules.replaceAfterYears
        if let bought = device.purchaseDate, bought <= shift(horizonEnd, years: -years) {
            reasons.append(.tooOld)
        }
        if let warranty = device.warrantyEnd, warranty <= horizonEnd, let bought = device.purchaseDate,
           bought <= shift(horizonEnd, years: -3), !reasons.contains(.tooOld) {
            reasons.append(.outOfWarranty)
        }
        guard !reasons.isEmpty else { return nil }
        if let cost = device.purchaseCostCents, cost > 0 {
            return Advice(reasons: reasons, estimateCents: cost, currency: device.currency ?? rules.defaultCurrency, estimated: false)
        }
        let typical = rules.defaultCosts[device.subkind] ?? rules.defaultCosts[device.kind.rawValue] ?? 0
        return Advice(reasons: reasons, estimateCents: typical, currency: rules.defaultCurrency, estimated: true)
    }

    /// Totals per currency, sorted by currency code.
    public static func totals(_ advice: [Advice]) -> [(currency: String, cents: Int, count: Int)] {
        var sums: [String: (Int, Int)] = [:]
        for item in advice {
            let current = sums[item.currency] ?? (0, 0)
            sums[item.currency] = (current.0 + item.estimateCents, current.1 + 1)
        }
        return sums.keys.sorted().map { ($0, sums[$0]!.0, sums[$0]!.1) }
    }

    static func shift(_ day: String, days: Int = 0, years: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              let moved = calendar.date(byAdding: DateComponents(year: years, day: days), to: date) else { return day }
        return AssetDates.string(moved)
    }
}

/// Installed against owned seats, per software product (catalogue key), for one
/// organisation: the licence compliance view.
public enum LicenceCompliance {
    public enum Status: String, Sendable, Codable {
        /// Installed on no more devices than seats owned.
        case compliant
        /// More installations than seats: buy or uninstall.
        case underLicensed = "under_licensed"
        /// All licences for the product have expired.
        case expired
    }

    public struct Owned: Sendable, Equatable {
        public var catalogKey: String
        public var seats: Int
        /// `YYYY-MM-DD`, nil for perpetual.
        public var expiresOn: String?
        public init(catalogKey: String, seats: Int, expiresOn: String? = nil) {
            self.catalogKey = catalogKey; self.seats = seats; self.expiresOn = expiresOn
        }
    }

    public struct Line: Sendable, Equatable {
        public var catalogKey: String
        /// Seats of licences still valid today.
        public var owned: Int
        public var installed: Int
        /// Installations beyond the seats (0 when compliant).
        public var shortfall: Int
        public var unused: Int
        public var status: Status
    }

    /// One line per product that has a licence; `installed` counts devices per catalogue key.
    public static func lines(owned: [Owned], installed: [String: Int], today: String) -> [Line] {
        var seats: [String: Int] = [:]
        var anyValid: [String: Bool] = [:]
        for licence in owned {
            let valid = licence.expiresOn.map { $0 >= today } ?? true
            seats[licence.catalogKey, default: 0] += valid ? licence.seats : 0
            anyValid[licence.catalogKey] = (anyValid[licence.catalogKey] ?? false) || valid
        }
        return seats.keys.sorted().map { key in
            let have = seats[key] ?? 0
            let used = installed[key] ?? 0
            let status: Status = anyValid[key] == true ? (used > have ? .underLicensed : .compliant) : .expired
            return Line(catalogKey: key, owned: have, installed: used, shortfall: max(0, used - have), unused: max(0, have - used), status: status)
        }
    }
}
