import Foundation

/// What a check probes, parsed from its API `target`:
///
/// | kind | target                         | port                     |
/// |------|--------------------------------|--------------------------|
/// | http | `http://…` or `https://…` URL  | from the URL             |
/// | tcp  | `host:port`                    | required                 |
/// | tls  | `host` or `host:port`          | 443 by default           |
/// | dns  | a host name to resolve         | —                        |
/// | ping | a host name or IP address      | —                        |
/// | push | ignored (the ping URL is made) | —                        |
///
/// Hosts are names of letters, digits and hyphens (single labels like `srv1` allowed, for
/// internal networks), IPv4 addresses, or IPv6 addresses (in brackets when a port follows).
public struct MonitorTarget: Sendable, Hashable, Codable {
    public var kind: MonitorCheckKind
    /// Lower-cased host, IPv6 without brackets; empty for push.
    public var host: String
    public var port: Int?
    /// The URL as given, for http.
    public var url: String?

    public static func parse(kind: MonitorCheckKind, _ text: String) -> MonitorTarget? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .push:
            return MonitorTarget(kind: kind, host: "", port: nil, url: nil)
        case .http:
            guard trimmed.count <= 2048, !trimmed.contains(where: { $0.isWhitespace }),
                  let components = URLComponents(string: trimmed),
                  let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = components.host, isHost(host)
            else { return nil }
            if let port = components.port, !(1...65535).contains(port) { return nil }
            return MonitorTarget(kind: kind, host: unbracket(host).lowercased(), port: components.port, url: trimmed)
        case .tcp, .tls:
            guard let (host, port) = splitHostPort(trimmed) else { return nil }
            if kind == .tcp, port == nil { return nil }
            return MonitorTarget(kind: kind, host: host, port: port ?? 443, url: nil)
        case .dns, .ping:
            let host = unbracket(trimmed)
            guard isHost(host), kind == .ping || !isIPAddress(host) else { return nil }
            return MonitorTarget(kind: kind, host: host.lowercased(), port: nil, url: nil)
        }
    }

    /// `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address (no port).
    private static func splitHostPort(_ text: String) -> (String, Int?)? {
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        guard isHost(host) else { return nil }
        guard let portText else { return (host.lowercased(), nil) }
        guard (1...5).contains(portText.count), portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        return (host.lowercased(), port)
    }

    private static func unbracket(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    static func isHost(_ text: String) -> Bool {
        let host = unbracket(text)
        if isIPAddress(host) { return true }
        var name = Substring(host)
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }

    static func isIPAddress(_ text: String) -> Bool {
        let v4 = text.split(separator: ".", omittingEmptySubsequences: false)
        if v4.count == 4, v4.allSatisfy({ part in
            (1...3).contains(part.count) && part.allSatisfy { $0.isASCII && $0.isNumber } && (Int(part) ?? 256) <= 255
        }) {
            return true
        }
        guard text.contains(":"), text.utf8.count <= 45 else { return false }
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        let doubleColons = text.components(separatedBy: "::").count - 1
        guard doubleColons <= 1, groups.count <= 8, groups.count >= (doubleColons == 1 ? 3 : 8) else { return false }
        return groups.allSatisfy { $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }
    }
}
