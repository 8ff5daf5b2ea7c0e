import DuradoraHTTP
import Foundation
import Synchronization

public enum DuradoraVersion {
    public static let current = "0.1.0"
}

/// Wires configuration, storage, router and server. `init` opens and migrates the database; `start()` creates the
/// bootstrap admin if needed, binds and returns; `stop()` drains the server and closes the database;
/// `runUntilSignalled()` also waits for SIGINT/SIGTERM and shuts down gracefully.
public final class Application: @unchecked Sendable {
    public let configuration: Configuration
    public let router: Router
    public let log: AccessLog
    /// SQLite or PostgreSQL, as `storage.database` says (`DatabaseFactory`).
    public let database: any Database
    public let users: UserController
    public let tracks: TrackController
    public let playlists: PlaylistController
    public let appPasswords: AppPasswordService
    private let subsonic: SubsonicRoutes
    private let shares: ShareController
    /// Artists, albums, genres, favourites, ratings and plays (REST and Subsonic both call it).
    public let library: LibraryController
    /// Imports of music folders in place (`duradora import`, `POST /api/v1/library/scans`, `library.music_folders`).
    public let scanner: LibraryScanner
    private var scanSchedule: LibraryScanSchedule?
    /// On-demand transcodes for `/stream` and their disk cache (`[audio.transcoding]`).
    public let transcodes: TranscodeService
    /// The public URL, completed with the bound port by `start()`.
    private let publicURL: SharedText
    /// Counters behind `GET /metrics`; other parts of the server report uploads, transcodes and database errors here.
    public let metrics: Metrics
    private var server: HTTPServer?
    private var housekeeping: TokenHousekeeping?
    /// `[auth.oidc.<name>]` logins; its state cookie is sealed with the app-password key.
    private let oidc: OIDCLoginService

    /// - Parameters:
    ///   - clock: "now" for token expiry and login throttling; tests move it by hand.
    ///   - logWriter: where log lines go (standard error unless a test captures them).
    public init(
        configuration: Configuration, clock: TimeSource = .system,
        logWriter: @escaping @Sendable (String) -> Void = AccessLog.standardError
    ) throws {
        self.configuration = configuration
        let log = AccessLog(format: configuration.log.format, minimum: configuration.log.level, write: logWriter)
        self.log = log
        let metrics = Metrics()
        self.metrics = metrics
        router = Router { error, request in
            if APIError.isDatabaseFailure(error) { metrics.recordDatabaseError() }
            log.log(.error, "unhandled error", [("request_id", request.id), ("error", String(describing: error))])
        }
        database = try DatabaseFactory.openAndMigrate(configuration.storage, workers: Self.workerThreads)
        let transcoding = configuration.audio.transcoding
        let transcodeCache = try TranscodeCache(directory: transcoding.cacheDir, capacity: transcoding.cacheBytes)
        let trackAudio = try TrackAudioStore.make(configuration: configuration, copies: transcodeCache, log: log)
        users = try UserController.make(configuration: configuration, database: database, trackAudio: trackAudio, clock: clock)
        let covers = CoverStore(uploads: configuration.storage.localUploads, bucket: trackAudio.bucket)
        tracks = TrackController(
            database: database, audio: trackAudio,
            transcoder: Transcoder(settings: MP3EncoderSettings(configuration.audio)),
            slots: TranscodeSlots(capacity: configuration.audio.effectiveMaxConcurrentTranscodes),
            settings: TrackController.Settings(
                userUploads: configuration.library.userUploads,
                anonymousStreaming: configuration.library.anonymousStreaming,
                keepOriginals: configuration.audio.keepOriginals,
                syncEncodeSeconds: configuration.audio.syncEncodeSeconds,
                encodeClaimSeconds: Double(configuration.audio.encodeClaimSeconds)),
            clock: clock, log: log, covers: covers)
        playlists = PlaylistController(database: database, clock: clock)
        transcodes = TranscodeService(
            cache: transcodeCache, maxLive: transcoding.effectiveMaxLive, maxPerUser: transcoding.maxPerUser, log: log)
        library = LibraryController(
            database: database, settings: LibraryController.Settings(configuration.library), covers: covers, clock: clock)
        scanner = LibraryScanner(database: database, covers: covers, clock: clock, log: log)
        appPasswords = try AppPasswordService(
            database: database, keyFile: configuration.auth.effectiveSecretKeyFile(storage: configuration.storage),
            clock: clock)
        let publicURL = SharedText(configuration.effectivePublicURL)
        self.publicURL = publicURL
        shares = ShareController(database: database, library: library, playlists: playlists, clock: clock)
        subsonic = SubsonicRoutes(services: SubsonicServices(
            database: database, tracks: tracks, playlists: playlists, shares: shares, appPasswords: appPasswords, clock: clock,
            library: library, scanner: scanner, transcodes: transcodes, musicFolders: configuration.library.musicFolders,
            baseURL: { [publicURL] in publicURL.value }))
        oidc = OIDCLoginService(
            configurations: configuration.auth.oidc, users: users,
            key: try SecretKeyFile.loadOrCreate(at: configuration.auth.effectiveSecretKeyFile(storage: configuration.storage)))
        try tracks.recoverAfterStart()
        registerRoutes()
    }

