import Foundation

/// The JSON shapes of the API, for the OpenAPI document.
enum APISchemas {
    nonisolated(unsafe) private static let string: [String: Any] = ["type": "string"]
    nonisolated(unsafe) private static let nullableString: [String: Any] = ["type": "string", "nullable": true]
    nonisolated(unsafe) private static let dateTime: [String: Any] = ["type": "string", "format": "date-time"]
    nonisolated(unsafe) private static let nullableDateTime: [String: Any] = ["type": "string", "format": "date-time", "nullable": true]
    nonisolated(unsafe) private static let priorityEnum: [String: Any] = ["type": "string", "enum": ["critical", "high", "medium", "low"]]
    nonisolated(unsafe) private static let boolean: [String: Any] = ["type": "boolean"]
    nonisolated(unsafe) private static let language: [String: Any] = ["type": "string", "enum": ["en", "zh-Hans"]]
    nonisolated(unsafe) private static let role: [String: Any] = ["type": "string", "enum": ["provider_admin", "technician", "client_admin", "client_user"]]

    private static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    private static func list(_ item: String) -> [String: Any] {
        object(["items": ["type": "array", "items": ["$ref": "#/components/schemas/\(item)"]],
                "nextCursor": nullableString], required: ["items", "nextCursor"])
    }

