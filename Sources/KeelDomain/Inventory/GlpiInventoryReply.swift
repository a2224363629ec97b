/// The JSON answers glpi-agent 1.x expects, in the shape GLPI 10's own server sends
/// (`Glpi\Inventory\Request`). Checked against the agent's code: it accepts a reply only
/// when it is a JSON object with a non-empty `status`; after a CONTACT it treats `error`
/// as "log `message` and stop", takes `expiration` (hours when a bare number, or with an
/// `s`/`m`/`h`/`d` suffix) as the delay before the next contact, skips the tasks listed in
/// `disabled`, and records `tasks.<task>` only when it has both `server` and `version` —
/// with no task recorded (or a `"glpiinventory"` server) it also sends an XML PROLOG on
/// every run. It reads an uncompressed `application/json` body whatever the request's
/// compression was.
///
/// A glpi-agent that does not yet know the server speaks the native protocol first sends
/// a FusionInventory XML PROLOG with a `GLPI-Agent-ID` header; answering that PROLOG with
/// `contact(enabledTasks: [])` (`{"status":"ok","expiration":24}`) switches it to JSON.
public enum GlpiInventoryReply {
    public static let contentType = "application/json"

    /// The GLPI version announced for the tasks Keel serves; the agent keeps it as the
    /// server's inventory-format level and tailors some optional content to it.
    public static let defaultServerVersion = "10.0.18"

    /// The tasks Keel serves natively.
    public static let supportedTasks: Set<String> = ["inventory"]

    /// The answer to a CONTACT: come back after `expirationHours` (clamped to 1…8760),
    /// serve the enabled tasks Keel supports and disable the others, as GLPI does:
    ///
    ///     {"status":"ok","expiration":24,"tasks":{"inventory":{"server":"glpi","version":"10.0.18"}},
    ///      "disabled":["deploy"],"message":"deploy task not supported"}
    ///
    /// Task names are compared case-insensitively and answered in lower case.
    public static func contact(enabledTasks: [String], expirationHours: Int = 24,
                               supportedTasks: Set<String> = supportedTasks,
                               serverVersion: String = defaultServerVersion) -> String {
        var served: [String] = []
        var disabled: [String] = []
        for task in enabledTasks.map({ $0.lowercased() }) where !served.contains(task) && !disabled.contains(task) {
            if supportedTasks.contains(task) {
                served.append(task)
            } else {
                disabled.append(task)
            }
        }
        var json = "{\"status\":\"ok\",\"expiration\":\(clamped(expirationHours))"
        if !served.isEmpty {
            let version = quoted(serverVersion)
            json += ",\"tasks\":{"
            json += served.map { quoted($0) + ":{\"server\":\"glpi\",\"version\":" + version + "}" }.joined(separator: ",")
            json += "}"
        }
        if !disabled.isEmpty {
            json += ",\"disabled\":[" + disabled.map(quoted).joined(separator: ",") + "]"
            json += ",\"message\":" + quoted(disabled.map { "\($0) task not supported" }.joined(separator: ";"))
        }
        return json + "}"
    }

    /// The answer to a CONTACT from the agent's own message.
    public static func contact(_ contact: GlpiAgentContact, expirationHours: Int = 24) -> String {
        self.contact(enabledTasks: contact.enabledTasks, expirationHours: expirationHours)
    }

    /// The answer to an INVENTORY that was accepted (GLPI's, byte for byte but the order).
    public static let inventoryAccepted = "{\"status\":\"ok\",\"expiration\":24}"

    /// A refusal; the agent logs `server error: <message>` and gives up until its next run.
    /// GLPI sends it with HTTP 400 for a document that does not validate, 500 otherwise
    /// and 501 for an unsupported action; the agent reads the body whatever the status.
    public static func error(_ message: String, expirationHours: Int = 24) -> String {
        "{\"status\":\"error\",\"message\":\(quoted(message)),\"expiration\":\(clamped(expirationHours))}"
    }

    /// A refusal for a reader error, with its stable code as the message.
    public static func error(_ error: InventoryReadError) -> String {
        self.error(error.code)
    }

    private static func clamped(_ hours: Int) -> Int {
        min(max(hours, 1), 8760)
    }

    static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}