    private func registerRoutes() {
        // Inline: answered on the event loop, no worker hop (load balancers poll this hard); encoded once, since
        // JSONEncoder was the largest part of the route's instructions (callgrind, see the README's benchmarks).
        let health = Result { try Response.json(HealthStatus(status: "ok", version: DuradoraVersion.current)) }
        router.getInline("/health") { _, _ in try health.get() }
        // Outermost, so that a lost database connection met anywhere (the token lookup included) is a 503.
        router.use(StorageFailureMiddleware(metrics: metrics))
        router.use(AuthMiddleware(tokens: users.tokens, skipping: [SubsonicRoutes.pattern]))
        router.use(CrossOriginGuard(skipping: [SubsonicRoutes.pattern]))
        // Expensive routes, metered per client address (`server.upload_rate_per_minute`).
        let uploads = ClientRateLimiter(perMinute: configuration.server.uploadRatePerMinute)
        router.use(RateLimitMiddleware(limiter: uploads, routes: [
            "POST /api/v1/tracks", "PUT /api/v1/tracks/{id}/audio", "POST /record", "POST /add-audio/",
            "POST /track", "POST /api/v1/record", "POST /api_v1/record", "POST /v1/audio/file",
        ]))
        let cookie = SessionCookie(isSecure: configuration.effectivePublicURL.lowercased().hasPrefix("https://"))
        AuthRoutes(users: users, cookie: cookie).register(on: router)
        UserRoutes(users: users, cookie: cookie).register(on: router)
        let trackRoutes = TrackRoutes(
            tracks: tracks, tokens: users.tokens, baseURL: { [publicURL] in publicURL.value }, transcodes: transcodes,
            library: library)
        trackRoutes.register(on: router)
        PlaylistRoutes(playlists: playlists, baseURL: { [publicURL] in publicURL.value }).register(on: router)
        let seedRoutes = SeedRoutes(users: users, tracks: trackRoutes)
        seedRoutes.register(on: router)
        MusicAPIRoutes(users: users, tracks: trackRoutes, playlists: playlists).register(on: router)
        RecordsServiceRoutes(seed: seedRoutes, users: UserRoutes(users: users, cookie: cookie)).register(on: router)
        let hosting = HostingServiceRoutes(users: users, tracks: trackRoutes, cookie: cookie)
        hosting.register(on: router)
        OIDCRoutes(logins: oidc, hosting: hosting, cookie: cookie, baseURL: { [publicURL] in publicURL.value }).register(on: router)
        OperationsRoutes(metrics: metrics).register(on: router)
        AppPasswordRoutes(appPasswords: appPasswords).register(on: router)
        subsonic.register(on: router)
        LibraryRoutes(library: library, baseURL: { [publicURL] in publicURL.value }).register(on: router)
        ListeningRoutes(library: library, baseURL: { [publicURL] in publicURL.value }).register(on: router)
        LibraryScanRoutes(scanner: scanner, musicFolders: configuration.library.musicFolders).register(on: router)
        CoverRoutes(library: library, baseURL: { [publicURL] in publicURL.value }).register(on: router)
        ShareRoutes(shares: shares, tracks: tracks, library: library, baseURL: { [publicURL] in publicURL.value })
            .register(on: router)
        registerWebPlayer()
    }

