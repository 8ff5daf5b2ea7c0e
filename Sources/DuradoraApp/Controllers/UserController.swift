import Foundation

/// Accounts and sessions: the rules of the contract's "Authentication" section, over the `Database` seam.
/// HTTP parsing and rendering live in `Routes/`; this type knows nothing about requests, so the CLI, the bootstrap
/// admin and tests use the same rules. Every method blocks (database, Argon2id): call it on the worker pool.
public final class UserController: Sendable {
    public struct Settings: Sendable {
        public var openRegistration: Bool
        /// `library.keep_tracks_of_deleted_users`: false deletes a user's tracks (rows and files) with them.
        public var keepTracksOfDeletedUsers: Bool

        public init(openRegistration: Bool = true, keepTracksOfDeletedUsers: Bool = false) {
            self.openRegistration = openRegistration
            self.keepTracksOfDeletedUsers = keepTracksOfDeletedUsers
        }
    }

    public let database: any Database
    public let tokens: TokenService
    public let settings: Settings
    let hasher: any PasswordHashing
    let throttle: LoginThrottle
    let clock: TimeSource
    /// Where deleted users' track files are removed from; nil: no files to remove (tests without uploads).
    let trackAudio: TrackAudioStore?

    init(
        database: any Database, tokens: TokenService, hasher: any PasswordHashing, throttle: LoginThrottle,
        settings: Settings = Settings(), clock: TimeSource = .system, trackAudio: TrackAudioStore? = nil
    ) {
        self.trackAudio = trackAudio
        self.database = database
        self.tokens = tokens
        self.hasher = hasher
        self.throttle = throttle
        self.settings = settings
        self.clock = clock
    }

    // MARK: Creating accounts

    /// `POST /api/v1/users`: a user with a long-lived API token (UUID v4), and a password if one is given.
    public func createWithAPIToken(username: String, password: String?) throws -> (user: User, apiToken: String) {
        try AccountRules.validate(username: username)
        if let password { try AccountRules.validate(password: password) }
        let hash = try password.map { try hasher.hash($0) }
        return try insertingUser { transaction in
            let user = try transaction.users.create(
                username: username, role: .user, passwordHash: hash, createdAt: clock.now())
            return (user, try tokens.issueAPIToken(for: user.id, in: transaction))
        }
    }

    /// `POST /api/v1/auth/register`, `duradora user add` and the bootstrap admin: a user with a password.
    public func create(username: String, password: String, role: Role = .user) throws -> User {
        try AccountRules.validate(username: username)
        try AccountRules.validate(password: password)
        let hash = try hasher.hash(password)  // before the write lock: Argon2id takes a while
        return try insertingUser { transaction in
            try transaction.users.create(username: username, role: role, passwordHash: hash, createdAt: clock.now())
        }
    }

    public enum BootstrapOutcome: Sendable, Equatable {
        case created(User)
        /// There is an admin already: nothing to do.
        case adminExists
        /// No admin, but the configured name belongs to a user who is not one; they are not promoted silently.
        case usernameTaken
    }

    /// Creates the configured admin when the database has no admin at all.
    public func bootstrapAdmin(username: String, password: String) throws -> BootstrapOutcome {
        guard try database.read({ try $0.users.countAdmins() }) == 0 else { return .adminExists }
        try AccountRules.validate(username: username)
        try AccountRules.validate(password: password)
        let hash = try hasher.hash(password)
        // Checked again inside the write: another process may have made an admin meanwhile.
        return try database.write { transaction in
            guard try transaction.users.countAdmins() == 0 else { return .adminExists }
            guard try transaction.users.find(username: username) == nil else { return .usernameTaken }
            return .created(try transaction.users.create(
                username: username, role: .admin, passwordHash: hash, createdAt: clock.now()))
        }
    }

    // MARK: Sessions

    /// Checks the password and opens a login (a new token family). Throttled per username and per client address;
    /// an unknown user and a wrong password give the same 401 after the same hash work.
    public func login(username: String, password: String, address: String) throws -> TokenPair {
        if let wait = try throttle.attempt(LoginThrottle.keys(username: username, address: address)) {
            throw APIError.tooManyRequests(retryAfter: wait)
        }
        let credentials = try database.read { try $0.users.credentials(username: username) }
        guard hasher.verify(password, againstOptional: credentials?.passwordHash), let user = credentials?.user else {
            throw APIError.invalidCredentials
        }
        return try tokens.issuePair(for: user.id)
    }

