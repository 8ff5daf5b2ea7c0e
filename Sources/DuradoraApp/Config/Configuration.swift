import Foundation
import DuradoraHTTP

/// Everything `config.toml` can say, typed and validated.
///
/// A value type: a `Configuration` the application holds in a `let` never changes behind its back, and it crosses
/// queues freely. The properties are `var` only so tests can derive a variant (`config.server.port = 0`); after such
/// edits call `validate()`. `load(path:environment:overrides:)` always returns a validated value.
///
/// Paths in `storage` are absolute: `load` resolves relative paths (see `Configuration+Loading.swift`).
public struct Configuration: Sendable, Equatable {
    public var server: Server
    public var storage: Storage
    public var audio: Audio
    public var auth: Auth
    public var library: Library
    public var log: Log

    public init(
        server: Server = Server(),
        storage: Storage,
        audio: Audio = Audio(),
        auth: Auth = Auth(),
        library: Library = Library(),
        log: Log = Log()
    ) {
        self.server = server
        self.storage = storage
        self.audio = audio
        self.auth = auth
        self.library = library
        self.log = log
    }

    /// All defaults, with the storage paths resolved against the current directory.
    public static var defaults: Configuration {
        defaults(baseDirectory: FileManager.default.currentDirectoryPath)
    }

    /// All defaults, with the storage paths resolved against `baseDirectory`.
    public static func defaults(baseDirectory: String) -> Configuration {
        var configuration = Configuration(storage: Storage(baseDirectory: baseDirectory))
        configuration.auth.secretKeyFile = absolutePath(Auth.defaultSecretKeyFile, relativeTo: baseDirectory)
        configuration.audio.transcoding.cacheDir = absolutePath(Transcoding.defaultCacheDir, relativeTo: baseDirectory)
        configuration.storage.s3.localDir = absolutePath(Storage.S3.defaultLocalDir, relativeTo: baseDirectory)
        return configuration
    }

    // MARK: - [server]

    public struct Server: Sendable, Equatable {
        /// Address to bind: an IPv4 or IPv6 literal or a name.
        public var host = "0.0.0.0"
        /// 0 asks the system for a free port (tests).
        public var port = 8080
        /// The base URL clients use, without a trailing slash; "" means derive it (see `effectivePublicURL`).
        public var publicURL = ""
        public var maxBodyBytes: Int64 = 1_073_741_824
        public var maxHeaderBytes = 16_384
        /// The whole request head, and any gap inside a body.
        public var readTimeoutSeconds = 30
        /// Keep-alive.
        public var idleTimeoutSeconds = 75
        public var maxConnections = 10_000
        /// Open connections per client address (peer); trusted proxies are exempt. Stops one host taking every slot.
        public var maxConnectionsPerIP = 256
        /// Bodies slower than this on average over each read-timeout window are cut with 408 (slowloris on bodies).
        public var minBodyBytesPerSecond = 256
        /// Comma-separated CIDR blocks whose `Forwarded` / `X-Forwarded-For` name the client; "" trusts no one.
        public var trustedProxies = ""
        /// Uploads (track create, audio replace, seed uploads) per client address per minute, as a token bucket.
        public var uploadRatePerMinute = 60

        public init() {}
    }

    // MARK: - [storage]

    public struct Storage: Sendable, Equatable {
        public static let defaultDatabase = "data/duradora.sqlite3"
        public static let defaultUploads = "uploads"

        /// Absolute path of the SQLite database file, or a PostgreSQL URL as given (read `postgreSQL`).
        public var database: String
        /// Absolute path of the uploads directory, or an `s3://bucket/prefix` URL as given (read `s3Uploads`).
        public var uploads: String
        /// `[storage.s3]`, used when `uploads` names a bucket.
        public var s3 = S3()

        public init(database: String, uploads: String) {
            self.database = database
            self.uploads = uploads
        }

        /// The PostgreSQL database `database` names; nil when it is a SQLite path.
        public var postgreSQL: PostgresURL? {
            var problem = ""
            return PostgresURL.names(database) ? PostgresURL(database, problem: &problem) : nil
        }

        /// The default paths, resolved against `baseDirectory`.
        public init(baseDirectory: String) {
            self.database = Configuration.absolutePath(Self.defaultDatabase, relativeTo: baseDirectory)
            self.uploads = Configuration.absolutePath(Self.defaultUploads, relativeTo: baseDirectory)
        }
    }

    // MARK: - [audio]

    public struct Audio: Sendable, Equatable {
        /// The CBR bitrates LAME accepts for MPEG-1/2/2.5 layer III; 0 means VBR at `vbrQuality`.
        public static let allowedBitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]

        /// kbps, CBR; 0 = VBR at `vbrQuality`.
        public var bitrate = 192
        /// LAME's -V: 0 (best) … 9 (smallest).
        public var vbrQuality = 2
        public var keepOriginals = false
        /// 0 = number of cores; read `effectiveMaxConcurrentTranscodes`.
        public var maxConcurrentTranscodes = 0
        /// Uploads whose expected encode takes longer answer 202 and finish in the background; 0 = always 202.
        public var syncEncodeSeconds = 15
        /// How often an instance renews the claims of its background encodes and, on a shared database, looks for
        /// encodes a stopped instance left (taken over once three periods old).
        public var encodeClaimSeconds = 5
        /// `[audio.transcoding]`: on-demand transcodes for streaming.
        public var transcoding = Transcoding()

        public init() {}

        public var isVBR: Bool { bitrate == 0 }

