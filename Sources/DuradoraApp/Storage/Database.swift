/// The storage seam. Controllers speak to this and to the repository protocols, never to a driver.
///
/// Work happens inside a transaction whose context hands out the repositories:
/// ```swift
/// let user = try database.write { tx in
///     let user = try tx.users.create(username: "ada", role: .user, passwordHash: hash, createdAt: now)
///     try tx.tokens.insert(token)
///     return user
/// }
/// ```
/// `write` commits when the closure returns and rolls everything back when it throws. Calls block the calling
/// thread, so run them on the worker pool, never on a connection queue.
public protocol Database: Sendable {
    /// Runs `body` in a read-only transaction: a consistent snapshot that never waits for a writer.
    func read<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T

    /// Runs `body` in the one write transaction at a time. Do not call `write` (or `read` expecting to see the
    /// uncommitted changes) from inside `body`.
    func write<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T

    /// `write` for bookkeeping that no cache holds (login attempts, the claims of running encodes): no observer
    /// is called and no other instance is told, so a flood of them (a password-guessing run) empties no cache.
    func writeUnobserved<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T

    /// Calls `observer` after every write transaction ends (committed or rolled back), on the writing thread.
    /// In-memory caches of what `read` returned (`ReadCache`) drop their entries here. A backend should also
    /// report, soon, what other processes commit (SQLite reads `data_version` every second, `SQLiteChangeWatch`;
    /// PostgreSQL would LISTEN); caches still bound an entry's age for whatever is missed.
    func observeWrites(_ observer: @escaping @Sendable () -> Void)

    /// Whether other server processes may serve the same data at once (PostgreSQL: instances behind a balancer),
    /// rather than one server per database (a SQLite file). Work another live process has claimed is left to it.
    var isShared: Bool { get }

    /// Brings the schema up to date; refuses a schema newer than this binary knows.
    @discardableResult
    func migrate() throws -> MigrationReport

    /// Closes every connection; later calls throw `StorageError.closed`. Idempotent.
    func close()

    /// Statements run through `read` and `write` so far (transaction control included), on every connection:
    /// for tests that count the queries of a request. Backends differ in the statements a transaction costs.
    var statementCount: Int { get }
}

/// The context of one transaction. Valid only inside the `read`/`write` closure that received it, and only on
/// that thread: never store it or its repositories.
public protocol DatabaseTransaction {
    var users: any UserRepository { get }
    var tokens: any TokenRepository { get }
    var tracks: any TrackRepository { get }
    var playlists: any PlaylistRepository { get }
    var appPasswords: any AppPasswordRepository { get }
    var playQueues: any PlayQueueRepository { get }
    var randomTracks: any RandomTrackRepository { get }
    var library: any LibraryRepository { get }
    var listening: any ListeningRepository { get }
    var externalIdentities: any ExternalIdentityRepository { get }
    var shares: any ShareRepository { get }
    var loginAttempts: any LoginAttemptRepository { get }
    var leases: any LeaseRepository { get }
}

/// What `Database.migrate()` did.
public struct MigrationReport: Sendable, Equatable {
    public let fromVersion: Int
    public let toVersion: Int
    /// Names of the steps applied, in order; empty when the schema was already current.
    public let applied: [String]

    public init(fromVersion: Int, toVersion: Int, applied: [String]) {
        self.fromVersion = fromVersion
        self.toVersion = toVersion
        self.applied = applied
    }
}