    nonisolated(unsafe) static let all: [String: Any] = [
        "Error": object(["error": object(["code": string, "message": string, "field": nullableString],
                                         required: ["code", "message"])], required: ["error"]),
        "SessionInput": object(["email": string, "password": string], required: ["email", "password"]),
        "Session": object(["token": string, "expiresAt": dateTime, "user": ["$ref": "#/components/schemas/User"]],
                          required: ["token", "user"]),
        "Me": object(["id": string, "email": string, "name": string, "role": role, "organizationId": nullableString,
                      "language": language, "timezone": string, "via": string]),
        "MeInput": object(["name": string, "language": ["type": "string", "enum": ["en", "zh-Hans"], "nullable": true],
                           "timezone": nullableString]),
        "PasswordChange": object(["currentPassword": string, "newPassword": string], required: ["currentPassword", "newPassword"]),
        "Organization": object(["id": string, "name": string, "defaultLanguage": language, "timezone": string,
                                "emailDomains": ["type": "array", "items": string], "headcount": ["type": "integer", "nullable": true],
                                "active": boolean, "createdAt": dateTime, "updatedAt": dateTime]),
        "OrganizationInput": object(["name": ["type": "string", "maxLength": 200], "defaultLanguage": language, "timezone": string,
                                     "emailDomains": ["type": "array", "items": string],
                                     "headcount": ["type": "integer", "minimum": 0], "active": boolean]),
        "OrganizationList": list("Organization"),
        "Site": object(["id": string, "organizationId": string, "name": string, "address": string, "timezone": string,
                        "createdAt": dateTime, "updatedAt": dateTime]),
        "SiteInput": object(["name": ["type": "string", "maxLength": 200], "address": string, "timezone": string]),
        "SiteList": list("Site"),
        "User": object(["id": string, "email": string, "name": string, "role": role, "organizationId": nullableString,
                        "language": ["type": "string", "nullable": true], "timezone": nullableString, "active": boolean,
                        "technicianOrganizationIds": ["type": "array", "items": string],
                        "createdAt": dateTime, "updatedAt": dateTime]),
        "UserInput": object(["email": string, "name": string, "role": role, "organizationId": nullableString,
                             "password": string, "language": ["type": "string", "nullable": true], "timezone": nullableString,
                             "active": boolean, "technicianOrganizationIds": ["type": "array", "items": string]]),
        "UserList": list("User"),
        "Token": object(["id": string, "name": string, "kind": string, "prefix": string, "organizationId": nullableString,
                         "expiresAt": nullableDateTime, "revokedAt": nullableDateTime, "lastUsedAt": nullableDateTime,
                         "createdAt": dateTime, "token": ["type": "string", "description": "only in the answer to create"]]),
        "TokenInput": object(["name": string, "expiresAt": nullableDateTime, "organizationId": nullableString], required: ["name"]),
        "TokenList": list("Token"),
        "AuditEvent": object(["seq": ["type": "integer"], "at": dateTime, "actorId": nullableString, "actor": string,
                              "via": string, "credentialId": nullableString, "address": nullableString,
                              "organizationId": nullableString, "action": string, "entityType": string,
                              "entityId": nullableString, "changes": ["type": "object"], "hash": string]),
        "AuditEventList": list("AuditEvent"),
        "Notification": object(["id": string, "kind": string, "text": string, "ticketId": nullableString,
                                "ticketNumber": ["type": "integer"], "read": boolean, "createdAt": dateTime]),
        "NotificationList": list("Notification"),
        "SavedView": object(["id": string, "name": string, "query": string, "createdAt": dateTime]),
        "SavedViewList": list("SavedView"),
        "SavedViewInput": object(["name": string, "query": string], required: ["name", "query"]),
        "CategoryInput": object(["name": string], required: ["name"]),
        "SLATarget": object(["kind": ["type": "string", "enum": ["businessTime", "wallClock", "businessDays", "endOfNextBusinessDay"]],
                             "seconds": ["type": "integer", "minimum": 1], "days": ["type": "integer", "minimum": 1]], required: ["kind"]),
        "SLATargets": object(["firstResponse": ["$ref": "#/components/schemas/SLATarget"],
                              "resolution": ["$ref": "#/components/schemas/SLATarget"]], required: ["firstResponse", "resolution"]),
        "SLAPolicy": object(["name": string, "critical": ["$ref": "#/components/schemas/SLATargets"],
                             "high": ["$ref": "#/components/schemas/SLATargets"], "medium": ["$ref": "#/components/schemas/SLATargets"],
                             "low": ["$ref": "#/components/schemas/SLATargets"],
                             "pausingStatuses": ["type": "array", "items": string],
                             "warningFraction": ["type": "number", "exclusiveMinimum": true, "minimum": 0, "exclusiveMaximum": true, "maximum": 1]],
                            required: ["name", "critical", "high", "medium", "low"]),
        "SLAPolicyOut": object(["source": ["type": "string", "enum": ["organization", "provider", "builtin"]],
                                "organizationId": nullableString, "policy": ["$ref": "#/components/schemas/SLAPolicy"]]),
        "PriorityRow": object(["high": priorityEnum, "medium": priorityEnum, "low": priorityEnum], required: ["high", "medium", "low"]),
        "PriorityMatrix": object(["organization": ["$ref": "#/components/schemas/PriorityRow"],
                                  "department": ["$ref": "#/components/schemas/PriorityRow"],
                                  "user": ["$ref": "#/components/schemas/PriorityRow"]], required: ["organization", "department", "user"]),
        "PriorityMatrixOut": object(["source": ["type": "string", "enum": ["install", "builtin"]],
                                     "matrix": ["$ref": "#/components/schemas/PriorityMatrix"]]),
        "Attachment": object(["id": string, "ticketId": string, "fileName": string, "contentType": string,
                              "size": ["type": "integer"], "sha256": string, "internal": boolean, "createdAt": dateTime]),
        "AttachmentList": list("Attachment"),
        "AttachmentUpload": object(["file": ["type": "string", "format": "binary"], "internal": string], required: ["file"]),
        "Ticket": object(["id": string, "number": ["type": "integer"], "organizationId": string, "siteId": nullableString,
                          "title": string, "body": string,
                          "status": ["type": "string", "enum": ["new", "open", "pending_customer", "pending_third_party", "resolved", "closed"]],
                          "impact": ["type": "string", "enum": ["organization", "department", "user"]],
                          "urgency": ["type": "string", "enum": ["high", "medium", "low"]],
                          "priority": ["type": "string", "enum": ["critical", "high", "medium", "low"]],
                          "category": nullableString, "requesterId": string, "assigneeId": nullableString,
                          "channel": string, "mergedIntoId": nullableString, "createdAt": dateTime, "updatedAt": dateTime,
                          "sla": object(["policy": string, "firstResponseDueAt": nullableDateTime, "firstRespondedAt": nullableDateTime,
                                         "resolutionDueAt": nullableDateTime, "resolvedAt": nullableDateTime, "paused": boolean,
                                         "breached": ["type": "array", "items": string],
                                         "state": ["type": "string", "enum": ["ok", "warning", "breached"]],
                                         "elapsedBusinessSeconds": ["type": "integer"]])]),
        "TicketList": list("Ticket"),
        "TicketCreate": object(["title": ["type": "string", "maxLength": 200], "body": string, "organizationId": nullableString,
                                "siteId": nullableString, "impact": string, "urgency": string, "category": nullableString,
                                "requesterId": nullableString, "channel": string], required: ["title"]),
        "TicketPatch": object(["title": string, "status": string, "impact": string, "urgency": string, "priority": string,
                               "reason": string, "category": string, "assigneeId": string, "siteId": string]),
        "Comment": object(["id": string, "ticketId": string, "authorId": nullableString, "body": string, "internal": boolean,
                           "createdAt": dateTime]),
        "CommentList": list("Comment"),
        "CommentInput": object(["body": string, "internal": boolean], required: ["body"]),
        "TicketEvent": object(["kind": string, "from": nullableString, "to": nullableString, "reason": nullableString,
                               "actorId": nullableString, "at": dateTime]),
        "TicketEventList": list("TicketEvent"),
        "MergeInput": object(["targetId": string], required: ["targetId"]),
        "LinkInput": object(["otherId": string], required: ["otherId"]),
        "TimeEntry": object(["id": string, "ticketId": string, "userId": string, "minutes": ["type": "integer"],
                             "billable": boolean, "note": string, "at": dateTime]),
        "TimeEntryList": list("TimeEntry"),
        "TimeEntryInput": object(["minutes": ["type": "integer", "minimum": 1, "maximum": 1440], "billable": boolean, "note": string],
                                 required: ["minutes"]),
        "Category": object(["name": string]),
        "CategoryList": list("Category"),
        "Calendar": object(["id": string, "organizationId": nullableString, "siteId": nullableString, "name": string,
                            "timezone": string, "weekly": ["type": "object"], "holidays": ["type": "array", "items": string],
                            "workdays": ["type": "array", "items": string]]),
        "CalendarList": list("Calendar"),
        "CalendarInput": object(["organizationId": nullableString, "siteId": nullableString, "name": string, "timezone": string,
                                 "weekly": ["type": "object"], "holidays": ["type": "array", "items": string],
                                 "workdays": ["type": "array", "items": string]]),

    ]
}