        /// `maxConcurrentTranscodes`, with 0 replaced by the number of processors we may run on (at least 1).
        public var effectiveMaxConcurrentTranscodes: Int {
            maxConcurrentTranscodes > 0
                ? maxConcurrentTranscodes
                : max(1, Processors.available)
        }
    }

    /// `[audio.transcoding]`. `max_live` bounds the encoder threads (CPU), `max_per_user` what one listener can
    /// take of them, `cache_bytes` the disk the finished transcodes may use.
    public struct Transcoding: Sendable, Equatable {
        public static let defaultCacheDir = "cache/transcodes"

        /// 0 = 2 × the processors we may run on (`Processors.available`); read `effectiveMaxLive`.
        public var maxLive = 0
        public var maxPerUser = 2
        public var cacheBytes: Int64 = 1_073_741_824
        /// Absolute (resolved like the storage paths).
        public var cacheDir = Configuration.absolutePath(defaultCacheDir, relativeTo: FileManager.default.currentDirectoryPath)

        public init() {}

        public var effectiveMaxLive: Int {
            maxLive > 0 ? maxLive : 2 * max(1, Processors.available)
        }
    }

    // MARK: - [auth]

    public struct Auth: Sendable, Equatable {
        public var openRegistration = true
        public var accessTTLSeconds = 3_600
        public var refreshTTLSeconds = 2_592_000
        public var passwordHashCost = PasswordHashCost.interactive
        /// Per username and per client address.
        public var loginAttemptsPerMinute = 10
        /// `[auth.bootstrap_admin]`: created at start if no admin exists.
        public var bootstrapAdmin = BootstrapAdmin()
        public static let defaultSecretKeyFile = "data/secret.key"
        /// The key that seals app passwords (created at first start). Absolute after `load`; "" (a configuration
        /// built in code) means `secret.key` beside the database: read `effectiveSecretKeyFile(storage:)`.
        public var secretKeyFile = ""
        /// `[auth.oidc.<name>]`: external login providers (see `OIDCProviderConfiguration`).
        public var oidc: [OIDCProviderConfiguration] = []

        public init() {}

        public func effectiveSecretKeyFile(storage: Storage) -> String {
            guard secretKeyFile.isEmpty else { return secretKeyFile }
            return ((storage.database as NSString).deletingLastPathComponent as NSString).appendingPathComponent("secret.key")
        }
    }

    /// libsodium's Argon2id presets; `min` is for tests only.
    public enum PasswordHashCost: String, Sendable, Equatable, CaseIterable {
        case interactive
        case moderate
        case sensitive
        case min
    }

    public struct BootstrapAdmin: Sendable, Equatable {
        public var username = ""
        public var password = ""

        public init(username: String = "", password: String = "") {
            self.username = username
            self.password = password
        }

        /// True when both a username and a password are configured.
        public var isConfigured: Bool { !username.isEmpty && !password.isEmpty }
    }

    // MARK: - [library]

    public struct Library: Sendable, Equatable {
        public var userUploads = true
        public var anonymousStreaming = true
        public var keepTracksOfDeletedUsers = false
        /// Space-separated words ignored at the start of artist names when sorting.
        public var ignoredArticles = "The El La Los Las Le Les"
        /// Folders imported in place at start and every `scanIntervalMinutes` (0: only at start).
        public var musicFolders: [String] = []
        public var scanIntervalMinutes = 0

        public init() {}
    }

    // MARK: - [log]

    public struct Log: Sendable, Equatable {
        public var format = LogFormat.logfmt
        public var level = LogLevel.info

        public init() {}
    }

    public enum LogFormat: String, Sendable, Equatable, CaseIterable {
        case logfmt
        case json
    }

    /// Ordered: a message is written when its level is `>=` the configured one.
    public enum LogLevel: String, Sendable, Equatable, CaseIterable, Comparable {
        case debug
        case info
        case warning
        case error

        private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

        public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
    }
}

// MARK: - Public URL

extension Configuration {
    /// `server.public_url` if set; otherwise `http://<host>:<port>`, where a wildcard bind address (`0.0.0.0`, `::`)
    /// becomes `localhost` (a wildcard is not an address a client can connect to) and an IPv6 literal is bracketed.
    /// Never ends with a slash. With `port = 0`, prefer `effectivePublicURL(boundPort:)` once the port is known.
    public var effectivePublicURL: String {
        effectivePublicURL(boundPort: server.port)
    }

    /// `effectivePublicURL`, with `boundPort` (the port actually listened on) replacing `server.port` in a derived
    /// URL. An explicit `public_url` is returned unchanged.
    public func effectivePublicURL(boundPort: Int) -> String {
        if !server.publicURL.isEmpty { return server.publicURL }
        return "http://\(Self.urlHost(forBindAddress: server.host)):\(boundPort)"
    }

    /// `http://<host>:<port>` as a process on the server's own machine reaches it (`duradora healthcheck`): a wildcard
    /// bind address becomes 127.0.0.1, not `localhost`, so no name lookup is needed (a minimal image has no resolver
    /// configuration to rely on).
    public var loopbackURL: String {
        let host = Self.urlHost(forBindAddress: server.host)
        return "http://\(host == "localhost" ? "127.0.0.1" : host):\(server.port)"
    }

    /// The host part of a URL that reaches a server bound to `host`.
    static func urlHost(forBindAddress host: String) -> String {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        switch bare {
        case "", "0.0.0.0", "::", "0:0:0:0:0:0:0:0": return "localhost"
        default: return bare.contains(":") ? "[\(bare)]" : bare
        }
    }

    /// `path` made absolute against `directory` (when relative) and standardized (`.` and `..` removed).
    static func absolutePath(_ path: String, relativeTo directory: String) -> String {
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
    }
}
