import CZlib
import Foundation

/// Bounded decompression of zlib (RFC 1950) and gzip (RFC 1952) bodies. The output limit
/// is checked as it grows, so a small "bomb" stops at the limit instead of filling memory.
enum Inflate {
    enum Failure: Error, Equatable {
        /// The output would pass the limit.
        case tooLarge
        /// Not a complete, valid stream.
        case corrupt
    }

    enum Format { case zlib, gzip }

    /// zlib (RFC 1950) at `level` (1: fast, most of the gain on text).
    static func compress(_ input: [UInt8], level: Int32 = 1) -> [UInt8] {
        var size = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                compress2(target.baseAddress, &size, source.baseAddress, uLong(input.count), level)
            }
        }
        precondition(status == Z_OK, "zlib compress2 cannot fail with a bound-sized buffer")
        return Array(output[0..<Int(size)])
    }

    static func decompress(_ input: [UInt8], format: Format, limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        // 15-bit window; +16 asks for a gzip wrapper.
        let windowBits: Int32 = format == .gzip ? 15 + 16 : 15
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure.corrupt
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(input.count * 4, 64 * 1024)))
        let chunkSize = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        return try input.withUnsafeBufferPointer { source -> [UInt8] in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(chunkSize)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, chunkSize - Int(stream.avail_out))
                }
                if produced > 0 {
                    guard output.count + produced <= limit else { throw Failure.tooLarge }
                    output.append(contentsOf: chunk[0..<produced])
                }
                switch status {
                case Z_STREAM_END: return output
                case Z_OK: continue
                case Z_BUF_ERROR where stream.avail_in == 0: throw Failure.corrupt   // truncated
                case Z_BUF_ERROR: continue
                default: throw Failure.corrupt
                }
            }
        }
    }
}
