/// What an agent's request body is, from its first bytes. The agent labels bodies with a
/// Content-Type (`application/x-compress-zlib`, `…-gzip`, `application/xml`), but its own
/// client decides by sniffing and so should the server: proxies and older agents get the
/// header wrong.
public enum InventoryBody: Sendable, Equatable, Hashable {
    /// RFC 1950 (the agent's default: `78 9C`).
    case zlib
    /// RFC 1952 (`1F 8B 08`), when the agent only has the gzip command.
    case gzip
    /// Plain XML (`--no-compression`), optionally after a UTF-8 byte order mark and whitespace.
    case xml
    /// Plain JSON (the GLPI agent's format).
    case json
    case unknown

    public static func detect<Bytes: Collection>(_ bytes: Bytes) -> InventoryBody where Bytes.Element == UInt8 {
        var iterator = bytes.makeIterator()
        guard let first = iterator.next() else { return .unknown }
        let second = iterator.next()
        if first == 0x1F, second == 0x8B, iterator.next() == 0x08 { return .gzip }
        // zlib: CM = 8 (deflate), window ≤ 32 KiB, header checksum divisible by 31, no preset dictionary.
        if let second, first & 0x0F == 8, first >> 4 <= 7, (UInt16(first) << 8 | UInt16(second)) % 31 == 0,
           second & 0x20 == 0 {
            return .zlib
        }
        var skipped = 0
        var index = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = bytes.index(index, offsetBy: 3) }
        while index != bytes.endIndex, skipped < 1024 {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D:
                index = bytes.index(after: index)
                skipped += 1
            case UInt8(ascii: "<"): return .xml
            case UInt8(ascii: "{"): return .json
            default: return .unknown
            }
        }
        return .unknown
    }
}
