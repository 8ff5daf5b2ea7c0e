import DuradoraTestSupport
import Foundation
import Testing

/// The harness itself (Tests/Support/TestPostgres.swift), so a PostgreSQL suite failing says whether the server
/// or our code is at fault.
@Suite struct PostgresHarnessTests {
    @Test func theSharedServerAnswersAndGivesEachTestItsOwnDatabase() throws {
        let server = try TestPostgres.start()
        #expect(try server.query("SHOW server_version_num").first??.hasPrefix("15") == true)
        #expect(try server.query("SHOW fsync") == ["off"])
        let first = try server.makeDatabase(), second = try server.makeDatabase()
        #expect(first != second)
        let name = String(first.split(separator: "/").last!)
        try server.query("CREATE TABLE t (x int8)", database: name)
        try server.query("INSERT INTO t VALUES (41), (1)", database: name)
        #expect(try server.query("SELECT sum(x) FROM t", database: name) == ["42"])
        #expect(throws: TestPostgresError.self) { try server.query("SELECT * FROM t", database: String(second.split(separator: "/").last!)) }
    }

    @Test func stoppingEndsThePostmasterAndRemovesItsDirectory() throws {
        let started = Date()
        let server = try TestPostgres()
        let startSeconds = Date().timeIntervalSince(started)
        #expect(startSeconds < 30)
        #expect(server.isRunning)
        #expect(FileManager.default.fileExists(atPath: server.directory + "/data/PG_VERSION"))
        server.stop()
        #expect(!server.isRunning)
        #expect(!FileManager.default.fileExists(atPath: server.directory))
        #expect(throws: TestPostgresError.self) { try server.query("SELECT 1") }
        server.stop()  // idempotent
    }
}
