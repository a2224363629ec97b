import Foundation

extension AssetImportMapping {
    /// A proposed mapping from header names in English and Simplified Chinese (a few Traditional
    /// forms too). Matching ignores case, spaces, punctuation, full-width forms, a trailing "*"
    /// and hints in brackets ("购买日期(YYYY-MM-DD)", "价格（元）"); "设备品牌" or "Asset Serial"
    /// also match without their "设备"/"asset" prefix. When several columns match one field, the
    /// more usual name wins ("名称" over "主机名"), then the leftmost. Other columns stay
    /// unmapped. The proposal may lack a `name` column: check `problems(headers:)`.
    public static func guess(headers: [String]) -> AssetImportMapping {
        var best: [AssetImportField: (rank: Int, column: Int)] = [:]
        for (column, header) in headers.enumerated() {
            guard let match = headerMatch(header) else { continue }
            if let current = best[match.field], (current.rank, current.column) <= (match.rank, column) { continue }
            best[match.field] = (match.rank, column)
        }
        var mapping = AssetImportMapping()
        for (field, choice) in best { mapping[headers[choice.column]] = .field(field) }
        return mapping
    }

    /// The field a header names and how usual that name is (lower is more usual).
    public static func headerMatch(_ header: String) -> (field: AssetImportField, rank: Int)? {
        if let hit = keyMatch(headerKey(header)) { return hit }
        // Bilingual headers: "资产编号/Asset Tag", "名称 Name", "序列号\nSerial Number".
        let parts = bilingualParts(header)
        guard parts.count > 1 else { return nil }
        let hits = parts.compactMap { keyMatch(headerKey($0)) }
        guard let first = hits.first, hits.allSatisfy({ $0.field == first.field }) else { return nil }
        return (first.field, hits.map(\.rank).min()! + 200)
    }

    private static func keyMatch(_ key: String) -> (field: AssetImportField, rank: Int)? {
        guard !key.isEmpty else { return nil }
        if let hit = headerWords[key] { return hit }
        for prefix in headerPrefixes where key.hasPrefix(prefix) && key.count > prefix.count {
            if let hit = headerWords[String(key.dropFirst(prefix.count))] { return (hit.field, hit.rank + 100) }
        }
        return nil
    }

    /// A header cut at "/", "|" and line ends, and where Chinese meets Latin text.
    static func bilingualParts(_ header: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var currentIsHan: Bool?
        for c in ImportText.halfWidth(header) {
            if "/|\\\n".contains(c) {
                parts.append(current)
                current = ""
                currentIsHan = nil
                continue
            }
            guard c.isLetter else { current.append(c); continue }
            let isHan = c.unicodeScalars.first.map { $0.properties.isIdeographic } ?? false
            if let previous = currentIsHan, previous != isHan {
                parts.append(current)
                current = ""
            }
            currentIsHan = isHan
            current.append(c)
        }
        parts.append(current)
        return parts.filter { !ImportText.key($0).isEmpty }
    }

    /// Lower case, without bracketed hints, a required-marker "*", spaces or punctuation.
    static func headerKey(_ header: String) -> String {
        var text = ImportText.halfWidth(header)
        var out = ""
        var depth = 0
        for c in text {
            switch c {
            case "(", "[", "【", "〔": depth += 1
            case ")", "]", "】", "〕": depth = max(0, depth - 1)
            default: if depth == 0 { out.append(c) }
            }
        }
        text = out.isEmpty || ImportText.key(out).isEmpty ? text : out
        return ImportText.key(text)
    }

    static let headerPrefixes = ["固定资产", "资产", "设备", "asset", "device", "equipment", "item", "hardware"]
        .map(ImportText.key)

    private static let headerWords: [String: (field: AssetImportField, rank: Int)] = {
        var table: [String: (field: AssetImportField, rank: Int)] = [:]
        for (field, words) in headerSynonyms {
            for (rank, word) in words.enumerated() where table[ImportText.key(word)] == nil {
                table[ImportText.key(word)] = (field, rank)
            }
        }
        return table
    }()

