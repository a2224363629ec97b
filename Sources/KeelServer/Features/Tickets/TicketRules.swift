import Fluent
import Foundation
import KeelDomain

/// Field checks for tickets, turning domain answers into caller-facing errors.
enum TicketRules {
    static let staffChannels = ["portal", "email", "api", "chat", "monitoring", "phone"]
    static let clientChannels = ["portal", "api"]

    static func impact(_ raw: String) throws -> Impact {
        guard let value = Impact(rawValue: raw) else { throw KeelError.validation("impact", "impact_invalid") }
        return value
    }

    static func urgency(_ raw: String) throws -> Urgency {
        guard let value = Urgency(rawValue: raw) else { throw KeelError.validation("urgency", "urgency_invalid") }
        return value
    }

    static func channel(_ raw: String, staff: Bool) throws -> String {
        guard (staff ? staffChannels : clientChannels).contains(raw) else { throw KeelError.validation("channel", "channel_invalid") }
        return raw
    }

    static func category(_ raw: String?, on db: any Database) async throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard try await TicketCategory.query(on: db).filter(\.$name == raw).first() != nil else {
            throw KeelError.validation("category", "category_invalid")
        }
        return raw
    }

    static func transition(from: TicketStatus, to: TicketStatus) throws {
        guard TicketStatus.canTransition(from: from, to: to) else {
            throw KeelError(.conflict, "illegal_transition", field: "status", values: ["from": from.rawValue, "to": to.rawValue])
        }
    }

    /// A technician limited to some organisations cannot be given another one's ticket.
    static func requireAccess(of person: User, to organizationID: UUID, on db: any Database) async throws {
        guard person.roleValue == .technician else { return }
        let assigned = try await TechnicianAssignment.query(on: db).filter(\.$user.$id == person.requireID()).all()
        if !assigned.isEmpty && !assigned.contains(where: { $0.$organization.id == organizationID }) {
            throw KeelError.validation("assigneeId", "assignee_invalid")
        }
    }
}