    /// The web player at `/`; without its files beside the binary, `/` says so and the API works as usual.
    private func registerWebPlayer() {
        switch WebAssets.installed() {
        case .success(let assets):
            WebPlayerRoutes(assets: assets, missingReason: "").register(on: router)
        case .failure(let error):
            log.log(.warning, "web player files not found", [("error", String(describing: error))])
            WebPlayerRoutes(assets: nil, missingReason: String(describing: error)).register(on: router)
        }
    }

    /// Creates `[auth.bootstrap_admin]` when it is configured and the database has no admin.
    private func bootstrapAdmin() throws {
        let admin = configuration.auth.bootstrapAdmin
        guard admin.isConfigured else { return }
        // Bad values are the operator's to fix: report them as configuration errors (exit 78), not as API errors.
        for (key, problem) in [("username", AccountRules.usernameProblem(admin.username)),
                               ("password", AccountRules.passwordProblem(admin.password))] {
            if let problem {
                throw ConfigurationError(source: .combined, key: "auth.bootstrap_admin.\(key)", message: problem)
            }
        }
        switch try users.bootstrapAdmin(username: admin.username, password: admin.password) {
        case .created(let user):
            log.log(.info, "created bootstrap admin", [("username", user.username), ("user_id", user.id.lowercasedString)])
        case .adminExists:
            break
        case .usernameTaken:
            log.log(.warning, "bootstrap admin not created: the username belongs to a user who is not an admin",
                    [("username", admin.username)])
        }
    }

    /// Binds the listening socket and starts serving; returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        try bootstrapAdmin()
        let server = HTTPServer(configuration: serverConfiguration, router: router) { [log, metrics] record in
            log.record(record)
            metrics.observe(record)
        }
        let port = try server.start()
        self.server = server
        publicURL.value = configuration.effectivePublicURL(boundPort: port)
        metrics.setOpenConnectionsSource { [weak server] in server?.openConnections ?? 0 }
        housekeeping = TokenHousekeeping(tokens: users.tokens, log: log)
        let library = configuration.library
        if !library.musicFolders.isEmpty {
            scanSchedule = LibraryScanSchedule(scanner: scanner, folders: library.musicFolders,
                                               intervalMinutes: library.scanIntervalMinutes, log: log)
        }
        log.log(.info, "listening", [("address", "\(configuration.server.host):\(port)"), ("version", DuradoraVersion.current)])
        return port
    }

    /// Stops accepting, lets in-flight requests finish (bounded), then releases storage.
    public func stop() {
        server?.shutdown()
        server = nil
        metrics.setOpenConnectionsSource(nil)
        housekeeping?.stop()
        housekeeping = nil
        tracks.stop()
        scanSchedule?.stop()
        scanSchedule = nil
        scanner.stop()
        database.close()
        log.log(.info, "stopped")
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    public func runUntilSignalled() throws {
        signal(SIGPIPE, SIG_IGN)
        try start()
        let stopRequested = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)  // let Dispatch see it instead of the default handler
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stopRequested.signal() }
            source.resume()
            return source
        }
        stopRequested.wait()
        log.log(.info, "shutting down")
        stop()
        sources.forEach { $0.cancel() }
    }

    /// Worker threads of the server, and so the PostgreSQL pool's size (one connection each).
    static let workerThreads = max(16, Processors.available * 8)

    var serverConfiguration: ServerConfiguration {
        let server = configuration.server
        return ServerConfiguration(
            host: server.host, port: server.port,
            limits: ParserLimits(maxHeaderBytes: server.maxHeaderBytes, maxTargetBytes: 8_192, maxBodyBytes: server.maxBodyBytes),
            readTimeoutSeconds: Double(server.readTimeoutSeconds), idleTimeoutSeconds: Double(server.idleTimeoutSeconds),
            maxConnections: server.maxConnections, workerThreads: Self.workerThreads,
            maxQueuedRequests: 4096, shutdownGraceSeconds: 10, serverName: "duradora/\(DuradoraVersion.current)",
            minBodyBytesPerSecond: server.minBodyBytesPerSecond, maxConnectionsPerAddress: server.maxConnectionsPerIP,
            trustedProxies: (try? TrustedProxies.parse(server.trustedProxies).get()) ?? TrustedProxies())
    }
}

struct HealthStatus: Codable, Sendable {
    let status: String
    let version: String
}

/// A string set once start-up knows it and read from any thread.
private final class SharedText: Sendable {
    private let storage: Mutex<String>

    init(_ value: String) {
        storage = Mutex(value)
    }

    var value: String {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
