import Fluent
import Foundation
import KeelDomain

/// A small hand-kept ledger for each demo client: laptops of several ages (so the purchase
/// advice and lifecycle views have substance), printers, network gear, a subscription and
/// a licence. Computers found by the agent come from a real inventory run.
enum DemoAssets {
    private struct Item {
        let name: String; let kind: String; let subkind: String; let model: String; let bought: String; let cost: Int
        let warranty: String?; let state: String; let owner: String?; let os: String?
    }

    private static let ledgers: [String: (currency: String, items: [Item])] = [
        "green": ("GBP", [
            Item(name: "GL-LT-01", kind: "computer", subkind: "laptop", model: "Lenovo ThinkPad T480", bought: "2019-04-02", cost: 115_000,
                 warranty: "2022-04-02", state: "in_use", owner: "j.patel@greenlaw.example", os: "Microsoft Windows 10 Pro"),
            Item(name: "GL-LT-02", kind: "computer", subkind: "laptop", model: "Lenovo ThinkPad T14 Gen 3", bought: "2023-02-10", cost: 129_900,
                 warranty: "2026-02-10", state: "in_use", owner: "s.okafor@greenlaw.example", os: "Microsoft Windows 11 Pro"),
            Item(name: "GL-PC-RECEPTION", kind: "computer", subkind: "desktop", model: "Dell OptiPlex 3060", bought: "2018-09-15", cost: 62_000,
                 warranty: "2021-09-15", state: "in_use", owner: "office@greenlaw.example", os: "Microsoft Windows 10 Pro"),
            Item(name: "GL-PRN-01", kind: "printer", subkind: "", model: "HP LaserJet Pro M404dn", bought: "2021-06-01", cost: 28_900,
                 warranty: "2024-06-01", state: "in_repair", owner: nil, os: nil),
            Item(name: "GL-FW-01", kind: "network", subkind: "", model: "Fortinet FortiGate 40F", bought: "2022-01-20", cost: 54_000,
                 warranty: "2027-01-20", state: "in_use", owner: nil, os: nil),
            Item(name: "Microsoft 365 Business Standard", kind: "cloud", subkind: "", model: "12 seats, yearly", bought: "2025-03-01", cost: 132_000,
                 warranty: nil, state: "in_use", owner: nil, os: nil),
        ]),
        "huaxin": ("CNY", [
            Item(name: "HX-NB-设计-01", kind: "computer", subkind: "laptop", model: "联想 ThinkPad X1 Carbon", bought: "2020-05-18", cost: 1_299_900,
                 warranty: "2023-05-18", state: "in_use", owner: "wang.fang@huaxin-design.example", os: "Microsoft Windows 10 专业版"),
            Item(name: "HX-WS-渲染", kind: "computer", subkind: "desktop", model: "戴尔 Precision 3660", bought: "2024-03-08", cost: 2_150_000,
                 warranty: "2027-03-08", state: "in_use", owner: "li.lei@huaxin-design.example", os: "Microsoft Windows 11 专业版"),
            Item(name: "HX-NAS-01", kind: "computer", subkind: "server", model: "群晖 DS920+", bought: "2021-11-11", cost: 560_000,
                 warranty: "2024-11-11", state: "in_use", owner: nil, os: "Synology DSM 7.2"),
            Item(name: "HX-打印机-前台", kind: "printer", subkind: "", model: "兄弟 MFC-L8900CDW", bought: "2022-08-01", cost: 699_900,
                 warranty: "2025-08-01", state: "in_use", owner: nil, os: nil),
            Item(name: "HX-交换机-01", kind: "network", subkind: "", model: "华为 S5735-L24T4S", bought: "2020-02-20", cost: 380_000,
                 warranty: "2023-02-20", state: "in_use", owner: nil, os: nil),
            Item(name: "HX-NB-旧-02", kind: "computer", subkind: "laptop", model: "联想 昭阳 E42", bought: "2016-07-01", cost: 459_900,
                 warranty: "2019-07-01", state: "retired", owner: nil, os: nil),
        ]),
        "bloom": ("GBP", [
            Item(name: "Till PC", kind: "computer", subkind: "desktop", model: "HP ProDesk 400 G4", bought: "2018-03-01", cost: 49_900,
                 warranty: "2021-03-01", state: "in_use", owner: "shop@bloom.example", os: "Microsoft Windows 10 Pro"),
            Item(name: "Shop iPad", kind: "phone", subkind: "", model: "Apple iPad 9th gen", bought: "2022-10-01", cost: 36_900,
                 warranty: "2023-10-01", state: "in_use", owner: "owner@bloom.example", os: nil),
        ]),
    ]

    static func load(on db: any Database, now: Date) async throws {
        for (key, ledger) in ledgers.sorted(by: { $0.key < $1.key }) {
            let organizationID = DemoData.id("org:\(key)")
            for (index, item) in ledger.items.enumerated() {
                let asset = Asset()
                asset.id = DemoData.id("asset:\(key):\(item.name)")
                asset.$organization.id = organizationID
                asset.$owner.id = item.owner.map { DemoData.id("user:\($0)") }
                asset.kind = item.kind
                asset.subkind = item.subkind
                asset.name = item.name
                asset.tag = key.uppercased() + "-" + String(format: "%03d", index + 1)
                asset.model = item.model
                asset.manufacturer = item.model.split(separator: " ").first.map(String.init)
                asset.purchaseDate = item.bought
                asset.purchaseCostCents = item.cost
                asset.currency = ledger.currency
                asset.warrantyEnd = item.warranty
                asset.lifecycleState = item.state
                asset.osName = item.os
                asset.notes = ""
                asset.macs = ""
                asset.createdAt = now
                asset.updatedAt = now
                try await asset.create(on: db)
                try await AssetLedger.recordMove(asset, from: nil, to: .inUse, note: "", by: nil, label: "demo",
                                                 at: DemoAssets.date(item.bought) ?? now, on: db)
                if let state = AssetLifecycleState(rawValue: item.state), state != .inUse {
                    try await AssetLedger.recordMove(asset, from: .inUse, to: state, note: "", by: nil, label: "demo",
                                                     at: now.addingTimeInterval(-30 * 86_400), on: db)
                }
            }
        }
        let licence = Licence()
        licence.id = DemoData.id("licence:huaxin:office")
        licence.organizationID = DemoData.id("org:huaxin")
        licence.name = "WPS Office 2023 专业版 (10 用户)"
        licence.catalogKey = SoftwareCatalog.normalise(name: "WPS Office", publisher: nil).key
        licence.seats = 10
        licence.expiresOn = "2027-06-30"
        licence.costCents = 389_000
        licence.currency = "CNY"
        licence.notes = ""
        licence.createdAt = now
        licence.updatedAt = now
        try await licence.create(on: db)
    }

    private static func date(_ day: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: day)
    }
}
