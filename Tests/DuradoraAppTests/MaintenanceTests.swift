import Foundation
import Testing
@testable import DuradoraApp
import DuradoraTestSupport

/// `duradora migrate`, `duradora user add`, `duradora user list`: called directly, and through the built binary.
@Suite struct MaintenanceTests {
    private func configuration(_ directory: TemporaryDirectory) -> Configuration {
        var configuration = Configuration.defaults(baseDirectory: directory.url.path)
        configuration.auth.passwordHashCost = .min
        return configuration
    }

    @Test func migrateCreatesTheSchemaThenReportsItCurrent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = configuration(directory)
        let first = try Maintenance.migrate(configuration: configuration)
        #expect(first.contains("from version 0 to \(Migrations.sqlite.count)"))
        #expect(FileManager.default.fileExists(atPath: configuration.storage.database))
        let second = try Maintenance.migrate(configuration: configuration)
        #expect(second.contains("up to date"))
    }

    @Test func userAddAndList() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = configuration(directory)
        let added = try Maintenance.addUser(configuration: configuration, username: "boss", admin: true, password: "password1")
        #expect(added.hasPrefix("created admin boss"))
        let generated = try Maintenance.addUser(configuration: configuration, username: "worker", admin: false, password: nil)
        let password = try #require(generated.split(separator: "\n").last?.split(separator: " ").last.map(String.init))
        #expect(password.utf8.count >= 8)

        let lines = try Maintenance.listUsers(configuration: configuration)
        #expect(lines.count == 2)
        #expect(lines[0].contains("boss") && lines[0].contains("admin"))
        #expect(lines[1].contains("worker") && lines[1].contains("user"))

        #expect(throws: MaintenanceError.self) {
            try Maintenance.addUser(configuration: configuration, username: "BOSS", admin: false, password: "password1")
        }
        #expect(throws: MaintenanceError.self) {
            try Maintenance.addUser(configuration: configuration, username: "bad name", admin: false, password: "password1")
        }

        // The server sees the same accounts: the generated password logs in, the admin is an admin.
        let app = try TestApplication { $0.storage = configuration.storage }
        defer { app.stop() }
        let client = try app.makeClient()
        #expect(try client.login("worker", password).status == 200)
        let admin = try client.loginPair("boss", "password1").access
        #expect(try client.get("/api/v1/users", headers: bearer(admin)).status == 200)
    }

    @Test func stoppingTheApplicationClosesTheDatabase() throws {
        let app = try TestApplication()
        let database = app.application.database
        app.stop()
        #expect(throws: StorageError.closed) { try database.read { try $0.users.count() } }
    }

    /// The built `duradora` binary next to the test bundle, when there is one.
    static var binary: URL? {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("duradora")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    func run(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        guard let binary = Self.binary else { throw MaintenanceError(message: "no duradora binary") }
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let output = Pipe(), error = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test(.enabled(if: binary != nil)) func commandLineMigrateAddAndList() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path("config.toml")
        try Data("""
            [storage]
            database = "db/test.sqlite3"
            [auth]
            password_hash_cost = "min"
            """.utf8).write(to: URL(fileURLWithPath: config))

        let migrate = try run(["migrate", "--config", config])
        #expect(migrate.status == 0, "\(migrate.error)")
        #expect(FileManager.default.fileExists(atPath: directory.path("db/test.sqlite3")))

        let add = try run(["user", "add", "cli-admin", "--admin", "--password-stdin", "--config", config], stdin: "password1\n")
        #expect(add.status == 0, "\(add.error)")
        #expect(add.output.contains("created admin cli-admin"))
        #expect(!add.output.contains("password1"))

        let duplicate = try run(["user", "add", "CLI-ADMIN", "--password-stdin", "--config", config], stdin: "password1\n")
        #expect(duplicate.status == 1)
        #expect(duplicate.error.contains("taken"))

        let list = try run(["user", "list", "--config", config])
        #expect(list.status == 0)
        #expect(list.output.contains("cli-admin") && list.output.contains("admin"))
    }
}
