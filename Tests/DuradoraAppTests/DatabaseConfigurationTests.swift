import Foundation
import Testing
@testable import DuradoraApp

/// `storage.database`: a SQLite path or a PostgreSQL URL. A URL must never silently become a file path: it is kept
/// as given (and opened by `DatabaseFactory`); one libpq refuses stops the start with an error naming the key and
/// its source.
@Suite struct DatabaseConfigurationTests {
    private static func load(file: String? = nil, environment: [String: String] = [:]) throws -> (Configuration?, ConfigurationError?, String) {
        let directory = NSTemporaryDirectory() + "duradora-dbconfig-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var path: String?
        if let file {
            path = directory + "/config.toml"
            try file.write(toFile: path!, atomically: true, encoding: .utf8)
        }
        do {
            let configuration = try Configuration.load(path: path, environment: environment, overrides: ConfigurationOverrides(),
                                                       currentDirectory: directory)
            return (configuration, nil, directory)
        } catch let error as ConfigurationError {
            return (nil, error, directory)
        }
    }

    @Test func aPostgreSQLURLInTheFileIsKeptAsAURL() throws {
        for scheme in ["postgresql", "postgres", "POSTGRESQL"] {
            let (configuration, error, directory) = try Self.load(file: """
                [storage]
                database = "\(scheme)://duradora:s3cret@db.example:5433/music?sslmode=require"
                """)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            #expect(error == nil)
            let url = try #require(configuration?.storage.postgreSQL)
            #expect(url.description == "postgresql://duradora@db.example:5433/music")
            #expect(url.parameters["password"] == "s3cret")
            #expect(url.parameters["sslmode"] == "require")
            #expect(DatabaseFactory.displayName(try #require(configuration?.storage)).contains("s3cret") == false)
            // The old bug: the URL became a path under the base directory.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["config.toml"])
        }
    }

    @Test func aPostgreSQLURLFromTheEnvironmentIsKept() throws {
        let (configuration, error, directory) = try Self.load(environment: ["DURADORA_STORAGE_DATABASE": "postgres://db/music"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(error == nil)
        #expect(configuration?.storage.postgreSQL?.description == "postgresql://db/music")
    }

    @Test func aMalformedURLSaysWhatIsWrong() throws {
        let cases = [
            ("postgresql://db:99999/music", "port \"99999\""),
            ("postgresql://db:5432,db2:0/music", "port \"0\""),
            ("postgresql://db/music?sslmode=sometimes", "sslmode \"sometimes\""),
            ("postgresql://db/music?colour=blue", "invalid URI query parameter"),
        ]
        for (url, reason) in cases {
            let (_, error, directory) = try Self.load(environment: ["DURADORA_STORAGE_DATABASE": url])
            defer { try? FileManager.default.removeItem(atPath: directory) }
            #expect(error?.key == "storage.database", "\(url)")
            #expect(error?.message.contains(reason) == true, "\(url): \(error?.message ?? "accepted")")
        }
    }

    @Test func libpqParsesWhatWeKeep() throws {
        var problem = ""
        let url = try #require(PostgresURL("postgresql://app%40corp:p%2Fw@db1:5432,db2:5433/music?connect_timeout=3",
                                           problem: &problem), "\(problem)")
        #expect(url.parameters["user"] == "app@corp")
        #expect(url.parameters["password"] == "p/w")
        #expect(url.parameters["host"] == "db1,db2")
        #expect(url.parameters["port"] == "5432,5433")
        #expect(url.parameters["dbname"] == "music")
        #expect(url.parameters["connect_timeout"] == "3")
        #expect(url.description == "postgresql://app@corp@db1,db2:5432,5433/music")
        // SQLAlchemy's driver suffix is dropped: libpq does not know it.
        let alchemy = try #require(PostgresURL("postgresql+psycopg2://u@db/records", problem: &problem))
        #expect(alchemy.conninfo == "postgresql://u@db/records")
        #expect(PostgresURL.names("/var/lib/duradora/postgresql.sqlite3") == false)
    }

    @Test func sqlitePathsAreResolvedAsBefore() throws {
        let (configuration, error, directory) = try Self.load(file: "[storage]\ndatabase = \"data/x.sqlite3\"\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(error == nil)
        #expect(configuration?.storage.database == directory + "/data/x.sqlite3")
        #expect(configuration?.storage.postgreSQL == nil)
    }

    @Test func theHostingServicesPartsAreEncodedIntoOneURL() throws {
        let (configuration, error, directory) = try Self.load(environment: [
            "DB_NAME": "hosting", "DB_USER": "u", "DB_PASSWORD": "p@ss/word", "DB_HOST": "db",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(error == nil)
        let url = try #require(configuration?.storage.postgreSQL)
        #expect(url.description == "postgresql://u@db:5432/hosting")
        #expect(url.parameters["password"] == "p@ss/word")
    }
}
