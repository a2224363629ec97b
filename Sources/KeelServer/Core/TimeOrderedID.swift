import Foundation

extension UUID {
    /// A version-7 UUID (RFC 9562): the time in milliseconds first, then random bits. The
    /// busiest inserts (tickets, their history, notifications) use it so that rows made one
    /// after another sit side by side in their primary-key index: a random UUID writes a
    /// random page of that index, and on a large install reads it from disk first. Its bits
    /// come from the system generator (`getrandom`), with no file opened per id.
    static func timeOrdered(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
        let high: UInt64 = generator.next(), low: UInt64 = generator.next()
        func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
        return UUID(uuid: (
            byte(milliseconds, 40), byte(milliseconds, 32), byte(milliseconds, 24), byte(milliseconds, 16),
            byte(milliseconds, 8), byte(milliseconds, 0),
            0x70 | (byte(high, 0) & 0x0F), byte(high, 8),
            0x80 | (byte(high, 16) & 0x3F), byte(high, 24),
            byte(low, 0), byte(low, 8), byte(low, 16), byte(low, 24), byte(low, 32), byte(low, 40)
        ))
    }
}
