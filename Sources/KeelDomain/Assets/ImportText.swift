import Foundation

/// Text clean-up shared by the CSV reader and the asset import (pure Swift, scalar by scalar:
/// Foundation's character-set trimming is slow on Linux).
enum ImportText {
    /// White_Space or a control character (NBSP and the ideographic space included).
    @inline(__always)
    static func isSpaceOrControl(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value <= 32 || s.value == 127 }
        return s.properties.isWhitespace || s.properties.generalCategory == .control
            || s.properties.generalCategory == .format
    }

    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(isSpaceOrControl)
    }

    /// One line: runs of white space and control characters become one space; ends trimmed.
    static func singleLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for s in text.unicodeScalars {
            if isSpaceOrControl(s) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" ") }
            pendingSpace = false
            out.append(s)
        }
        return String(out)
    }

    /// Several lines (notes): line ends become "\n", tabs stay, other control characters go;
    /// spaces at both ends and at line ends are trimmed.
    static func multiLine(_ text: String) -> String {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        func flush() {
            var line = String(current)
            while let last = line.unicodeScalars.last, isSpaceOrControl(last) { line.unicodeScalars.removeLast() }
            lines.append(line)
            current = String.UnicodeScalarView()
        }
        for s in text.unicodeScalars {
            defer { previousCR = s == "\r" }
            switch s {
            case "\r", "\u{2028}", "\u{2029}", "\u{85}": flush()
            case "\n": if !previousCR { flush() }
            case "\t": current.append(s)
            default: if s.properties.isWhitespace || !isSpaceOrControl(s) { current.append(s) }
            }
        }
        flush()
        while let first = lines.first, isBlank(first) { lines.removeFirst() }
        while let last = lines.last, isBlank(last) { lines.removeLast() }
        guard !lines.isEmpty else { return "" }
        lines[0] = String(lines[0].unicodeScalars.drop(while: isSpaceOrControl))
        return lines.joined(separator: "\n")
    }

    /// Full-width ASCII forms (digits, letters, punctuation typed with a Chinese IME) as ASCII,
    /// and the ideographic space as a space.
    static func halfWidth(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x3000 }) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if (0xFF01...0xFF5E).contains(s.value), let narrow = Unicode.Scalar(s.value - 0xFEE0) {
                out.append(narrow)
            } else if s.value == 0x3000 {
                out.append(" ")
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// Lower-case key with spaces, punctuation and symbols removed, full-width folded, for
    /// matching words ("In use", "in_use", "IN-USE" all read "inuse").
    static func key(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in halfWidth(text).lowercased().unicodeScalars {
            if s.properties.isAlphabetic || s.properties.numericType != nil { out.append(s) }
        }
        return String(out)
    }

    /// Length as PostgreSQL counts `varchar(n)`: code points.
    static func length(_ text: String) -> Int {
        text.unicodeScalars.count
    }

    /// At most `limit` code points, for echoing a bad value back in an error.
    static func clipped(_ text: String, to limit: Int = 200) -> String {
        guard text.unicodeScalars.count > limit else { return text }
        return String(text.unicodeScalars.prefix(limit)) + "…"
    }

    /// Cells that mean "nothing here" in spreadsheets: "-", "N/A", "无", Excel's "#N/A"…
    static func isPlaceholder(_ text: String) -> Bool {
        let trimmed = singleLine(halfWidth(text)).lowercased()
        if trimmed.isEmpty { return true }
        if trimmed.unicodeScalars.allSatisfy({ "-–—_/\\.?？、".unicodeScalars.contains($0) }) { return true }
        return placeholders.contains(trimmed)
    }

    static let placeholders: Set<String> = [
        "n/a", "na", "n.a.", "#n/a", "none", "null", "nil", "(none)", "(blank)", "tbd", "unknown",
        "无", "暂无", "没有", "空", "未知", "不详", "待定", "（无）", "(无)",
    ]
}
