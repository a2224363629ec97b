import Foundation

/// A ticket's priority (API `priority`).
public enum Priority: String, CaseIterable, Codable, Sendable, Hashable, CodingKeyRepresentable {
    case critical, high, medium, low
}

/// How much of the client is affected (API `impact`).
public enum Impact: String, CaseIterable, Codable, Sendable, Hashable, CodingKeyRepresentable {
    /// The whole organisation.
    case organization
    /// A department or a key person.
    case department
    /// One user.
    case user
}

/// How soon it hurts (API `urgency`).
public enum Urgency: String, CaseIterable, Codable, Sendable, Hashable, CodingKeyRepresentable {
    case high, medium, low
}

/// Impact × urgency → priority (ITIL). The default is INTEROP.md section 5:
///
/// | impact \ urgency | high     | medium | low    |
/// |------------------|----------|--------|--------|
/// | organization     | critical | high   | medium |
/// | department       | high     | medium | low    |
/// | user             | medium   | low    | low    |
///
/// JSON: `{"organization": {"high": "critical", "medium": "high", "low": "medium"}, "department": {…}, "user": {…}}`;
/// all nine cells are required.
public struct PriorityMatrix: Sendable, Hashable, Codable {
    /// Row-major: impact (organization, department, user) × urgency (high, medium, low).
    private var cells: [Priority]

    public static let standard = PriorityMatrix(cells: [
        .critical, .high, .medium,
        .high, .medium, .low,
        .medium, .low, .low,
    ])

    private init(cells: [Priority]) {
        self.cells = cells
    }

    /// A matrix from a complete table; nil when a cell is missing.
    public init?(_ table: [Impact: [Urgency: Priority]]) {
        var cells: [Priority] = []
        for impact in Impact.allCases {
            for urgency in Urgency.allCases {
                guard let priority = table[impact]?[urgency] else { return nil }
                cells.append(priority)
            }
        }
        self.init(cells: cells)
    }

    private static func index(_ impact: Impact, _ urgency: Urgency) -> Int {
        (Impact.allCases.firstIndex(of: impact) ?? 0) * 3 + (Urgency.allCases.firstIndex(of: urgency) ?? 0)
    }

    public func priority(impact: Impact, urgency: Urgency) -> Priority {
        cells[PriorityMatrix.index(impact, urgency)]
    }

    /// A copy with one cell changed.
    public func setting(_ priority: Priority, impact: Impact, urgency: Urgency) -> PriorityMatrix {
        var copy = self
        copy.cells[PriorityMatrix.index(impact, urgency)] = priority
        return copy
    }

    /// The full table, for editing forms.
    public var table: [Impact: [Urgency: Priority]] {
        var table: [Impact: [Urgency: Priority]] = [:]
        for impact in Impact.allCases {
            for urgency in Urgency.allCases {
                table[impact, default: [:]][urgency] = priority(impact: impact, urgency: urgency)
            }
        }
        return table
    }

    private struct MatrixKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let rows = try decoder.container(keyedBy: MatrixKey.self)
        var cells: [Priority] = []
        for impact in Impact.allCases {
            let row = try rows.nestedContainer(keyedBy: MatrixKey.self, forKey: MatrixKey(impact.rawValue))
            for urgency in Urgency.allCases {
                cells.append(try row.decode(Priority.self, forKey: MatrixKey(urgency.rawValue)))
            }
        }
        self.init(cells: cells)
    }

    public func encode(to encoder: any Encoder) throws {
        var rows = encoder.container(keyedBy: MatrixKey.self)
        for impact in Impact.allCases {
            var row = rows.nestedContainer(keyedBy: MatrixKey.self, forKey: MatrixKey(impact.rawValue))
            for urgency in Urgency.allCases {
                try row.encode(priority(impact: impact, urgency: urgency), forKey: MatrixKey(urgency.rawValue))
            }
        }
    }
}
