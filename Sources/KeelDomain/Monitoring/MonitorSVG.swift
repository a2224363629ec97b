import Foundation

/// One point of a latency chart; nil latency leaves a gap in the line.
public struct MonitorLatencyPoint: Sendable, Hashable, Codable {
    public var at: Date
    public var latencyMilliseconds: Double?

    public init(at: Date, latencyMilliseconds: Double?) {
        self.at = at
        self.latencyMilliseconds = latencyMilliseconds
    }
}

/// Server-drawn SVG charts (no JavaScript). Pure string building: every text that reaches the
/// reader comes from a closure, so the server localises it; the output is escaped for XML.
/// Classes (`keel-bar-excellent`, `keel-axis`, …) let the stylesheet restyle them.
public enum MonitorSVG {
    /// Bar colours by band; chosen for contrast on white and distinguishable with the title text.
    public static func colour(_ band: MonitorAvailabilityBand) -> String {
        switch band {
        case .excellent: "#1a7f37"
        case .good: "#9a6700"
        case .poor: "#cf222e"
        case .noData: "#d0d7de"
        }
    }

    /// The availability strip: one bar per day, oldest left, each with a `<title>` from `label`
    /// (for example "12 May: 99.95 %" or "12 May: no data", worded by the server), and the
    /// whole image named by `title` for screen readers.
    public static func availabilityStrip(
        days: [MonitorDayBar], title: String = "", barWidth: Int = 4, gap: Int = 2, height: Int = 32,
        label: (MonitorDayBar) -> String
    ) -> String {
        let bar = max(1, barWidth)
        let space = max(0, gap)
        let width = max(1, days.count * (bar + space) - space)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"keel-strip\" viewBox=\"0 0 \(width) \(height)\""
        svg += " width=\"\(width)\" height=\"\(height)\" role=\"img\""
        svg += title.isEmpty ? ">" : " aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        svg.reserveCapacity(svg.utf8.count + days.count * 140)
        for (i, day) in days.enumerated() {
            let band = day.band
            svg += "<rect x=\"\(i * (bar + space))\" y=\"0\" width=\"\(bar)\" height=\"\(height)\" rx=\"1\""
            svg += " class=\"keel-bar-\(band.rawValue)\" fill=\"\(colour(band))\"><title>"
            svg += escape(label(day))
            svg += "</title></rect>"
        }
        svg += "</svg>"
        return svg
    }

    /// A latency line chart with axes: the y axis from 0 to the largest latency (labelled by
    /// `latencyLabel`), the x axis from the first to the last point (labelled by `timeLabel`).
    /// Points are placed by time; nil latencies break the line.
    public static func latencyChart(
        points: [MonitorLatencyPoint], title: String = "", width: Int = 600, height: Int = 160,
        latencyLabel: (Double) -> String = { format($0, decimals: 0) + " ms" },
        timeLabel: (Date) -> String = { utcTimestamp($0) }
    ) -> String {
        let w = max(width, 120)
        let h = max(height, 60)
        let left = 56.0
        let right = Double(w) - 8
        let top = 8.0
        let bottom = Double(h) - 22
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"keel-latency\" viewBox=\"0 0 \(w) \(h)\""
        svg += " width=\"\(w)\" height=\"\(h)\" role=\"img\""
        svg += title.isEmpty ? ">" : " aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        let measured = points.compactMap { p in p.latencyMilliseconds.flatMap { $0.isFinite ? $0 : nil } }
        let maxLatency = max(measured.max() ?? 0, 1)
        let times = points.map { $0.at.timeIntervalSince1970 }
        let first = times.min() ?? 0
        let last = times.max() ?? 0
        let span = max(last - first, 1)
        let x0 = format(left, decimals: 1)
        let yBottom = format(bottom, decimals: 1)
        svg += "<g class=\"keel-axis\" stroke=\"#57606a\" stroke-width=\"1\">"
        svg += "<line x1=\"\(x0)\" y1=\"\(format(top, decimals: 1))\" x2=\"\(x0)\" y2=\"\(yBottom)\"/>"
        svg += "<line x1=\"\(x0)\" y1=\"\(yBottom)\" x2=\"\(format(right, decimals: 1))\" y2=\"\(yBottom)\"/></g>"
        svg += "<g class=\"keel-axis-labels\" fill=\"#57606a\" font-size=\"11\" font-family=\"sans-serif\">"
        svg += text(x: left - 4, y: top + 8, anchor: "end", escape(latencyLabel(maxLatency)))
        svg += text(x: left - 4, y: bottom, anchor: "end", escape(latencyLabel(0)))
        if !points.isEmpty {
            svg += text(x: left, y: Double(h) - 6, anchor: "start", escape(timeLabel(Date(timeIntervalSince1970: first))))
            svg += text(x: right, y: Double(h) - 6, anchor: "end", escape(timeLabel(Date(timeIntervalSince1970: last))))
        }
        svg += "</g>"
        var segment: [String] = []
        func flush() {
            if segment.count == 1 {
                let xy = segment[0].split(separator: ",")
                svg += "<circle class=\"keel-line\" cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"1.5\" fill=\"#0969da\"/>"
            } else if segment.count > 1 {
                svg += "<polyline class=\"keel-line\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\" points=\""
                svg += segment.joined(separator: " ") + "\"/>"
            }
            segment.removeAll(keepingCapacity: true)
        }
        for (point, t) in zip(points, times) {
            guard let latency = point.latencyMilliseconds, latency.isFinite else {
                flush()
                continue
            }
            let x = left + (t - first) / span * (right - left)
            let y = bottom - max(0, latency) / maxLatency * (bottom - top)
            segment.append(format(x, decimals: 1) + "," + format(y, decimals: 1))
        }
        flush()
        svg += "</svg>"
        return svg
    }

    /// RFC 3339 in UTC, the default x-axis label.
    public static func utcTimestamp(_ date: Date) -> String {
        RFC3339.format(date, offset: 0)
    }

    private static func text(x: Double, y: Double, anchor: String, _ content: String) -> String {
        "<text x=\"\(format(x, decimals: 1))\" y=\"\(format(y, decimals: 1))\" text-anchor=\"\(anchor)\">\(content)</text>"
    }

    /// XML text and attribute escaping; characters XML 1.0 cannot carry are dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v >= 0x20, v != 0xFFFE, v != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// A locale-independent decimal ("12.5", "-3", never "12,5" or exponent notation).
    public static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        let places = max(0, min(decimals, 6))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int64((min(max(value, -1e12), 1e12) * scale).rounded())
        let negative = scaled < 0
        let magnitude = scaled.magnitude
        let whole = magnitude / UInt64(scale)
        var fraction = magnitude % UInt64(scale)
        var text = (negative ? "-" : "") + String(whole)
        if places > 0, fraction != 0 {
            var digits = places
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let body = String(fraction)
            text += "." + String(repeating: "0", count: digits - body.count) + body
        }
        return text
    }
}
