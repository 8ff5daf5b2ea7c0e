import CSodium

/// Argon2id password hashing (libsodium `crypto_pwhash_str`), with a dummy verification so that an unknown user
/// costs as much time as a wrong password.
public struct PasswordHasher: Sendable {
    /// libsodium's cost presets. `min` is for tests only: it offers no protection.
    public enum Cost: String, Sendable, CaseIterable {
        case min
        case interactive
        case moderate
        case sensitive

        var opsLimit: UInt64 {
            switch self {
            case .min: UInt64(crypto_pwhash_argon2id_opslimit_min())
            case .interactive: UInt64(crypto_pwhash_argon2id_opslimit_interactive())
            case .moderate: UInt64(crypto_pwhash_argon2id_opslimit_moderate())
            case .sensitive: UInt64(crypto_pwhash_argon2id_opslimit_sensitive())
            }
        }

        var memLimit: Int {
            switch self {
            case .min: crypto_pwhash_argon2id_memlimit_min()
            case .interactive: crypto_pwhash_argon2id_memlimit_interactive()
            case .moderate: crypto_pwhash_argon2id_memlimit_moderate()
            case .sensitive: crypto_pwhash_argon2id_memlimit_sensitive()
            }
        }
    }

    public enum HashingError: Error, Sendable {
        /// libsodium could not allocate the memory the cost asks for.
        case outOfMemory
    }

    public let cost: Cost
    /// A hash of a random password, made with `cost`, for `verifyDummy`.
    let dummyHash: String

    /// Computes one hash up front (the dummy), so this costs as much as one `hash` call.
    public init(cost: Cost) throws {
        Sodium.prepare()
        self.cost = cost
        let randomPassword = Sodium.randomBytes(count: 32).map { String($0, radix: 16) }.joined()
        dummyHash = try Self.makeHash(randomPassword, cost: cost)
    }

    /// An Argon2id hash string (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`) with a fresh random salt.
    public func hash(_ password: String) throws -> String {
        try Self.makeHash(password, cost: cost)
    }

    /// Whether `password` matches `hash`; a malformed hash never matches.
    public func verify(_ password: String, against hash: String) -> Bool {
        let bytes = Self.bytes(of: password)
        return hash.withCString { hashText in
            crypto_pwhash_str_verify(hashText, bytes, UInt64(bytes.count)) == 0
        }
    }

    /// Runs a verification that always fails, taking as long as a real one. Call it when the user is unknown
    /// (or has no password) so a login answers in the same time either way.
    public func verifyDummy(_ password: String) {
        _ = verify(password, against: dummyHash)
    }

    /// Verifies against `hash` when there is one, otherwise runs `verifyDummy`; false in the second case.
    public func verify(_ password: String, againstOptional hash: String?) -> Bool {
        guard let hash else {
            verifyDummy(password)
            return false
        }
        return verify(password, against: hash)
    }

    /// True when `hash` was made with other parameters than `cost` (rehash it after a successful login).
    public func needsRehash(_ hash: String) -> Bool {
        hash.withCString { crypto_pwhash_str_needs_rehash($0, cost.opsLimit, cost.memLimit) != 0 }
    }

    private static func makeHash(_ password: String, cost: Cost) throws -> String {
        let bytes = bytes(of: password)
        var output = [CChar](repeating: 0, count: Int(crypto_pwhash_strbytes()))
        let result = crypto_pwhash_str_alg(
            &output, bytes, UInt64(bytes.count), cost.opsLimit, cost.memLimit, crypto_pwhash_alg_argon2id13())
        guard result == 0 else { throw HashingError.outOfMemory }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func bytes(of password: String) -> [CChar] {
        password.utf8.map { CChar(bitPattern: $0) }
    }
}
