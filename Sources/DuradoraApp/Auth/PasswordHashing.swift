/// What the user controller needs from password hashing. `PasswordHasher` is the real one; tests wrap it to see
/// that an unknown user and a wrong password both pay for a hash check.
public protocol PasswordHashing: Sendable {
    func hash(_ password: String) throws -> String
    /// Verifies against `hash`, or — when there is none (unknown user, token-only user) — against a dummy hash so
    /// the answer takes as long; false then.
    func verify(_ password: String, againstOptional hash: String?) -> Bool
}

extension PasswordHasher: PasswordHashing {}
