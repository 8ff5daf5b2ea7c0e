import DuradoraHTTP
import Foundation
import Testing
@testable import DuradoraApp

/// A unique temporary directory, removed by `remove()`.
private struct Scratch {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("duradora-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns its absolute path.
    func write(_ text: String, to name: String = "config.toml") throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func load(
        _ path: String?,
        environment: [String: String] = [:],
        overrides: ConfigurationOverrides = ConfigurationOverrides()
    ) throws -> Configuration {
        try Configuration.load(path: path, environment: environment, overrides: overrides, currentDirectory: directory)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// The error `body` throws, which must be a `ConfigurationError`.
private func configurationError(_ body: () throws -> Configuration) -> ConfigurationError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? ConfigurationError
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsMatchTheContract() throws {
        let configuration = Configuration.defaults(baseDirectory: "/srv/duradora")
        #expect(configuration.server.host == "0.0.0.0")
        #expect(configuration.server.port == 8080)
        #expect(configuration.server.publicURL == "")
        #expect(configuration.server.maxBodyBytes == 1_073_741_824)
        #expect(configuration.server.maxHeaderBytes == 16_384)
        #expect(configuration.server.readTimeoutSeconds == 30)
        #expect(configuration.server.idleTimeoutSeconds == 75)
        #expect(configuration.server.maxConnections == 10_000)
        #expect(configuration.server.maxConnectionsPerIP == 256)
        #expect(configuration.server.minBodyBytesPerSecond == 256)
        #expect(configuration.server.trustedProxies == "")
        #expect(configuration.server.uploadRatePerMinute == 60)
        #expect(configuration.storage.database == "/srv/duradora/data/duradora.sqlite3")
        #expect(configuration.storage.uploads == "/srv/duradora/uploads")
        #expect(configuration.audio.bitrate == 192)
        #expect(configuration.audio.vbrQuality == 2)
        #expect(configuration.audio.keepOriginals == false)
        #expect(configuration.audio.maxConcurrentTranscodes == 0)
        #expect(configuration.audio.effectiveMaxConcurrentTranscodes == Processors.available)
        #expect(configuration.audio.syncEncodeSeconds == 15)
        #expect(configuration.auth.openRegistration)
        #expect(configuration.auth.accessTTLSeconds == 3_600)
        #expect(configuration.auth.refreshTTLSeconds == 2_592_000)
        #expect(configuration.auth.passwordHashCost == .interactive)
        #expect(configuration.auth.loginAttemptsPerMinute == 10)
        #expect(configuration.auth.bootstrapAdmin == Configuration.BootstrapAdmin())
        #expect(configuration.library.userUploads)
        #expect(configuration.library.anonymousStreaming)
        #expect(configuration.library.keepTracksOfDeletedUsers == false)
        #expect(configuration.log.format == .logfmt)
        #expect(configuration.log.level == .info)
        #expect(configuration.effectivePublicURL == "http://localhost:8080")
        #expect(configuration.loopbackURL == "http://127.0.0.1:8080")  // duradora healthcheck: no name lookup
        try configuration.validate()
    }

    @Test func checkedInConfigFileEqualsTheDefaults() throws {
        let repositoryRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = repositoryRoot.appendingPathComponent("config.toml").path
        let loaded = try Configuration.load(path: path, environment: [:])
        #expect(loaded == Configuration.defaults(baseDirectory: repositoryRoot.path))
    }

    @Test func fullFileSetsEveryKey() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write("""
            [server]
            host = "127.0.0.1"
            port = 9090
            public_url = "https://music.example.com/"
            max_body_bytes = 5000000000
            max_header_bytes = 8192
            read_timeout_seconds = 10
            idle_timeout_seconds = 20
            max_connections = 50
            max_connections_per_ip = 7
            min_body_bytes_per_second = 0
            trusted_proxies = "10.0.0.0/8, ::1"
            upload_rate_per_minute = 5

            [storage]
            database = "/var/lib/duradora/db.sqlite3"
            uploads = "/var/lib/duradora/uploads"

            [audio]
            bitrate = 0
            vbr_quality = 5
            keep_originals = true
            max_concurrent_transcodes = 3
            sync_encode_seconds = 0

            [auth]
            open_registration = false
            access_ttl_seconds = 60
            refresh_ttl_seconds = 120
            password_hash_cost = "min"
            login_attempts_per_minute = 3

            [auth.bootstrap_admin]
            username = "root"
            password = "s3cret"

            [library]
            user_uploads = false
            anonymous_streaming = false
            keep_tracks_of_deleted_users = true

            [log]
            format = "json"
            level = "debug"
            """)
        let configuration = try scratch.load(path)
        #expect(configuration.server.host == "127.0.0.1")
        #expect(configuration.server.port == 9090)
        #expect(configuration.server.publicURL == "https://music.example.com")
        #expect(configuration.effectivePublicURL == "https://music.example.com")
        #expect(configuration.server.maxBodyBytes == 5_000_000_000)
        #expect(configuration.server.maxHeaderBytes == 8_192)
        #expect(configuration.server.readTimeoutSeconds == 10)
        #expect(configuration.server.idleTimeoutSeconds == 20)
        #expect(configuration.server.maxConnections == 50)
        #expect(configuration.server.maxConnectionsPerIP == 7)
        #expect(configuration.server.minBodyBytesPerSecond == 0)
        #expect(configuration.server.trustedProxies == "10.0.0.0/8, ::1")
        #expect(configuration.server.uploadRatePerMinute == 5)
        #expect(configuration.storage.database == "/var/lib/duradora/db.sqlite3")
        #expect(configuration.storage.uploads == "/var/lib/duradora/uploads")
        #expect(configuration.audio.bitrate == 0 && configuration.audio.isVBR)
        #expect(configuration.audio.vbrQuality == 5)
        #expect(configuration.audio.keepOriginals)
        #expect(configuration.audio.effectiveMaxConcurrentTranscodes == 3)
        #expect(configuration.audio.syncEncodeSeconds == 0)
        #expect(configuration.auth.openRegistration == false)
        #expect(configuration.auth.accessTTLSeconds == 60)
        #expect(configuration.auth.refreshTTLSeconds == 120)
        #expect(configuration.auth.passwordHashCost == .min)
        #expect(configuration.auth.loginAttemptsPerMinute == 3)
        #expect(configuration.auth.bootstrapAdmin == Configuration.BootstrapAdmin(username: "root", password: "s3cret"))
        #expect(configuration.library.userUploads == false)
        #expect(configuration.library.anonymousStreaming == false)
        #expect(configuration.library.keepTracksOfDeletedUsers)
        #expect(configuration.log.format == .json)
        #expect(configuration.log.level == .debug)
    }

    @Test func relativePathsResolveAgainstTheFilesDirectory() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write("""
            [storage]
            database = "state/../db/music.sqlite3"
            """, to: "etc/config.toml")
        let configuration = try scratch.load(path)
        #expect(configuration.storage.database == scratch.directory + "/etc/db/music.sqlite3")
        #expect(configuration.storage.uploads == scratch.directory + "/etc/uploads")
    }

