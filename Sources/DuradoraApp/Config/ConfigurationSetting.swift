import DuradoraHTTP
import Foundation

/// A raw value from a TOML file or an environment variable, before it is checked against its setting.
enum ConfigurationValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case strings([String])
}

/// One key of `config.toml`: its dotted name, its type, its rule, and where it lives in `Configuration`.
///
/// `ConfigurationSetting.all` is the single schema used by the TOML loader, the environment loader and `validate()`.
struct ConfigurationSetting: Sendable {
    enum ValueType: Sendable, Equatable {
        case string
        case integer
        case boolean
        case stringList

        var noun: String {
            switch self {
            case .string: "a string"
            case .integer: "an integer"
            case .boolean: "a boolean (true or false)"
            case .stringList: "an array of strings"
            }
        }
    }

    /// Dotted key, e.g. `server.port`, `auth.bootstrap_admin.username`.
    let key: String
    let type: ValueType
    /// Nil when `value` is acceptable, else why not (e.g. "must be in 0...65535, got 70000").
    let check: @Sendable (ConfigurationValue) -> String?
    /// Stores an already checked value; relative paths are resolved against the directory given.
    let write: @Sendable (inout Configuration, ConfigurationValue, String) -> Void
    /// The current value, for `validate()`.
    let read: @Sendable (Configuration) -> ConfigurationValue

    /// The table path, e.g. `["auth", "bootstrap_admin"]`.
    var sectionPath: [String] { key.split(separator: ".").dropLast().map(String.init) }
    var name: String { String(key.split(separator: ".").last ?? "") }
    /// `DURADORA_<SECTION>_<KEY>`, e.g. `DURADORA_AUTH_BOOTSTRAP_ADMIN_USERNAME`.
    var environmentVariable: String { "DURADORA_" + key.replacingOccurrences(of: ".", with: "_").uppercased() }
}

// MARK: - The schema

extension ConfigurationSetting {
    static let all: [ConfigurationSetting] = [
        string("server.host", \.server.host, rule: nonEmptyHost),
        integer("server.port", \.server.port, in: 0...65_535),
        string("server.public_url", \.server.publicURL, rule: publicURLRule, normalize: trimmingTrailingSlashes),
        integer64("server.max_body_bytes", \.server.maxBodyBytes, in: 1...Int64.max),
        integer("server.max_header_bytes", \.server.maxHeaderBytes, in: 1...(1 << 30)),
        integer("server.read_timeout_seconds", \.server.readTimeoutSeconds, in: 1...86_400),
        integer("server.idle_timeout_seconds", \.server.idleTimeoutSeconds, in: 1...86_400),
        integer("server.max_connections", \.server.maxConnections, in: 1...1_000_000),
        integer("server.max_connections_per_ip", \.server.maxConnectionsPerIP, in: 0...1_000_000),
        integer("server.min_body_bytes_per_second", \.server.minBodyBytesPerSecond, in: 0...(1 << 30)),
        string("server.trusted_proxies", \.server.trustedProxies, rule: trustedProxiesRule),
        integer("server.upload_rate_per_minute", \.server.uploadRatePerMinute, in: 1...1_000_000),

        database("storage.database", \.storage.database),
        uploads("storage.uploads", \.storage.uploads),
        string("storage.s3.endpoint", \.storage.s3.endpoint, rule: s3EndpointRule, normalize: trimmingTrailingSlashes),
        string("storage.s3.region", \.storage.s3.region, rule: { $0.isEmpty ? "must not be empty" : nil }),
        string("storage.s3.access_key_id", \.storage.s3.accessKeyID),
        string("storage.s3.secret_access_key", \.storage.s3.secretAccessKey),
        boolean("storage.s3.path_style", \.storage.s3.pathStyle),
        boolean("storage.s3.redirect", \.storage.s3.redirect),
        path("storage.s3.local_dir", \.storage.s3.localDir),

        integer("audio.bitrate", \.audio.bitrate, oneOf: Configuration.Audio.allowedBitrates),
        integer("audio.vbr_quality", \.audio.vbrQuality, in: 0...9),
        boolean("audio.keep_originals", \.audio.keepOriginals),
        integer("audio.max_concurrent_transcodes", \.audio.maxConcurrentTranscodes, in: 0...1_024),
        integer("audio.sync_encode_seconds", \.audio.syncEncodeSeconds, in: 0...86_400),
        integer("audio.encode_claim_seconds", \.audio.encodeClaimSeconds, in: 1...3_600),
        integer("audio.transcoding.max_live", \.audio.transcoding.maxLive, in: 0...1_024),
        integer("audio.transcoding.max_per_user", \.audio.transcoding.maxPerUser, in: 1...1_024),
        integer64("audio.transcoding.cache_bytes", \.audio.transcoding.cacheBytes, in: 0...Int64.max),
        path("audio.transcoding.cache_dir", \.audio.transcoding.cacheDir),

        boolean("auth.open_registration", \.auth.openRegistration),
        integer("auth.access_ttl_seconds", \.auth.accessTTLSeconds, in: 1...31_536_000),
        integer("auth.refresh_ttl_seconds", \.auth.refreshTTLSeconds, in: 1...315_360_000),
        choice("auth.password_hash_cost", \.auth.passwordHashCost),
        integer("auth.login_attempts_per_minute", \.auth.loginAttemptsPerMinute, in: 1...1_000_000),
        string("auth.bootstrap_admin.username", \.auth.bootstrapAdmin.username),
        string("auth.bootstrap_admin.password", \.auth.bootstrapAdmin.password),
        path("auth.secret_key_file", \.auth.secretKeyFile, allowsEmpty: true),

        boolean("library.user_uploads", \.library.userUploads),
        boolean("library.anonymous_streaming", \.library.anonymousStreaming),
        boolean("library.keep_tracks_of_deleted_users", \.library.keepTracksOfDeletedUsers),
        string("library.ignored_articles", \.library.ignoredArticles),
        pathList("library.music_folders", \.library.musicFolders),
        integer("library.scan_interval_minutes", \.library.scanIntervalMinutes, in: 0...525_600),

        choice("log.format", \.log.format),
        choice("log.level", \.log.level),
    ]

