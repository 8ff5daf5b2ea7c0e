import Foundation

/// Issues, checks, rotates and revokes tokens. Tokens are random and opaque; only their SHA-256 is stored.
///
/// - API tokens: UUID v4 strings that live until revoked.
/// - Login: an access token (expires after `accessTTL`) and a refresh token (after `refreshTTL`), in a new family.
/// - Refresh: the presented refresh token dies and a new pair of the same family is issued. Presenting a refresh
///   token that is already dead means it was stolen or replayed: the whole family (every access and refresh token
///   of that login) is revoked.
public struct TokenService: Sendable {
    public struct Configuration: Sendable {
        public var accessTTL: TimeInterval
        public var refreshTTL: TimeInterval
        /// `last_used_at` is written at most this often per token, so reads do not all turn into writes.
        public var touchInterval: TimeInterval

        public init(accessTTL: TimeInterval = 3600, refreshTTL: TimeInterval = 2_592_000, touchInterval: TimeInterval = 60) {
            self.accessTTL = accessTTL
            self.refreshTTL = refreshTTL
            self.touchInterval = touchInterval
        }
    }

    public enum RefreshError: Error, Sendable, Equatable {
        /// Unknown, expired, or not a refresh token.
        case invalid
        /// A refresh token that was already used or revoked: its family is now revoked.
        case reused
    }

    /// A token that authenticates a request.
    public struct Authentication: Sendable, Equatable {
        public var user: User
        public var tokenID: UUID
        public var kind: StoredToken.Kind
    }

    public let database: any Database
    public let configuration: Configuration
    public let clock: TimeSource
    /// Tokens checked lately, by hash: a player seeking sends a ranged request with the same token every few
    /// seconds. Emptied by every database write (a logout, a password change, a deleted user), see `ReadCache`.
    private let recent = ReadCache<[UInt8], (token: StoredToken, user: User)>(capacity: 1024, maxAge: 10)

    public init(database: any Database, configuration: Configuration = Configuration(), clock: TimeSource = .system) {
        self.database = database
        self.configuration = configuration
        self.clock = clock
        recent.invalidate(onWritesTo: database)
    }

    // MARK: Making tokens

    /// 256 random bits, base64url without padding (43 characters).
    public static func makeSecret() -> String {
        Sodium.randomBytes(count: 32).base64URLEncoded
    }

    /// A UUID v4 string in lower case (122 random bits).
    public static func makeAPIToken() -> String {
        UUID().lowercasedString
    }

    /// What is stored for `token`: SHA-256 of its UTF-8 bytes.
    public static func hash(_ token: String) -> [UInt8] {
        Sodium.sha256(Array(token.utf8))
    }

    // MARK: Issuing

    /// Issues an API token for `userID` inside the caller's transaction (e.g. together with creating the user).
    public func issueAPIToken(for userID: UUID, in transaction: any DatabaseTransaction) throws -> String {
        let token = Self.makeAPIToken()
        try transaction.tokens.insert(
            StoredToken(userID: userID, kind: .api, hash: Self.hash(token), createdAt: clock.now()))
        return token
    }

    /// Issues an access and refresh token of a new family (a login) inside the caller's transaction.
    public func issuePair(for userID: UUID, in transaction: any DatabaseTransaction) throws -> TokenPair {
        try issuePair(for: userID, familyID: UUID(), in: transaction)
    }

    /// Issues an access and refresh token of a new family (a login) in a transaction of its own.
    public func issuePair(for userID: UUID) throws -> TokenPair {
        try database.write { try issuePair(for: userID, in: $0) }
    }

    // MARK: Using

    /// The user behind an access or API token, or nil if the token is unknown, revoked, expired, a refresh token,
    /// or its user is gone.
    public func authenticate(_ token: String) throws -> Authentication? {
        let now = clock.now()
        let hash = Self.hash(token)
        if let authentication = checkedWithoutWriting(hash: hash, now: now) { return authentication }
        let ticket = recent.ticket()
        let found = try database.read { try $0.tokens.find(hash: hash) }
        guard let (stored, user) = found, stored.kind != .refresh, !stored.isRevoked, !stored.isExpired(at: now) else {
            return nil
        }
        if needsTouch(stored, now: now) {
            // A write: it voids `ticket`, so the token is cached by the next request (a new ticket here could
            // postdate a logout that ran meanwhile and keep a revoked token alive).
            try database.write { try $0.tokens.touch(id: stored.id, at: now) }
        } else {
            recent.store((stored, user), for: hash, ticket: ticket)
        }
        return Authentication(user: user, tokenID: stored.id, kind: stored.kind)
    }

