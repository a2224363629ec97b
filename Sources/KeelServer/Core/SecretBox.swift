import Crypto
import Foundation
import Vapor

/// Encrypts secrets at rest (AES-256-GCM with the server's key file). What it seals can be
/// shown again to those allowed to see it; what only needs checking is hashed instead.
struct SecretBox: Sendable {
    let key: SymmetricKey

    func seal(_ text: String) throws -> String {
        let box = try AES.GCM.seal(Data(text.utf8), using: key)
        guard let combined = box.combined else { throw KeelError(.internalServerError, "internal") }
        return "v1:" + combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw KeelError(.internalServerError, "internal")
        }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
    }
}

extension Application {
    private struct SecretBoxKey: StorageKey { typealias Value = SecretBox }

    /// Loaded once at configuration from `KEEL_SECRET_KEY_FILE` (default `<data>/secret.key`,
    /// created with 0600 permissions on first start).
    var secretBox: SecretBox {
        get throws {
            guard let box = storage[SecretBoxKey.self] else { throw KeelError(.internalServerError, "internal") }
            return box
        }
    }

    func loadSecretBox(_ config: KeelConfig) throws {
        let path = config.secretKeyFile ?? (config.dataDirectory as NSString).appendingPathComponent("secret.key")
        storage[SecretBoxKey.self] = SecretBox(key: try Secrets.loadOrCreateKey(at: path))
    }
}