    @Test func withoutAFilePathsResolveAgainstTheCurrentDirectory() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let configuration = try scratch.load(nil, environment: ["DURADORA_STORAGE_UPLOADS": "media"])
        #expect(configuration.storage.database == scratch.directory + "/data/duradora.sqlite3")
        #expect(configuration.storage.uploads == scratch.directory + "/media")
    }

    @Test func missingDefaultFileMeansDefaults() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        #expect(try scratch.load(nil) == Configuration.defaults(baseDirectory: scratch.directory))
    }

    @Test func missingExplicitFileIsAnError() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let error = configurationError { try scratch.load("absent.toml") }
        #expect(error?.source == .file(path: scratch.directory + "/absent.toml", line: nil))
        #expect(error?.description.contains("absent.toml") == true)
    }

    @Test func environmentBeatsFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write("[server]\nport = 9000\nhost = \"127.0.0.1\"\n")
        let environment = [
            "DURADORA_SERVER_PORT": "9100",
            "DURADORA_AUDIO_KEEP_ORIGINALS": "yes",
            "DURADORA_LOG_LEVEL": "warning",
            "DURADORA_AUTH_BOOTSTRAP_ADMIN_USERNAME": "admin",
            "DURADORA_AUTH_BOOTSTRAP_ADMIN_PASSWORD": "pw",
            "DURADORA_HOME": "/ignored/not/a/section",
        ]
        let configuration = try scratch.load(path, environment: environment)
        #expect(configuration.server.port == 9100)
        #expect(configuration.server.host == "127.0.0.1")
        #expect(configuration.audio.keepOriginals)
        #expect(configuration.log.level == .warning)
        #expect(configuration.auth.bootstrapAdmin.isConfigured)
    }

    @Test func flagBeatsEnvironment() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let configuration = try scratch.load(
            nil,
            environment: ["DURADORA_SERVER_PORT": "9100", "DURADORA_SERVER_HOST": "10.0.0.1"],
            overrides: ConfigurationOverrides(host: "::1", port: 0)
        )
        #expect(configuration.server.port == 0)
        #expect(configuration.server.host == "::1")
        #expect(configuration.effectivePublicURL(boundPort: 4321) == "http://[::1]:4321")
        #expect(configuration.loopbackURL == "http://[::1]:0")
    }

    @Test func badFlagNamesTheFlag() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let error = configurationError { try scratch.load(nil, overrides: ConfigurationOverrides(port: -1)) }
        #expect(error?.source == .commandLine(flag: "--port"))
        #expect(error?.key == "server.port")
    }

    @Test(arguments: [
        (["API_HOSTNAME": "music.example.com", "API_PORT": "8443"], "http://music.example.com:8443"),
        (["API_HOSTNAME": "music.example.com"], "http://music.example.com:8080"),
        (["API_PORT": "9000"], "http://localhost:9000"),
        (["API_PORT": "9000", "DURADORA_SERVER_PUBLIC_URL": "https://x.example"], "https://x.example"),
        (["API_HOSTNAME": ""], "http://localhost:8080"),
    ])
    func apiHostnameAndPortSetThePublicURL(environment: [String: String], expected: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        #expect(try scratch.load(nil, environment: environment).effectivePublicURL == expected)
    }

    @Test func apiPortAloneKeepsTheFilesPublicHost() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write("[server]\npublic_url = \"https://music.example.com/base\"\n")
        let configuration = try scratch.load(path, environment: ["API_PORT": "8443"])
        #expect(configuration.server.publicURL == "https://music.example.com:8443/base")
    }

    @Test func unknownKeyNamesKeyFileAndLine() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write("""
            # comment
            [server]
            port = 8080
            prot = 9090
            """)
        let error = configurationError { try scratch.load(path) }
        #expect(error?.key == "server.prot")
        #expect(error?.source == .file(path: path, line: 4))
        #expect(error?.description.hasPrefix("\(path):4: server.prot: unknown key") == true)
    }

    @Test func unknownSectionAndNestedKeysAreLocated() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write("""
            [auth]
            open_registration = true

            [auth.bootstrap_admin]
            username = "root"
            pasword = "x"

            [serverr]
            port = 1
            """)
        let error = configurationError { try scratch.load(path) }
        #expect(error?.key == "auth.bootstrap_admin.pasword")
        #expect(error?.line == 6)

        let section = try scratch.write("[serverr]\nport = 1\n", to: "section.toml")
        let sectionError = configurationError { try scratch.load(section) }
        #expect(sectionError?.key == "serverr")
        #expect(sectionError?.line == 1)
        #expect(sectionError?.message.contains("unknown section") == true)
    }

    @Test func wrongTypeNamesKeyAndLine() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write("[server]\nhost = \"::\"\nport = \"8080\"\n")
        let error = configurationError { try scratch.load(path) }
        #expect(error?.key == "server.port")
        #expect(error?.line == 3)
        #expect(error?.message == "must be an integer, got a string")
    }

    @Test(arguments: [
        ("[server]\nport = 70000", "server.port"),
        ("[server]\nmax_body_bytes = 0", "server.max_body_bytes"),
        ("[server]\nread_timeout_seconds = -5", "server.read_timeout_seconds"),
        ("[server]\npublic_url = \"ftp://x\"", "server.public_url"),
        ("[audio]\nbitrate = 100", "audio.bitrate"),
        ("[audio]\nvbr_quality = 10", "audio.vbr_quality"),
        ("[auth]\npassword_hash_cost = \"extreme\"", "auth.password_hash_cost"),
        ("[log]\nformat = \"xml\"", "log.format"),
        ("[storage]\nuploads = \"\"", "storage.uploads"),
        ("[server]\ntrusted_proxies = \"10.0.0.0/8, proxy.lan\"", "server.trusted_proxies"),
        ("[server]\nupload_rate_per_minute = 0", "server.upload_rate_per_minute"),
    ])
    func outOfRangeValueNamesKeyAndLine(toml: String, key: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write(toml)
        let error = configurationError { try scratch.load(path) }
        #expect(error?.key == key)
        #expect(error?.line == 2)
    }

    @Test func environmentErrorsNameTheVariable() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let typo = configurationError { try scratch.load(nil, environment: ["DURADORA_SERVER_PROT": "1"]) }
        #expect(typo?.source == .environment(variable: "DURADORA_SERVER_PROT"))
        let notANumber = configurationError { try scratch.load(nil, environment: ["DURADORA_AUDIO_BITRATE": "high"]) }
        #expect(notANumber?.source == .environment(variable: "DURADORA_AUDIO_BITRATE"))
        #expect(notANumber?.key == "audio.bitrate")
        let badPort = configurationError { try scratch.load(nil, environment: ["API_PORT": "0"]) }
        #expect(badPort?.source == .environment(variable: "API_PORT"))
    }

    @Test func bootstrapAdminNeedsBothUsernameAndPassword() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let error = configurationError {
            try scratch.load(nil, environment: ["DURADORA_AUTH_BOOTSTRAP_ADMIN_USERNAME": "admin"])
        }
        #expect(error?.key == "auth.bootstrap_admin.password")
    }

    @Test func badTOMLSyntaxNamesTheLine() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write("[server]\nport = 8080\nhost = \"unterminated\n")
        let error = configurationError { try scratch.load(path) }
        #expect(error?.key == nil)
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("\(path):3: invalid TOML") == true)
    }
}
