import Foundation
import Testing
@testable import DuradoraApp

/// The earlier services' environment names and `.env` file, as aliases of our keys.
@Suite struct LegacyEnvironmentTests {
    /// A scratch working directory, optionally with a `.env` file.
    static func directory(dotEnv: String? = nil) throws -> String {
        let path = NSTemporaryDirectory() + "duradora-env-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let dotEnv { try dotEnv.write(toFile: path + "/.env", atomically: true, encoding: .utf8) }
        return path
    }

    static func load(_ environment: [String: String], in directory: String) throws -> Configuration {
        try Configuration.load(path: nil, environment: environment, overrides: ConfigurationOverrides(),
                               currentDirectory: directory)
    }

    @Test func oldNamesSetOurKeys() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try Self.load(["DATABASE_URL": "sqlite:///data/old.db", "AUDIO_STORAGE_PATH": "/srv/audio",
                                    "INTERNAL_TOKEN_EXPIRE_HOURS": "2"], in: directory)
        #expect(config.storage.database == directory + "/data/old.db")
        #expect(config.storage.uploads == "/srv/audio")
        #expect(config.auth.accessTTLSeconds == 7200)
        // Ours win over the old names.
        let ours = try Self.load(["POSTGTRES_SQL_URI": "/tmp/a.db", "DURADORA_STORAGE_DATABASE": "/tmp/b.db"], in: directory)
        #expect(ours.storage.database == "/tmp/b.db")
        #expect(try Self.load(["POSTGTRES_SQL_URI": "/tmp/a.db"], in: directory).storage.database == "/tmp/a.db")
    }

    @Test func postgreSQLIsKeptAsAURLAndBadHoursAreRefusedByValue() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (environment, expected) in [(["POSTGTRES_SQL_URI": "postgresql://u:p@db:5432/records"], "postgresql://u@db:5432/records"),
                                        (["DB_NAME": "hosting", "DB_USER": "u", "DB_PASSWORD": "p", "DB_HOST": "db"],
                                         "postgresql://u@db:5432/hosting")] {
            let configuration = try Self.load(environment, in: directory)
            #expect(configuration.storage.postgreSQL?.description == expected, "\(environment)")
            #expect(configuration.storage.postgreSQL?.parameters["password"] == "p")
        }
        #expect(throws: ConfigurationError.self) { try Self.load(["INTERNAL_TOKEN_EXPIRE_HOURS": "soon"], in: directory) }
    }

    @Test func dotEnvIsReadAsComposeReadsItAndTheRealEnvironmentWins() throws {
        let directory = try Self.directory(dotEnv: """
            # the hosting service's file
            export AUDIO_STORAGE_PATH="/srv/from dot env"
            INTERNAL_TOKEN_EXPIRE_HOURS=3 # hours
            DATABASE_URL='sqlite:////var/lib/old.db'

            API_PORT=9000
            """)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try Self.load([:], in: directory)
        #expect(config.storage.uploads == "/srv/from dot env")
        #expect(config.auth.accessTTLSeconds == 10_800)
        #expect(config.storage.database == "/var/lib/old.db")
        #expect(config.server.publicURL.hasSuffix(":9000"))
        let real = try Self.load(["INTERNAL_TOKEN_EXPIRE_HOURS": "1"], in: directory)
        #expect(real.auth.accessTTLSeconds == 3600)
    }
}
