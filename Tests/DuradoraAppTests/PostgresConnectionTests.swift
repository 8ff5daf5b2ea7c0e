import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// `PostgresConnection` against a real server (Tests/Support/TestPostgres.swift), one database per test.
@Suite struct PostgresConnectionTests {
    static func connect(_ options: PostgresConnection.Options = PostgresConnection.Options()) throws
        -> (PostgresConnection, TestPostgres) {
        let server = try TestPostgres.start()
        var problem = ""
        let url = try #require(PostgresURL(try server.makeDatabase(), problem: &problem))
        return (try PostgresConnection(url: url, options: options), server)
    }

    @Test func valuesRoundTripInBinaryIncludingNullsAndEdges() throws {
        let (connection, _) = try Self.connect()
        try connection.query("CREATE TABLE v (i int8, f float8, b bool, t text, y bytea)")
        let allBytes = (0...255).map(UInt8.init)
        let rows: [[any SQLBindable]] = [
            [Int64.max, 1.5, true, "héllo ✓ 🎵", allBytes],
            [Int64.min, -0.25, false, "", [UInt8]()],
            [PostgresValue.null, PostgresValue.null, PostgresValue.null, PostgresValue.null, PostgresValue.null],
            [Int?.none, Double?.none, Bool?.none, String?.none, [UInt8]?.none],
        ]
        for (index, row) in rows.enumerated() {
            let inserted = try connection.query("INSERT INTO v VALUES ($1, $2, $3, $4, $5)", row)
            #expect(inserted.affected == 1, "row \(index)")
        }
        let read = try connection.query("SELECT i, f, b, t, y FROM v ORDER BY i NULLS LAST")
        #expect(read.columns == ["i", "f", "b", "t", "y"])
        #expect(read.rows[0] == [.int8(Int64.min), .float8(-0.25), .bool(false), .text(""), .bytea([])])
        #expect(read.rows[1] == [.int8(Int64.max), .float8(1.5), .bool(true), .text("héllo ✓ 🎵"), .bytea(allBytes)])
        #expect(read.rows[2] == Array(repeating: .null, count: 5))
        #expect(read.rows[3] == Array(repeating: .null, count: 5))
        // The server agrees on what it stored (not only our own decoder).
        #expect(try connection.query("SELECT length(y), octet_length(t) FROM v WHERE i = $1", [Int64.max]).rows
                == [[.int8(256), .int8(15)]])
        // Parameters are values, never SQL.
        #expect(try connection.query("SELECT count(*) FROM v WHERE t = $1", ["' OR '1'='1"]).rows == [[.int8(0)]])
        #expect(try connection.query("SELECT 1::int2, 2::int4, 3::oid, 'n'::name, 2.5::float4").rows
                == [[.int8(1), .int8(2), .int8(3), .text("n"), .float8(2.5)]])
        #expect(throws: PostgresError.self) { try connection.query("SELECT now()") }
    }

    @Test func textWithNULIsRefusedBeforeTheServerAndTheConnectionStaysUsable() throws {
        let (connection, _) = try Self.connect()
        #expect(throws: PostgresError(message: "a text parameter contains a NUL character")) {
            try connection.query("SELECT $1::text", ["a\u{0}b"])
        }
        #expect(try connection.query("SELECT $1::text", ["ab"]).rows == [[.text("ab")]])
    }

    @Test func integrityErrorsMapToStorageErrors() throws {
        let (connection, _) = try Self.connect()
        try connection.simple("CREATE TABLE app_users (id int8 PRIMARY KEY, user_name text UNIQUE)")
        try connection.simple("CREATE TABLE app_tokens (hash bytea PRIMARY KEY, user_id int8 NOT NULL REFERENCES app_users(id))")
        try connection.query("INSERT INTO app_users VALUES ($1, $2)", [1, "ada"])
        do {
            try connection.query("INSERT INTO app_users VALUES ($1, $2)", [2, "ada"])
            Issue.record("a duplicate was accepted")
        } catch let error as PostgresError {
            #expect(error.isUniqueViolation)
            #expect(error.constraint == "app_users_user_name_key")
            #expect(error.storageError == .conflict(field: "user_name"))
        }
        do {
            try connection.query("INSERT INTO app_tokens VALUES ($1, $2)", [[UInt8](repeating: 7, count: 32), 99])
            Issue.record("a dangling reference was accepted")
        } catch let error as PostgresError {
            #expect(error.storageError == .notFound)
        }
        // A failed statement inside a transaction rolls all of it back.
        #expect(throws: PostgresError.self) {
            try connection.transaction {
                try connection.query("INSERT INTO app_users VALUES ($1, $2)", [3, "grace"])
                try connection.query("INSERT INTO app_users VALUES ($1, $2)", [4, "ada"])
            }
        }
        #expect(try connection.query("SELECT count(*) FROM app_users").rows == [[.int8(1)]])
    }

    @Test func aTerminatedBackendIsReplacedAndStatementsArePreparedAgain() throws {
        let (connection, server) = try Self.connect()
        let sql = "SELECT $1::int8 + 1"
        #expect(try connection.query(sql, [41]).rows == [[.int8(42)]])
        let prepares = connection.prepareCount
        let first = connection.backendPID
        try server.query("SELECT pg_terminate_backend(\(first))")
        #expect(TestHTTPServer.eventually(within: 10) {
            (try? server.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(first)")) == ["0"]
        })
        // Noticed before sending (the server's goodbye is already in the socket): a new backend runs it.
        #expect(try connection.query(sql, [1]).rows == [[.int8(2)]])
        #expect(connection.backendPID != first)
        #expect(connection.prepareCount == prepares + 1)

        // Killed inside a transaction: that statement fails as a lost connection, the next one reconnects.
        do {
            try connection.transaction {
                try server.query("SELECT pg_terminate_backend(\(connection.backendPID))")
                usleep(200_000)
                try connection.query(sql, [2])
            }
            Issue.record("a statement on a terminated backend succeeded")
        } catch let error as PostgresError {
            #expect(error.isConnectionLoss, "\(error)")
        }
        #expect(try connection.query(sql, [3]).rows == [[.int8(4)]])
    }

    @Test func statementTimeoutEndsAStuckQueryAndTheConnectionLivesOn() throws {
        var options = PostgresConnection.Options()
        options.statementTimeoutMilliseconds = 200
        let (connection, _) = try Self.connect(options)
        let started = Date()
        do {
            try connection.query("SELECT pg_sleep(10)")
            Issue.record("pg_sleep(10) finished")
        } catch let error as PostgresError {
            #expect(error.isCanceled)
            #expect(!error.isConnectionLoss)
        }
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try connection.query("SELECT 1::int8").rows == [[.int8(1)]])
    }

    @Test func anUnreachableServerFailsFastAndClearly() throws {
        let server = try TestPostgres.start()
        var problem = ""
        // The socket directory of the test server, but a port nothing listens on.
        let url = try #require(PostgresURL("postgresql://duradora@127.0.0.1:1/postgres", problem: &problem))
        _ = server
        let started = Date()
        do {
            _ = try PostgresConnection(url: url)
            Issue.record("connected to port 1")
        } catch let error as PostgresError {
            #expect(error.isConnectionLoss)
            #expect(error.message.contains("cannot connect to postgresql://duradora@127.0.0.1:1/postgres"), "\(error)")
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