    /// Top-level sections, e.g. `server`.
    static let sections: [String] = {
        var names: [String] = []
        for setting in all where !names.contains(setting.sectionPath[0]) { names.append(setting.sectionPath[0]) }
        return names
    }()

    /// Every table that may appear, as dotted paths: `server`, `auth`, `auth.bootstrap_admin`, …
    static let tables: Set<String> = {
        var tables: Set<String> = []
        for setting in all {
            let path = setting.sectionPath
            for length in 1...path.count { tables.insert(path.prefix(length).joined(separator: ".")) }
        }
        return tables
    }()

    static func named(_ key: String) -> ConfigurationSetting? { all.first { $0.key == key } }
}

// MARK: - Rules

extension ConfigurationSetting {
    private static func nonEmptyHost(_ host: String) -> String? {
        if host.isEmpty { return "must not be empty" }
        if host.contains(where: { $0.isWhitespace || $0 == "/" }) { return "is not a host name or address: \"\(host)\"" }
        return nil
    }

    private static func publicURLRule(_ url: String) -> String? {
        if url.isEmpty { return nil }
        guard let components = URLComponents(string: url),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil
        else { return "must be \"\" or an http:// or https:// URL without query, got \"\(url)\"" }
        return nil
    }

    private static func trustedProxiesRule(_ list: String) -> String? {
        guard case .failure(let invalid) = TrustedProxies.parse(list) else { return nil }
        return "must be a comma-separated list of CIDR blocks (10.0.0.0/8, ::1), got \"\(invalid.entry)\""
    }

    private static func s3EndpointRule(_ url: String) -> String? {
        guard !url.isEmpty, S3Endpoint.baseURL(url) == nil else { return nil }
        return "must be \"\" or an http:// or https:// URL with no path, query or credentials, got \"\(url)\""
    }

    private static func trimmingTrailingSlashes(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

// MARK: - Factories

extension ConfigurationSetting {
    private static func string(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, String> & Sendable,
        rule: @escaping @Sendable (String) -> String? = { _ in nil },
        normalize: @escaping @Sendable (String) -> String = { $0 }
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            key: key, type: .string,
            check: { value in
                guard case .string(let string) = value else { return "must be a string" }
                return rule(string)
            },
            write: { configuration, value, _ in
                if case .string(let string) = value { configuration[keyPath: keyPath] = normalize(string) }
            },
            read: { .string($0[keyPath: keyPath]) }
        )
    }

    private static func path(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, String> & Sendable,
        allowsEmpty: Bool = false
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            key: key, type: .string,
            check: { value in
                guard case .string(let string) = value else { return "must be a string" }
                return string.isEmpty && !allowsEmpty ? "must not be empty" : nil
            },
            write: { configuration, value, baseDirectory in
                guard case .string(let string) = value else { return }
                configuration[keyPath: keyPath] = Configuration.absolutePath(string, relativeTo: baseDirectory)
            },
            read: { .string($0[keyPath: keyPath]) }
        )
    }

    /// A path (resolved like `path`) or, when `names` recognises it, a URL: kept as given and checked by `rule`.
    private static func pathOrURL(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, String> & Sendable,
        names: @escaping @Sendable (String) -> Bool,
        rule: @escaping @Sendable (String) -> String?
    ) -> ConfigurationSetting {
        let path = path(key, keyPath)
        return ConfigurationSetting(
            key: key, type: .string,
            check: { value in
                guard case .string(let string) = value, names(string) else { return path.check(value) }
                return rule(string)
            },
            write: { configuration, value, baseDirectory in
                guard case .string(let string) = value, names(string) else {
                    return path.write(&configuration, value, baseDirectory)
                }
                configuration[keyPath: keyPath] = string
            },
            read: path.read
        )
    }

