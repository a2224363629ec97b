import Fluent
import Foundation
import KeelDomain
import Vapor

/// Password sign-in with throttling per account and per address. Used by the web form
/// and by `POST /api/v1/session`.
enum SignIn {
    static func authenticate(email rawEmail: String, password: String, request: Request) async throws -> User {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let address = request.clientAddress
        let config = request.application.keel
        let throttle = LoginThrottle(accountLimit: config.loginAccountLimit, addressLimit: config.loginAddressLimit)
        let since = Date().addingTimeInterval(-throttle.windowSeconds)
        let accountFailures = try await LoginAttempt.query(on: request.db)
            .filter(\.$email == email).filter(\.$succeeded == false).filter(\.$at > since).count()
        let addressFailures = try await LoginAttempt.query(on: request.db)
            .filter(\.$address == address).filter(\.$succeeded == false).filter(\.$at > since).count()
        if throttle.isLocked(accountFailures: accountFailures, addressFailures: addressFailures) {
            throw KeelError(.tooManyRequests, "sign_in_throttled", values: ["minutes": "5"])
        }
        let user = try await User.query(on: request.db).filter(\.$email == email).first()
        var valid = false
        if let user, user.active, password.count <= 1024 {
            valid = (try? await request.application.passwordHasher.verify(password, against: user.passwordHash)) ?? false
        }
        let attempt = LoginAttempt()
        attempt.email = String(email.prefix(254))
        attempt.address = address
        attempt.succeeded = valid
        attempt.at = Date()
        try await request.application.write { db in try await attempt.create(on: db) }
        guard valid, let user else { throw KeelError(.unauthorized, "sign_in_failed") }
        return user
    }
}
