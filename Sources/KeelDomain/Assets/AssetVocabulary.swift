import Foundation

/// What kind of computer (API `subkind`; empty on the server when unknown or not a computer).
/// The raw values are `AssetKind.computerForms`. (`AssetKind` and `AssetLifecycleState` are
/// defined in AssetLifecycle.swift.)
public enum AssetSubkind: String, Sendable, Hashable, Codable, CaseIterable {
    case desktop, laptop, server, virtual
}

/// The words a spreadsheet uses for kinds and states, in English and Simplified Chinese (with
/// a few Traditional forms). Matching ignores case, spaces and punctuation ("In use",
/// "in_use" and "IN-USE" are one word); unknown words are not guessed at.
public enum AssetVocabulary {
    /// The kind (and, for computers, the subkind) a word names; nil when unknown.
    public static func kind(_ word: String) -> (kind: AssetKind, subkind: AssetSubkind?)? {
        let key = ImportText.key(word)
        if let subkind = subkindWords[key] { return (.computer, subkind) }
        if let kind = kindWords[key] { return (kind, nil) }
        return nil
    }

    /// The computer subkind a word names ("笔记本", "Laptop", "VM"); nil when unknown.
    public static func subkind(_ word: String) -> AssetSubkind? {
        subkindWords[ImportText.key(word)]
    }

    /// The lifecycle state a word names ("使用中", "In use", "in_use"); nil when unknown.
    public static func lifecycleState(_ word: String) -> AssetLifecycleState? {
        stateWords[ImportText.key(word)]
    }

    private static func table<Value>(_ groups: [(Value, [String])]) -> [String: Value] {
        var result: [String: Value] = [:]
        for (value, words) in groups {
            for word in words { result[ImportText.key(word)] = value }
        }
        return result
    }

    static let subkindWords: [String: AssetSubkind] = table(subkindSynonyms)
    static let kindWords: [String: AssetKind] = table(kindSynonyms)
    static let stateWords: [String: AssetLifecycleState] = table(stateSynonyms)

    /// Words read as each computer subkind (the kind is then `computer`).
    public static let subkindSynonyms: [(AssetSubkind, [String])] = [
        (.desktop, ["desktop", "desktop pc", "desktop computer", "workstation", "all-in-one", "aio", "pc desktop",
                    "台式机", "台式", "台式电脑", "台式计算机", "台式主机", "一体机", "工作站", "桌面电脑", "桌上型電腦"]),
        (.laptop, ["laptop", "notebook", "notebook pc", "laptop computer", "ultrabook",
                   "笔记本", "笔记本电脑", "笔记本计算机", "手提电脑", "便携机", "便携式电脑", "筆記本", "筆記型電腦"]),
        (.server, ["server", "rack server", "blade server", "服务器", "伺服器", "機架伺服器", "机架服务器", "刀片服务器", "服務器"]),
        (.virtual, ["virtual", "virtual machine", "vm", "虚拟机", "虚拟服务器", "虛擬機"]),
    ]

    /// Words read as each kind.
    public static let kindSynonyms: [(AssetKind, [String])] = [
        (.computer, ["computer", "pc", "电脑", "计算机", "電腦", "主机"]),
        (.network, ["network", "network device", "network equipment", "switch", "router", "firewall", "access point",
                    "wireless access point", "ap", "wifi", "gateway", "load balancer", "modem",
                    "网络", "网络设备", "交换机", "路由器", "防火墙", "无线ap", "无线接入点", "无线路由器", "网关",
                    "负载均衡", "光猫", "調制解調器", "網路設備", "交換機"]),
        (.printer, ["printer", "laser printer", "mfp", "multifunction printer", "copier", "plotter",
                    "打印机", "激光打印机", "多功能一体机", "复印机", "打印复印一体机", "绘图仪", "印表機"]),
        (.phone, ["phone", "mobile", "mobile phone", "smartphone", "cell phone", "ip phone", "desk phone", "telephone",
                  "手机", "电话", "电话机", "座机", "ip电话", "固定电话", "手機", "電話"]),
        (.peripheral, ["peripheral", "monitor", "display", "screen", "keyboard", "mouse", "scanner", "projector",
                       "docking station", "dock", "webcam", "headset",
                       "外设", "外部设备", "显示器", "屏幕", "键盘", "鼠标", "扫描仪", "投影仪", "扩展坞", "摄像头", "耳机",
                       "顯示器", "周邊"]),
        (.cloud, ["cloud", "cloud service", "subscription", "saas", "cloud server", "cloud instance",
                  "云", "云服务", "云服务器", "云主机", "订阅", "云订阅", "雲端服務"]),
        (.other, ["other", "others", "misc", "其他", "其它", "其他设备"]),
    ]

    /// Words read as each lifecycle state.
    public static let stateSynonyms: [(AssetLifecycleState, [String])] = [
        (.ordered, ["ordered", "on order", "purchased", "pending delivery",
                    "已订购", "订购", "已下单", "采购中", "待到货", "在途", "已採購"]),
        (.inStock, ["in stock", "in_stock", "stock", "spare", "available", "unassigned", "idle", "in storage",
                    "在库", "库存", "在库中", "闲置", "备用", "备件", "未使用", "未分配", "待分配", "入库", "庫存", "閒置"]),
        (.inUse, ["in use", "in_use", "active", "deployed", "assigned", "in service",
                  "使用中", "在用", "已分配", "已领用", "领用", "正常", "正常使用", "使用", "在使用", "正在使用"]),
        (.inRepair, ["in repair", "in_repair", "repair", "under repair", "repairing", "broken", "faulty", "maintenance",
                     "维修中", "维修", "送修", "待维修", "待修", "故障", "維修中"]),
        (.retired, ["retired", "decommissioned", "inactive", "end of life", "eol", "deprecated",
                    "已退役", "退役", "停用", "已停用", "淘汰", "已淘汰", "退库", "已退库"]),
        (.disposed, ["disposed", "scrapped", "sold", "recycled", "destroyed", "written off",
                     "已处置", "处置", "报废", "已报废", "已出售", "出售", "变卖", "已回收", "已銷毀", "已處置", "報廢"]),
    ]
}
