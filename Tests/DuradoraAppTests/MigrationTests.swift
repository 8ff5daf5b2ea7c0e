import Foundation
import Testing
@testable import DuradoraApp

@Suite struct MigrationTests {
    private static let latest = Migrations.sqlite.count

    private func tableNames(_ database: SQLiteDatabase) throws -> [String] {
        try database.withWriter { connection in
            try connection.query("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') ORDER BY name") {
                $0.string(at: 0) ?? ""
            }
        }
    }

    @Test func migratesAnEmptyFileAndCreatesItsDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("nested/deeper/duradora.sqlite3")
        let database = try SQLiteDatabase(path: path)
        defer { database.close() }
        #expect(try database.schemaVersion() == 0)

        let report = try database.migrate()
        #expect(report.fromVersion == 0)
        #expect(report.toVersion == Self.latest)
        #expect(report.applied == Migrations.sqlite.map(\.name))
        #expect(try database.schemaVersion() == Self.latest)
        #expect(FileManager.default.fileExists(atPath: path))
        let names = try tableNames(database)
        #expect(names.contains("users"))
        #expect(names.contains("tokens"))
        #expect(names.contains("users_username"))
        #expect(names.contains("tokens_user_id"))
    }

    @Test func rerunIsANoOp() throws {
        let test = try TestDatabase()
        defer { test.cleanUp() }
        let report = try test.database.migrate()
        #expect(report == MigrationReport(fromVersion: Self.latest, toVersion: Self.latest, applied: []))

        // Reopening the same file also migrates nothing.
        test.database.close()
        let reopened = try SQLiteDatabase.openAndMigrate(path: test.database.path)
        defer { reopened.close() }
        #expect(try reopened.migrate().applied.isEmpty)
    }

    @Test func newerSchemaIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("future.sqlite3")
        do {
            let connection = try SQLiteConnection(path: path)
            try connection.executeScript("PRAGMA user_version = 99")
        }
        let error = #expect(throws: StorageError.self) { try SQLiteDatabase(path: path) }
        #expect(error == .schemaTooNew(found: 99, supported: Self.latest))
        #expect(error?.description.contains("99") == true)
    }

    @Test func upgradesFromThePreviousVersionInPlace() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("old.sqlite3")
        let previous = Array(Migrations.sqlite.dropLast())
        do {
            let old = try SQLiteDatabase.openAndMigrate(path: path, options: .init(migrations: previous))
            defer { old.close() }
            #expect(try old.schemaVersion() == Self.latest - 1)
            let user = try old.write { try $0.users.create(username: "kept", role: .user, passwordHash: nil, createdAt: Date()) }
            #expect(user.username == "kept")
        }

        let database = try SQLiteDatabase(path: path)
        defer { database.close() }
        let report = try database.migrate()
        #expect(report.fromVersion == Self.latest - 1)
        #expect(report.toVersion == Self.latest)
        #expect(report.applied == [Migrations.sqlite.last!.name])
        #expect(try database.read { try $0.users.find(username: "KEPT") }?.username == "kept")
        #expect(try tableNames(database).contains("tokens_user_id"))
    }

    @Test func failingStepLeavesThePreviousVersion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let broken = Migrations.sqlite + [
            Migration(version: Self.latest + 1, name: "broken", sql: "CREATE TABLE half (x); CREATE TABLE oops (;"),
        ]
        let database = try SQLiteDatabase(path: directory.path("db.sqlite3"), options: .init(migrations: broken))
        defer { database.close() }
        #expect(throws: SQLiteError.self) { try database.migrate() }
        #expect(try database.schemaVersion() == Self.latest)
        #expect(try !tableNames(database).contains("half"))
    }
}
