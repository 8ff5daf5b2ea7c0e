import Foundation
import Testing
@testable import DuradoraApp

@Suite struct SQLiteConnectionTests {
    private func withConnection(_ body: (SQLiteConnection) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try SQLiteConnection(path: directory.path("test.sqlite3"))
        defer { connection.close() }
        try body(connection)
    }

    @Test func bindingRoundTripsEveryType() throws {
        try withConnection { (connection: SQLiteConnection) throws in
            try connection.executeScript("CREATE TABLE t (i, big, d, s, empty_s, b, empty_b, yes, no, absent)")
            let statement = try connection.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            try statement.bind(-42, at: 1)
            try statement.bind(Int64.max, at: 2)
            try statement.bind(3.25, at: 3)
            try statement.bind("héllo ✓ 🎵", at: 4)
            try statement.bind("", at: 5)
            try statement.bind([0, 1, 255] as [UInt8], at: 6)
            try statement.bind([] as [UInt8], at: 7)
            try statement.bind(true, at: 8)
            try statement.bind(false, at: 9)
            try statement.bindNull(at: 10)
            #expect(try statement.step() == false)

            let row = try connection.queryFirst("SELECT * FROM t") { row throws -> Bool in
                #expect(row.int(at: 0) == -42)
                #expect(row.int64(at: 1) == Int64.max)
                #expect(row.double(at: 2) == 3.25)
                #expect(row.string(at: 3) == "héllo ✓ 🎵")
                #expect(row.string(at: 4) == "")
                #expect(row.blob(at: 5) == [0, 1, 255])
                #expect(row.blob(at: 6) == [])
                #expect(row.bool(at: 7) == true)
                #expect(row.bool(at: 8) == false)
                #expect(row.isNull(at: 9))
                #expect(row.string(at: 9) == nil)
                #expect(try row.string(named: "s") == "héllo ✓ 🎵")
                #expect(try row.int64(named: "big") == Int64.max)
                #expect(try row.value(named: "absent") == .null)
                #expect(throws: SQLiteError.self) { try row.int(named: "missing") }
                return true
            }
            #expect(row == true)
        }
    }

    @Test func bindingArrayOfValuesIncludingOptionals() throws {
        try withConnection { (connection: SQLiteConnection) throws in
            try connection.executeScript("CREATE TABLE t (id, name, at, note)")
            let id = UUID()
            let at = Date(timeIntervalSince1970: 1_700_000_000.123)
            let note: String? = nil
            try connection.execute("INSERT INTO t VALUES (?, ?, ?, ?)", [id, "x", at, note])
            let values = try connection.query("SELECT id, name, at, note FROM t") { row in
                [row.value(at: 0), row.value(at: 1), row.value(at: 2), row.value(at: 3)]
            }
            #expect(values == [[.text(id.uuidString.lowercased()), .text("x"), .integer(1_700_000_000_123), .null]])
            #expect(throws: SQLiteError.self) { try connection.execute("INSERT INTO t VALUES (?, ?, ?, ?)", [1]) }
        }
    }

    @Test func errorCarriesCodeMessageAndSQL() throws {
        try withConnection { (connection: SQLiteConnection) throws in
            let error = #expect(throws: SQLiteError.self) { try connection.prepare("SELEC nonsense") }
            #expect(error?.code == 1)  // SQLITE_ERROR
            #expect(error?.message.contains("syntax error") == true)
            #expect(error?.sql == "SELEC nonsense")

            try connection.executeScript("CREATE TABLE t (name TEXT UNIQUE)")
            try connection.execute("INSERT INTO t VALUES (?)", ["a"])
            let unique = #expect(throws: SQLiteError.self) { try connection.execute("INSERT INTO t VALUES (?)", ["a"]) }
            #expect(unique?.code == 19)  // SQLITE_CONSTRAINT
            #expect(unique?.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(unique?.isUniqueViolation == true)
            #expect(unique?.message.contains("UNIQUE") == true)
        }
    }

    @Test func rollbackOnThrowLeavesNothing() throws {
        struct Boom: Error {}
        try withConnection { (connection: SQLiteConnection) throws in
            try connection.executeScript("CREATE TABLE t (x)")
            #expect(throws: Boom.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO t VALUES (1)")
                    try connection.execute("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            #expect(try connection.scalarInt("SELECT COUNT(*) FROM t") == 0)
            #expect(!connection.isInTransaction)
            try connection.transaction { try connection.execute("INSERT INTO t VALUES (3)") }
            #expect(try connection.scalarInt("SELECT COUNT(*) FROM t") == 1)
        }
    }

    @Test func connectionUsesWALAndForeignKeys() throws {
        try withConnection { (connection: SQLiteConnection) throws in
            #expect(try connection.queryFirst("PRAGMA journal_mode") { $0.string(at: 0) } == "wal")
            #expect(try connection.scalarInt("PRAGMA foreign_keys") == 1)
            #expect(try connection.scalarInt("PRAGMA synchronous") == 1)  // NORMAL
            #expect(try connection.scalarInt("PRAGMA busy_timeout") == 5000)
        }
    }

    @Test func cachedStatementCanBeReusedWhileInUse() throws {
        try withConnection { (connection: SQLiteConnection) throws in
            try connection.executeScript("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3);")
            let sql = "SELECT x FROM t WHERE x >= ? ORDER BY x"
            let pairs = try connection.query(sql, [1]) { outer in
                let inner = try connection.query(sql, [outer.int(at: 0)]) { $0.int(at: 0) }
                return inner.count
            }
            #expect(pairs == [3, 2, 1])
            #expect(try connection.query(sql, [2]) { $0.int(at: 0) } == [2, 3])
        }
    }

    @Test func closeIsIdempotentAndLaterUseThrows() throws {
        try withConnection { (connection: SQLiteConnection) throws in
            let statement = try connection.prepare("SELECT 1")
            connection.close()
            connection.close()
            #expect(!connection.isOpen)
            #expect(throws: SQLiteError.self) { try connection.execute("SELECT 1") }
            #expect(try statement.step() == true)  // a statement keeps its zombie handle until finalized
            statement.finalize()
            #expect(throws: SQLiteError.self) { try statement.step() }
        }
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try SQLiteConnection(path: directory.path("test.sqlite3"))
        try writer.executeScript("CREATE TABLE t (x)")
        let reader = try SQLiteConnection(path: directory.path("test.sqlite3"), mode: .readOnly)
        #expect(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (1)") }
        #expect(try reader.scalarInt("SELECT COUNT(*) FROM t") == 0)
    }
}