    /// `authenticate` without blocking, for the event loop: the answer when the token was checked lately and
    /// using it now needs no database write; nil otherwise (the caller then takes `authenticate` on a worker).
    public func cachedAuthentication(_ token: String) -> Authentication? {
        checkedWithoutWriting(hash: Self.hash(token), now: clock.now())
    }

    private func checkedWithoutWriting(hash: [UInt8], now: Date) -> Authentication? {
        guard let (stored, user) = recent.value(for: hash), !stored.isExpired(at: now), !needsTouch(stored, now: now)
        else { return nil }
        return Authentication(user: user, tokenID: stored.id, kind: stored.kind)
    }

    private func needsTouch(_ stored: StoredToken, now: Date) -> Bool {
        stored.lastUsedAt.map { now.timeIntervalSince($0) >= configuration.touchInterval } ?? true
    }

    /// Exchanges a live refresh token for a new pair of the same family; the presented token dies.
    /// Throws `RefreshError.reused` (after revoking the family) for a dead one, `.invalid` for anything else.
    public func refresh(_ refreshToken: String) throws -> TokenPair {
        enum Outcome {
            case issued(TokenPair)
            case failed(RefreshError)
        }
        let now = clock.now()
        // The family revocation must commit, so failures are returned from the transaction, then thrown.
        let outcome = try database.write { transaction -> Outcome in
            guard let (stored, user) = try transaction.tokens.find(hash: Self.hash(refreshToken)),
                  stored.kind == .refresh
            else { return .failed(.invalid) }
            if stored.isRevoked {
                if let familyID = stored.familyID { try transaction.tokens.revokeFamily(familyID, at: now) }
                return .failed(.reused)
            }
            if stored.isExpired(at: now) { return .failed(.invalid) }
            try transaction.tokens.revoke(id: stored.id, at: now)
            return .issued(try issuePair(for: user.id, familyID: stored.familyID ?? UUID(), in: transaction))
        }
        switch outcome {
        case .issued(let pair): return pair
        case .failed(let error): throw error
        }
    }

    // MARK: Revoking

    /// Logout: revokes `token` and, for a login's token, its whole family. Returns whether the token was known.
    @discardableResult
    public func revoke(_ token: String) throws -> Bool {
        let now = clock.now()
        return try database.write { transaction in
            guard let (stored, _) = try transaction.tokens.find(hash: Self.hash(token)) else { return false }
            if let familyID = stored.familyID {
                try transaction.tokens.revokeFamily(familyID, at: now)
            } else {
                try transaction.tokens.revoke(id: stored.id, at: now)
            }
            return true
        }
    }

    /// Revokes every token of `userID` (e.g. after a password change); returns how many.
    @discardableResult
    public func revokeAll(for userID: UUID) throws -> Int {
        let now = clock.now()
        return try database.write { try $0.tokens.revokeAll(userID: userID, at: now) }
    }

    /// Housekeeping: deletes expired tokens (and revoked ones that never expire); returns how many.
    @discardableResult
    public func deleteExpired() throws -> Int {
        let now = clock.now()
        return try database.write { try $0.tokens.deleteExpired(at: now) }
    }

    // MARK: Private

    private func issuePair(for userID: UUID, familyID: UUID, in transaction: any DatabaseTransaction) throws -> TokenPair {
        let now = clock.now()
        let access = Self.makeSecret()
        let refresh = Self.makeSecret()
        try transaction.tokens.insert(StoredToken(
            userID: userID, kind: .access, hash: Self.hash(access), familyID: familyID,
            expiresAt: now.addingTimeInterval(configuration.accessTTL), createdAt: now))
        try transaction.tokens.insert(StoredToken(
            userID: userID, kind: .refresh, hash: Self.hash(refresh), familyID: familyID,
            expiresAt: now.addingTimeInterval(configuration.refreshTTL), createdAt: now))
        return TokenPair(accessToken: access, refreshToken: refresh, expiresIn: Int(configuration.accessTTL))
    }
}
