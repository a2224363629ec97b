import Foundation

/// A purchase cost read from a cell: hundredths of the currency unit (whatever the currency's
/// own minor unit: 1234 JPY is 123400), and what the cell said about the currency.
public struct AssetImportCost: Sendable, Hashable, Codable {
    public var cents: Int
    /// An ISO code written in the cell ("CNY 1234", "1234 USD", "RMB 5", "1234元").
    public var currency: String?
    /// Currencies a symbol in the cell allows, the first preferred ("¥" → CNY, JPY; "$" → USD…).
    public var symbolCurrencies: [String]

    public init(cents: Int, currency: String? = nil, symbolCurrencies: [String] = []) {
        self.cents = cents
        self.currency = currency
        self.symbolCurrencies = symbolCurrencies
    }
}

/// Converters from spreadsheet cells to typed asset values. Empty cells and placeholders
/// ("-", "N/A", "无") read as nil; anything else either converts or fails with a code.
public enum AssetImportValues {
    /// Years accepted in dates (as `AssetDates.day`).
    public static let years = 1900...2999
    /// Longer date and cost cells are refused unread (so work per cell stays small).
    static let maxCellBytes = 100
    /// Largest cost accepted, in currency units.
    public static let maxCostUnits = 1_000_000_000_000

    /// A date written year first: "2024-03-05", "2024/3/5", "2024.03.05", "2024年3月5日",
    /// "20240305", with an optional time after it ("2024/3/5 0:00", "2024-03-05T08:00:00Z",
    /// ignored). Day-first and month-first dates ("05/03/2024") are refused as ambiguous, even
    /// when the day is above 12, so one file never mixes readings.
    public static func date(_ cell: String) throws(AssetImportErrorCode) -> CivilDate? {
        if ImportText.isPlaceholder(cell) { return nil }
        guard cell.utf8.count <= maxCellBytes else { throw .dateInvalid }
        var text = ImportText.singleLine(ImportText.halfWidth(cell))
        text = withoutTime(text)
        if text.hasSuffix("日") || text.hasSuffix("号") {
            guard text.contains("年"), text.contains("月") else { throw .dateInvalid }
            text = String(text.dropLast()).replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "月", with: "-")
            text = text.replacingOccurrences(of: " ", with: "")
        }
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { throw .dateInvalid }
        var ymd: (Int, Int, Int)?
        if parts.count == 1, parts[0].count == 8, let all = Int(parts[0]) {
            ymd = (all / 10000, all / 100 % 100, all % 100)
        } else if parts.count == 3, parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2 {
            ymd = (Int(parts[0])!, Int(parts[1])!, Int(parts[2])!)
        } else if parts.count == 3, parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2 {
            throw .dateAmbiguous
        }
        guard let (y, m, d) = ymd, years.contains(y), let date = CivilDate(year: y, month: m, day: d) else {
            throw .dateInvalid
        }
        return date
    }

    /// The date part of "2024-03-05 08:00", "2024-03-05T08:00:00Z", "2024/3/5 0:00:00".
    private static func withoutTime(_ text: String) -> String {
        guard let cut = text.firstIndex(where: { $0 == " " || $0 == "T" }) else { return text }
        let rest = text[text.index(after: cut)...].trimmingCharacters(in: .whitespaces)
        let timeLike = rest.contains(":") && rest.allSatisfy { "0123456789:.+-Z ".contains($0) }
            || ["AM", "PM"].contains { rest.uppercased().hasSuffix($0) } && rest.contains(":")
        return timeLike ? String(text[..<cut]) : text
    }

    /// A cost: "1234", "1,234.50", "1234.5", "¥1234.5", "CNY 1234", "1234 元", "€1.234,50",
    /// "1234,5" (a lone comma with one or two digits after it is a decimal comma; a lone dot is
    /// always a decimal point). Negative amounts and amounts finer than a cent are refused.
    public static func cost(_ cell: String) throws(AssetImportErrorCode) -> AssetImportCost? {
        if ImportText.isPlaceholder(cell) { return nil }
        guard cell.utf8.count <= maxCellBytes else { throw .costInvalid }
        var text = groupingMarked(ImportText.halfWidth(cell))
        var code: String?
        var symbols: [String] = []
        var stripped = true
        while stripped {
            stripped = false
            for (token, currencies) in currencyTokens {
                if text.hasPrefix(token) {
                    text.removeFirst(token.count)
                } else if text.hasSuffix(token) {
                    text.removeLast(token.count)
                } else {
                    continue
                }
                stripped = true
                if currencies.count == 1 { code = code ?? currencies[0] } else { symbols = currencies }
            }
            if let iso = isoLetters(text.prefix(3)) {
                text.removeFirst(3)
                code = code ?? iso
                stripped = true
            }
            if let iso = isoLetters(text.suffix(3)) {
                text.removeLast(3)
                code = code ?? iso
                stripped = true
            }
        }
        guard let cents = centsValue(text) else { throw .costInvalid }
        return AssetImportCost(cents: cents, currency: code, symbolCurrencies: code == nil ? symbols : [])
    }

    private static func isoLetters(_ text: Substring) -> String? {
        guard text.count == 3, text.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return currency(String(text))
    }

    /// Symbols and words for currencies, longest first so "US$" is taken before "$".
    static let currencyTokens: [(String, [String])] = [
        ("人民币", ["CNY"]), ("美元", ["USD"]), ("欧元", ["EUR"]), ("港元", ["HKD"]), ("港币", ["HKD"]),
        ("日元", ["JPY"]), ("英镑", ["GBP"]), ("US$", ["USD"]), ("HK$", ["HKD"]), ("NT$", ["TWD"]),
        ("S$", ["SGD"]), ("A$", ["AUD"]), ("C$", ["CAD"]), ("RMB", ["CNY"]),
        ("元", ["CNY"]), ("块", ["CNY"]), ("€", ["EUR"]), ("£", ["GBP"]), ("₩", ["KRW"]),
        ("¥", ["CNY", "JPY"]), ("\u{FFE5}", ["CNY", "JPY"]), ("円", ["JPY"]),
        ("$", ["USD", "HKD", "TWD", "SGD", "AUD", "CAD", "NZD", "MXN"]),
    ]

    /// Spaces and apostrophes between digits ("1 234,50", "1'234.50") as "_", a grouping
    /// mark; other spaces dropped.
    private static func groupingMarked(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        for (i, c) in chars.enumerated() {
            let gap = c == "'" || c.unicodeScalars.allSatisfy(ImportText.isSpaceOrControl)
            guard gap else { out.append(c); continue }
            let before = out.last.map { $0.isASCII && $0.isNumber } ?? false
            let after = chars[(i + 1)...].first { !$0.unicodeScalars.allSatisfy(ImportText.isSpaceOrControl) }
            if before, let after, after.isASCII, after.isNumber, out.last != "_" { out.append("_") }
        }
        return out
    }

    /// Hundredths from "1,234.50"-like text (digits with at most one decimal separator and
    /// consistent thousands grouping by ",", "." or "_").
    static func centsValue(_ text: String) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "," || $0 == "." || $0 == "_" })
        else { return nil }
        let commas = text.filter { $0 == "," }.count
        let dots = text.filter { $0 == "." }.count
        var decimal: Character?
        if text.contains("_") {
            guard commas + dots <= 1 else { return nil }
            decimal = commas == 1 ? "," : (dots == 1 ? "." : nil)
        } else if commas > 0 && dots > 0 {
            decimal = text.last(where: { $0 == "," || $0 == "." })
        } else if commas == 1 {
            let after = text.split(separator: ",", omittingEmptySubsequences: false)[1].count
            decimal = (1...2).contains(after) ? "," : nil
        } else if dots == 1 {
            decimal = "."
        }
        let grouping: Character? = text.contains("_") ? "_"
            : decimal == "," ? (dots > 0 ? "." : nil) : (commas > 0 ? "," : (dots > 1 ? "." : nil))
        let halves = decimal.map { text.split(separator: $0, omittingEmptySubsequences: false) } ?? [Substring(text)]
        guard halves.count <= 2, let integerText = halves.first, !integerText.isEmpty else { return nil }
        var integerDigits = String(integerText)
        if let grouping {
            let groups = integerText.split(separator: grouping, omittingEmptySubsequences: false)
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            integerDigits = groups.joined()
        }
        guard integerDigits.allSatisfy(\.isNumber), integerDigits.count <= 13, let units = Int(integerDigits),
              units <= maxCostUnits
        else { return nil }
        var fraction = halves.count == 2 ? String(halves[1]) : ""
        guard fraction.allSatisfy(\.isNumber) else { return nil }
        while fraction.count > 2, fraction.last == "0" { fraction.removeLast() }
        guard fraction.count <= 2 else { return nil }
        let cents = Int(fraction.padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0
        return units * 100 + cents
    }

    /// An ISO 4217 code, in any case ("cny" → "CNY"), or a common name ("RMB", "人民币", "元",
    /// "美元"); nil for anything else.
    public static func currency(_ cell: String) -> String? {
        let text = ImportText.singleLine(ImportText.halfWidth(cell))
        let upper = text.uppercased()
        if upper.count == 3, isoCurrencies.contains(upper) { return upper }
        if let match = currencyTokens.first(where: { $0.0.uppercased() == upper }) { return match.1[0] }
        return currencyNames[text]
    }

    static let currencyNames: [String: String] = [
        "人民币元": "CNY", "人民幣": "CNY", "美金": "USD", "欧元": "EUR", "港幣": "HKD", "日圆": "JPY", "新台币": "TWD",
        "新加坡元": "SGD", "澳元": "AUD", "加元": "CAD", "韩元": "KRW", "瑞士法郎": "CHF",
    ]

    /// ISO 4217 codes in circulation.
    public static let isoCurrencies: Set<String> = Set("""
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF \
        CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD \
        HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD \
        MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN \
        PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD \
        TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
        """.split(separator: " ").map(String.init))
}
