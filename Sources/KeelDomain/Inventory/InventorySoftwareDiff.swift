/// Software changes between two lists. Entries are first paired by exact name (a Debian
/// package keeps its name across versions); what is left is paired through the software
/// catalogue, so "Mozilla Firefox (x64 zh-CN) 118.0.1" → "Mozilla Firefox 120.0 (x64 en-US)"
/// is one upgrade rather than a removal and an installation. Several installations of one
/// product (x86 and x64 runtimes) pair in version order.
enum InventorySoftwareDiff {
    private struct Item {
        var name: String
        var version: String?
        var publisher: String?
    }

    static func changes(_ old: [InventorySoftware], _ new: [InventorySoftware], into changes: inout [InventoryChange]) {
        let before = grouped(old)
        let after = grouped(new)
        var unmatchedOld: [Item] = []
        var unmatchedNew: [Item] = []
        for (name, items) in after.order.map({ ($0, after.items[$0]!) }) {
            guard let previous = before.items[name] else {
                unmatchedNew.append(contentsOf: items)
                continue
            }
            pair(previous, items, into: &changes)
        }
        for name in before.order where after.items[name] == nil {
            unmatchedOld.append(contentsOf: before.items[name]!)
        }
        guard !unmatchedOld.isEmpty, !unmatchedNew.isEmpty else {
            for item in unmatchedNew { changes.append(.softwareInstalled(name: item.name, version: item.version)) }
            for item in unmatchedOld { changes.append(.softwareRemoved(name: item.name, version: item.version)) }
            return
        }
        let oldProducts = byProduct(unmatchedOld)
        let newProducts = byProduct(unmatchedNew)
        for key in newProducts.order {
            pair(oldProducts.items[key] ?? [], newProducts.items[key]!, into: &changes)
        }
        for key in oldProducts.order where newProducts.items[key] == nil {
            for item in oldProducts.items[key]! { changes.append(.softwareRemoved(name: item.name, version: item.version)) }
        }
    }

    /// Entries by a key, keys in first-seen order.
    private struct Groups {
        var order: [String] = []
        var items: [String: [Item]] = [:]

        mutating func add(_ item: Item, under key: String) {
            if items[key] == nil {
                order.append(key)
                items[key] = [item]
            } else {
                items[key]!.append(item)
            }
        }
    }

    private static func grouped(_ software: [InventorySoftware]) -> Groups {
        var groups = Groups()
        groups.items.reserveCapacity(software.count)
        for entry in software {
            groups.add(Item(name: entry.name, version: entry.version, publisher: entry.publisher), under: entry.name)
        }
        return groups
    }

    private static func byProduct(_ items: [Item]) -> Groups {
        var groups = Groups()
        for item in items {
            groups.add(item, under: SoftwareCatalog.normalise(name: item.name, publisher: item.publisher).key)
        }
        return groups
    }

    /// Pairs the versions one side lost with those the other gained, lowest with lowest.
    private static func pair(_ old: [Item], _ new: [Item], into changes: inout [InventoryChange]) {
        var remaining = old
        var gained: [Item] = []
        for item in new {
            if let index = remaining.firstIndex(where: { $0.version == item.version && $0.name == item.name }) {
                remaining.remove(at: index)
            } else {
                gained.append(item)
            }
        }
        let lost = remaining.sorted { InventoryVersion.compare(label($0), label($1)) < 0 }
        gained.sort { InventoryVersion.compare(label($0), label($1)) < 0 }
        for index in 0..<max(lost.count, gained.count) {
            switch (index < lost.count ? lost[index] : nil, index < gained.count ? gained[index] : nil) {
            case (let from?, let to?):
                // Versions as sent; the names stand in where a vendor put the version only there.
                let fromText = from.version ?? (from.name == to.name ? nil : from.name)
                let toText = to.version ?? (from.name == to.name ? nil : to.name)
                if InventoryVersion.compare(label(to), label(from)) < 0 {
                    changes.append(.softwareDowngraded(name: to.name, from: fromText, to: toText))
                } else {
                    changes.append(.softwareUpgraded(name: to.name, from: fromText, to: toText))
                }
            case (let from?, nil): changes.append(.softwareRemoved(name: from.name, version: from.version))
            case (nil, let to?): changes.append(.softwareInstalled(name: to.name, version: to.version))
            case (nil, nil): break
            }
        }
    }

    /// The version, or the name where a vendor put the version only there.
    private static func label(_ item: Item) -> String { item.version ?? item.name }
}
