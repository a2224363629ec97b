import Crypto
import Foundation
import Vapor

/// Random secrets and their stored digests.
enum Secrets {
    /// A URL-safe random token with `bytes` bytes of entropy.
    static func token(bytes: Int = 32, prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(raw).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func sha256Hex(_ text: String) -> String {
        sha256Hex(bytes: Array(text.utf8))
    }

    static func sha256Hex(bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares without an early exit, for tokens an attacker could probe byte by byte.
    static func constantTimeEquals(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8), b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Reads the server's secret key, creating it with 0600 permissions on first start.
    static func loadOrCreateKey(at path: String) throws -> SymmetricKey {
        let manager = FileManager.default
        if let data = manager.contents(atPath: path) {
            guard let text = String(data: data, encoding: .utf8),
                  let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32 else {
                throw KeelConfig.Invalid(setting: "KEEL_SECRET_KEY_FILE", reason: "\(path) does not hold a base64 256-bit key")
            }
            return SymmetricKey(data: raw)
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard manager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw KeelConfig.Invalid(setting: "KEEL_SECRET_KEY_FILE", reason: "cannot write \(path)")
        }
        return key
    }
}

/// Password hashing off the event loop. The password is pre-hashed with SHA-256 so that
/// bcrypt's 72-byte limit never silently truncates a long pass-phrase.
struct PasswordHasher: Sendable {
    let cost: Int
    let threadPool: NIOThreadPool

    private static func prepared(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { try Bcrypt.hash(Self.prepared(password), cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await threadPool.runIfActive { try Bcrypt.verify(Self.prepared(password), created: hash) }
    }
}

extension Application {
    var passwordHasher: PasswordHasher { PasswordHasher(cost: keel.passwordHashCost, threadPool: threadPool) }
}
