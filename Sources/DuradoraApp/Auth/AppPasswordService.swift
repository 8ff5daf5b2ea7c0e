import Foundation

/// App passwords (contract, "App passwords"): made per client, shown once, sealed at rest, revocable, and checked
/// in microseconds. Subsonic clients present one on every request, as itself (`p`), as `md5(password + salt)`
/// (`t`, `s`) or as an OpenSubsonic `apiKey`; the account's login password (an Argon2id hash) never works there.
///
/// Checking: the unsealed passwords of a user, and the user of an apiKey, are kept in `ReadCache`s that every
/// database write empties, so a revoked password fails on the very next request and a steady client costs an
/// MD5 and a dictionary lookup, no database read, no decryption.
public final class AppPasswordService: Sendable {
    /// Bounds the per-request work of token auth (one MD5 per password of the user) and the rows per account.
    public static let maxPerUser = 50
    public static let maxNameLength = 100
    /// No 0/o/1/l: people type these into phones. 32 symbols, so a byte's low 5 bits pick one without bias.
    private static let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
    /// 24 symbols × 5 bits = 120 random bits.
    private static let passwordLength = 24

    private struct UserSecrets: Sendable {
        let user: User
        let secrets: [[UInt8]]
    }

    public let database: any Database
    private let key: [UInt8]
    private let clock: TimeSource
    private let byUsername = ReadCache<String, UserSecrets>(capacity: 1024, maxAge: 300)
    private let byAPIKey = ReadCache<[UInt8], User>(capacity: 1024, maxAge: 300)

    /// - Parameter keyFile: the secretbox key's file (`auth.secret_key_file`), created when missing.
    public init(database: any Database, keyFile: String, clock: TimeSource = .system) throws {
        self.database = database
        self.key = try SecretKeyFile.loadOrCreate(at: keyFile)
        self.clock = clock
        byUsername.invalidate(onWritesTo: database)
        byAPIKey.invalidate(onWritesTo: database)
    }

    // MARK: Managing

    /// A new app password for `user`; the clear password is returned this once and never again.
    public func create(for user: User, name: String) throws -> (appPassword: AppPassword, password: String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= Self.maxNameLength else {
            throw APIError.invalidField("name", "must be 1 to \(Self.maxNameLength) characters")
        }
        let password = Self.makePassword()
        let secret = Array(password.utf8)
        let appPassword = AppPassword(
            id: UUID(), userID: user.id, name: name, sealed: Sodium.seal(secret, key: key),
            lookupHash: Sodium.sha256(secret), createdAt: clock.now().sqliteRounded)
        try database.write { transaction in
            guard try transaction.appPasswords.list(userID: user.id).count < Self.maxPerUser else {
                throw APIError.conflict(
                    "too_many_app_passwords", "You have \(Self.maxPerUser) app passwords; delete one first.")
            }
            do {
                try transaction.appPasswords.insert(appPassword)
            } catch StorageError.notFound {
                throw APIError.unauthenticated  // the account went away mid-request
            }
        }
        return (appPassword, password)
    }

    public func list(for user: User) throws -> [AppPassword] {
        try database.read { try $0.appPasswords.list(userID: user.id) }
    }

    /// Deletes one of the user's app passwords (404 for someone else's); it fails from the next request on.
    public func revoke(id: UUID, for user: User) throws {
        try database.write { transaction in
            guard try transaction.appPasswords.delete(id: id, userID: user.id) else {
                throw APIError.notFound("App password")
            }
        }
    }

    // MARK: Checking

    /// The user when `password` is one of `username`'s app passwords.
    public func authenticate(username: String, password: String) throws -> User? {
        let presented = Array(password.utf8)
        return try secrets(of: username).flatMap { entry in
            entry.secrets.contains { Sodium.constantTimeEquals($0, presented) } ? entry.user : nil
        }
    }

    /// The user when `token` is `md5(app password + salt)` for one of `username`'s app passwords.
    public func authenticate(username: String, token: String, salt: String) throws -> User? {
        let presented = Array(token.lowercased().utf8)
        let saltBytes = Array(salt.utf8)
        return try secrets(of: username).flatMap { entry in
            entry.secrets.contains { Sodium.constantTimeEquals(Array(MD5.hex($0 + saltBytes).utf8), presented) }
                ? entry.user : nil
        }
    }

    /// The user whose app password `apiKey` is.
    public func authenticate(apiKey: String) throws -> User? {
        let hash = Sodium.sha256(Array(apiKey.utf8))
        if let user = byAPIKey.value(for: hash) { return user }
        let ticket = byAPIKey.ticket()
        guard let (_, user) = try database.read({ try $0.appPasswords.find(lookupHash: hash) }) else { return nil }
        byAPIKey.store(user, for: hash, ticket: ticket)
        return user
    }

    /// The user and their unsealed app passwords, from the cache when it has them.
    private func secrets(of username: String) throws -> UserSecrets? {
        let cacheKey = username.lowercased()
        if let cached = byUsername.value(for: cacheKey) { return cached }
        let ticket = byUsername.ticket()
        guard let (user, stored) = try database.read({ try $0.appPasswords.find(username: username) }) else {
            return nil
        }
        // A row that does not open under this key (a key file replaced by hand) simply matches nothing.
        let entry = UserSecrets(user: user, secrets: stored.compactMap { Sodium.open($0.sealed, key: key) })
        byUsername.store(entry, for: cacheKey, ticket: ticket)
        return entry
    }

    static func makePassword() -> String {
        String(Sodium.randomBytes(count: passwordLength).map { alphabet[Int($0 & 31)] })
    }
}