    /// A SQLite path or a PostgreSQL URL (checked by libpq's parser).
    private static func database(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, String> & Sendable
    ) -> ConfigurationSetting {
        pathOrURL(key, keyPath, names: { PostgresURL.names($0) }) { string in
            var problem = ""
            // A URL libpq refuses must stop the start: treated as a path it would silently become a new, empty
            // SQLite file named after it. An accepted one is opened by `DatabaseFactory`.
            return PostgresURL(string, problem: &problem) == nil ? problem : nil
        }
    }

    /// A directory or an `s3://bucket/prefix` URL (checked by `S3UploadsURL`; `[storage.s3]` by `validate()`).
    private static func uploads(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, String> & Sendable
    ) -> ConfigurationSetting {
        pathOrURL(key, keyPath, names: { S3UploadsURL.names($0) }) { string in
            var problem = ""
            return S3UploadsURL(string, problem: &problem) == nil ? problem : nil
        }
    }

    /// Paths, each resolved like `path` (the environment separates them with ":", as PATH does).
    private static func pathList(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, [String]> & Sendable
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            key: key, type: .stringList,
            check: { value in
                guard case .strings(let paths) = value else { return "must be an array of strings" }
                return paths.contains(where: \.isEmpty) ? "must not contain an empty path" : nil
            },
            write: { configuration, value, baseDirectory in
                guard case .strings(let paths) = value else { return }
                configuration[keyPath: keyPath] = paths.map { Configuration.absolutePath($0, relativeTo: baseDirectory) }
            },
            read: { .strings($0[keyPath: keyPath]) }
        )
    }

    private static func integer64(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, Int64> & Sendable,
        in range: ClosedRange<Int64>
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            key: key, type: .integer,
            check: { value in
                guard case .integer(let number) = value else { return "must be an integer" }
                return range.contains(number) ? nil : "must be in \(describe(range)), got \(number)"
            },
            write: { configuration, value, _ in
                if case .integer(let number) = value { configuration[keyPath: keyPath] = number }
            },
            read: { .integer($0[keyPath: keyPath]) }
        )
    }

    private static func integer(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, Int> & Sendable,
        in range: ClosedRange<Int>
    ) -> ConfigurationSetting {
        integer(key, keyPath) { number in
            range.contains(number) ? nil : "must be in \(describe(range)), got \(number)"
        }
    }

    private static func integer(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, Int> & Sendable,
        oneOf allowed: [Int]
    ) -> ConfigurationSetting {
        integer(key, keyPath) { number in
            let list = allowed.map(String.init).joined(separator: ", ")
            return allowed.contains(number) ? nil : "must be one of \(list), got \(number)"
        }
    }

    private static func integer(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, Int> & Sendable,
        rule: @escaping @Sendable (Int) -> String?
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            key: key, type: .integer,
            check: { value in
                guard case .integer(let number) = value else { return "must be an integer" }
                guard let exact = Int(exactly: number) else { return "is out of range: \(number)" }
                return rule(exact)
            },
            write: { configuration, value, _ in
                if case .integer(let number) = value, let exact = Int(exactly: number) {
                    configuration[keyPath: keyPath] = exact
                }
            },
            read: { .integer(Int64($0[keyPath: keyPath])) }
        )
    }

    private static func boolean(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, Bool> & Sendable
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            key: key, type: .boolean,
            check: { value in
                guard case .boolean = value else { return "must be true or false" }
                return nil
            },
            write: { configuration, value, _ in
                if case .boolean(let flag) = value { configuration[keyPath: keyPath] = flag }
            },
            read: { .boolean($0[keyPath: keyPath]) }
        )
    }

    private static func choice<Choice>(
        _ key: String,
        _ keyPath: any WritableKeyPath<Configuration, Choice> & Sendable
    ) -> ConfigurationSetting
    where Choice: RawRepresentable & CaseIterable & Sendable, Choice.RawValue == String {
        ConfigurationSetting(
            key: key, type: .string,
            check: { value in
                guard case .string(let string) = value else { return "must be a string" }
                if Choice(rawValue: string) != nil { return nil }
                let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                return "must be one of \(names), got \"\(string)\""
            },
            write: { configuration, value, _ in
                if case .string(let string) = value, let choice = Choice(rawValue: string) {
                    configuration[keyPath: keyPath] = choice
                }
            },
            read: { .string($0[keyPath: keyPath].rawValue) }
        )
    }

    private static func describe<Bound: BinaryInteger>(_ range: ClosedRange<Bound>) -> String {
        guard Int64(exactly: range.upperBound) != Int64.max else {
            return range.lowerBound == 1 ? "a positive integer" : "at least \(range.lowerBound)"
        }
        return "\(range.lowerBound)...\(range.upperBound)"
    }
}
