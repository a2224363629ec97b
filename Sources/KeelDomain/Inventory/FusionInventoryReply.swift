/// The `<REPLY>` documents fusioninventory-agent 2.6 expects. Checked against the real
/// agent: it parses the reply with XML::TreePP and requires a `REPLY` root that is not
/// empty-element (`<REPLY/>` is rejected as "unexpected content", and an empty HTTP body as
/// "unknown content format"). After a PROLOG it reads `PROLOG_FREQ` (hours until the next
/// contact) and runs the inventory task only when `RESPONSE` is `SEND` (or with `--force`);
/// an empty `<REPLY></REPLY>` to a PROLOG crashes the agent's Perl (`Can't use string ("")
/// as a HASH ref`), so the prolog reply always carries PROLOG_FREQ. After an INVENTORY any
/// `<REPLY>` ends the exchange and the agent records the inventory as sent.
public enum FusionInventoryReply {
    public static let contentType = "application/xml"

    /// The answer to a PROLOG: send now (`send`), and come back after `frequencyHours`
    /// (clamped to 1…8760).
    public static func prolog(frequencyHours: Int = 24, send: Bool = true) -> String {
        let hours = min(max(frequencyHours, 1), 8760)
        let response = send ? "<RESPONSE>SEND</RESPONSE>" : ""
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><PROLOG_FREQ>\(hours)</PROLOG_FREQ>\(response)</REPLY>\n"
    }

    /// The answer to an INVENTORY that was accepted (the same document the agent's own
    /// proxy answers with).
    public static let inventoryAccepted = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY></REPLY>\n"
}
