/// Sign-in throttling: at most `limit` failed guesses per account and per address
/// within `window` seconds; after that, sign-in is refused until old failures age out.
public struct LoginThrottle: Sendable {
    public let accountLimit: Int
    public let addressLimit: Int
    public let windowSeconds: Double

    public init(accountLimit: Int = 10, addressLimit: Int = 10, windowSeconds: Double = 300) {
        self.accountLimit = accountLimit
        self.addressLimit = addressLimit
        self.windowSeconds = windowSeconds
    }

    public func isLocked(accountFailures: Int, addressFailures: Int) -> Bool {
        accountFailures >= accountLimit || addressFailures >= addressLimit
    }
}
