/// The contract's rules for usernames and passwords, in one place for the API, the bootstrap admin and the CLI.
public enum AccountRules {
    public static let usernameLengths = 1...64
    public static let passwordBytes = 8...1024

    /// Why `username` is not acceptable, or nil when it is: 1–64 characters of `[A-Za-z0-9_.-]`.
    public static func usernameProblem(_ username: String) -> String? {
        let bytes = Array(username.utf8)
        guard usernameLengths.contains(bytes.count) else {
            return "must be 1 to 64 characters long"
        }
        guard bytes.allSatisfy(isUsernameByte) else {
            return "may contain only letters A-Z and a-z, digits, '_', '.' and '-'"
        }
        return nil
    }

    /// Why `password` is not acceptable, or nil when it is: 8–1024 bytes of UTF-8.
    public static func passwordProblem(_ password: String) -> String? {
        passwordBytes.contains(password.utf8.count) ? nil : "must be 8 to 1024 bytes long"
    }

    /// Throws the API's 422 naming the field.
    public static func validate(username: String) throws(APIError) {
        if let problem = usernameProblem(username) { throw .invalidField("username", problem) }
    }

    public static func validate(password: String) throws(APIError) {
        if let problem = passwordProblem(password) { throw .invalidField("password", problem) }
    }

    private static func isUsernameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