    /// Rotates a refresh token; a dead one revokes its whole family.
    public func refresh(_ refreshToken: String) throws -> TokenPair {
        do {
            return try tokens.refresh(refreshToken)
        } catch TokenService.RefreshError.invalid {
            throw APIError.invalidRefreshToken
        } catch TokenService.RefreshError.reused {
            throw APIError.refreshTokenReused
        }
    }

    /// Revokes the presented token (with its whole login, for login tokens).
    public func logout(token: String) throws {
        try tokens.revoke(token)
    }

    // MARK: Managing users

    public func list(limit: Int, offset: Int) throws -> Page<User> {
        try database.read { try $0.users.list(limit: limit, offset: offset) }
    }

    /// The user `id` as `caller` may see them: admins see everyone, users only themselves (404 otherwise).
    public func show(id: UUID, caller: User) throws -> User {
        try visible(id, to: caller) { try database.read { try $0.users.find(id: id) } }
    }

    /// `PATCH /api/v1/users/{id}`: admins change roles (never leaving no admin), users change their own password.
    /// A user cannot raise their own role. A new password ends every other login of the user (a password change
    /// often follows a leak); the login of `callerToken` and API tokens stay. `maxBitrate` (admins and the user):
    /// `.some(nil)` clears the preference, nil leaves it.
    public func update(
        id: UUID, role: Role?, password: String?, maxBitrate: Int?? = nil, caller: User, callerToken: UUID? = nil
    ) throws -> User {
        let target = try show(id: id, caller: caller)
        if let role, role != target.role {
            guard caller.isAdmin else { throw APIError.forbidden("You cannot raise your own role.") }
        }
        if password != nil, caller.id != target.id {
            throw APIError.forbidden("Only the user may change their own password.")
        }
        if let password { try AccountRules.validate(password: password) }
        if case let kbps?? = maxBitrate, kbps < StreamProfile.mp3Bitrates[0] || kbps > 100_000 {
            throw APIError.invalidField("max_bitrate", "must be null or a whole number of kbps, at least \(StreamProfile.mp3Bitrates[0])")
        }
        let hash = try password.map { try hasher.hash($0) }
        return try database.write { transaction in
            guard var user = try transaction.users.find(id: id) else { throw APIError.notFound("User") }
            if let role, role != user.role {
                if user.isAdmin, try transaction.users.countAdmins() <= 1 { throw APIError.lastAdmin("demoted") }
                user = try transaction.users.updateRole(id: id, to: role)
            }
            if let hash {
                try transaction.users.updatePasswordHash(id: id, to: hash)
                try transaction.tokens.revokeOtherLogins(userID: id, keepingLoginOf: callerToken, at: clock.now())
            }
            if let maxBitrate { user = try transaction.users.updateMaxBitrate(id: id, to: maxBitrate) }
            return user
        }
    }

    /// Deletes the user and, by cascade, their tokens; their tracks too (rows in the same transaction, files
    /// after it commits) unless `keepTracksOfDeletedUsers`, which leaves them ownerless.
    /// Admins may delete anyone but the last admin; users themselves.
    public func delete(id: UUID, caller: User) throws {
        _ = try show(id: id, caller: caller)
        let deletedTracks = try database.write { transaction -> [UUID] in
            guard let user = try transaction.users.find(id: id) else { throw APIError.notFound("User") }
            if user.isAdmin, try transaction.users.countAdmins() <= 1 { throw APIError.lastAdmin("deleted") }
            let tracks = settings.keepTracksOfDeletedUsers ? [] : try transaction.tracks.deleteAll(ownedBy: id)
            try transaction.users.delete(id: id)
            return tracks
        }
        deletedTracks.forEach { trackAudio?.removeAll(of: $0) }
    }

    // MARK: Private

    private func visible(_ id: UUID, to caller: User, find: () throws -> User?) throws -> User {
        guard caller.isAdmin || caller.id == id, let user = try find() else { throw APIError.notFound("User") }
        return user
    }

    /// Runs an insert, turning the storage layer's username conflict into the API's 409.
    private func insertingUser<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T {
        do {
            return try database.write(body)
        } catch StorageError.conflict(field: "username") {
            throw APIError.usernameTaken
        }
    }
}
