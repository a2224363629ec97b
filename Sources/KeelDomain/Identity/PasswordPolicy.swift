/// What a new password must satisfy: long enough, not absurdly long, not a well-known one.
public struct PasswordPolicy: Sendable {
    public enum Problem: String, Sendable, Equatable {
        case tooShort = "password_too_short"
        case tooLong = "password_too_long"
        case tooCommon = "password_too_common"
        case containsEmail = "password_contains_email"
    }

    public let minimumLength: Int
    public let maximumLength: Int

    public init(minimumLength: Int = 12, maximumLength: Int = 128) {
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
    }

    public func problem(with password: String, email: String? = nil) -> Problem? {
        let length = password.count
        if length < minimumLength { return .tooShort }
        if length > maximumLength { return .tooLong }
        let folded = password.lowercased()
        if Self.denyList.contains(folded) || Set(folded).count <= 2 { return .tooCommon }
        if let email, let local = email.lowercased().split(separator: "@").first, local.count >= 4,
           folded.contains(local) {
            return .containsEmail
        }
        return nil
    }

    /// Common passwords of twelve characters or more, as found in public breach lists.
    static let denyList: Set<String> = [
        "123456789012", "1234567890ab", "1234567890qwerty", "abcdefghijkl", "abc123456789",
        "password1234", "password12345", "password123456", "passwordpassword", "p@ssw0rd1234",
        "p@ssword1234", "qwertyuiop12", "qwertyuiop123", "qwerty123456", "qwertyuiopasdf",
        "1qaz2wsx3edc", "1q2w3e4r5t6y", "iloveyou1234", "welcome12345", "welcome123456",
        "letmein12345", "changeme1234", "administrator", "administrator1", "admin1234567",
        "adminadmin12", "football1234", "baseball1234", "sunshine1234", "princess1234",
        "monkey123456", "dragon123456", "master123456", "trustno11234", "superman1234",
        "111111111111", "000000000000", "123123123123", "987654321000", "asdfghjkl123",
        "zxcvbnm12345", "aa1234567890", "woaini123456", "woaini1314520", "5201314520",
        "q1w2e3r4t5y6", "passw0rd1234", "keel12345678", "helpdesk1234", "companyname1",
    ]
}