    /// Header names read as each field, most usual first.
    public static let headerSynonyms: [(AssetImportField, [String])] = [
        (.name, ["Name", "名称", "设备名称", "资产名称", "计算机名", "计算机名称", "主机名", "Hostname", "Host Name",
                 "Computer Name", "Device Name", "Asset Name", "电脑名称", "设备名", "品名", "名稱"]),
        (.tag, ["Asset Tag", "资产编号", "资产标签", "Tag", "资产号", "资产编码", "固定资产编号", "固资编号", "Asset Number",
                "Asset No", "Asset ID", "Asset Code", "Inventory Number", "资产条码", "编号", "标签", "資產編號"]),
        (.serial, ["Serial", "Serial Number", "序列号", "SN", "S/N", "Serial No", "序列号码", "出厂编号", "机身序列号",
                   "Service Tag", "序號", "序列號"]),
        (.model, ["Model", "型号", "规格型号", "Model Number", "Model No", "型号规格", "规格", "機型", "型號"]),
        (.manufacturer, ["Manufacturer", "品牌", "厂商", "制造商", "Brand", "Make", "Maker", "Vendor", "生产厂家", "厂家",
                         "生产商", "品牌厂商", "製造商", "廠商"]),
        (.purchaseDate, ["Purchase Date", "购买日期", "采购日期", "购置日期", "购入日期", "Purchased", "Date Purchased",
                         "Purchased On", "Acquisition Date", "Buy Date", "购买时间", "采购时间", "入账日期", "取得日期",
                         "購買日期", "購置日期"]),
        (.purchaseCost, ["Purchase Cost", "价格", "采购价格", "金额", "Cost", "Price", "Purchase Price", "购买价格",
                         "采购金额", "购置金额", "购置价格", "原值", "资产原值", "单价", "Unit Price", "Amount", "价值",
                         "Value", "價格", "金額"]),
        (.currency, ["Currency", "币种", "货币", "币别", "幣別", "貨幣"]),
        (.supplier, ["Supplier", "供应商", "供货商", "经销商", "销售商", "Reseller", "Seller", "Purchased From", "供應商"]),
        (.warrantyEnd, ["Warranty End", "保修到期", "保修截止日期", "Warranty", "保修到期日", "保修截止", "保修期至",
                        "保修到期日期", "维保到期", "维保到期日", "维保截止日期", "Warranty End Date", "Warranty Expires",
                        "Warranty Expiry", "Warranty Expiration", "Warranty Until", "保固到期"]),
        (.endOfSupport, ["End of Support", "停止支持日期", "支持截止日期", "EOS", "End of Life", "EOL", "Support End",
                         "服务终止日期", "停止服务日期"]),
        (.lifecycleState, ["Lifecycle State", "状态", "Status", "State", "Lifecycle", "使用状态", "资产状态", "设备状态",
                           "狀態"]),
        (.kind, ["Kind", "类型", "Type", "Category", "类别", "资产类型", "设备类型", "分类", "资产类别", "资产分类",
                 "设备类别", "Asset Type", "Device Type", "類型", "類別"]),
        (.subkind, ["Subkind", "子类型", "Subtype", "Sub Type", "子类", "细分类型", "子類型"]),
        (.owner, ["Owner", "使用人", "责任人", "User", "使用者", "用户", "领用人", "保管人", "负责人", "使用人员",
                  "Assigned To", "Assignee", "Username", "User Name", "Custodian", "Used By", "持有人", "使用人員"]),
        (.site, ["Site", "位置", "地点", "Location", "存放地点", "存放位置", "所在位置", "办公地点", "使用地点", "所在地",
                 "Office", "场地", "地點", "位置資訊"]),
        (.notes, ["Notes", "备注", "Note", "Comments", "Comment", "Remarks", "Remark", "说明", "描述", "Description",
                  "Memo", "备注说明", "備註", "說明"]),
    ]
}
