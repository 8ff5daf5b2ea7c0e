import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// When each write observer ran, from any thread.
private final class Calls: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [Date] = []
    func record() { lock.withLock { times.append(Date()) } }
    var count: Int { lock.withLock { times.count } }
    var all: [Date] { lock.withLock { times } }
}

/// Runs `body(0..<count)` on `count` threads of their own, released together (`concurrentPerform` may run them
/// one after the other on a busy pool, which would hide a missing lock).
private func together(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let ready = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread {
            ready.signal()
            go.wait()
            body(index)
            done.leave()
        }.start()
    }
    for _ in 0..<count { ready.wait() }
    for _ in 0..<count { go.signal() }
    done.wait()
}

/// What only PostgreSQL has: several instances on one database (notifications, the shared write lock, migrating
/// together), a listener that loses its connection, a server that goes away and comes back.
@Suite struct PostgresDatabaseTests {
    /// A new database on the shared test server: its URL and name.
    private static func makeDatabase() throws -> (url: PostgresURL, name: String) {
        let text = try TestPostgres.start().makeDatabase()
        return (try TestStore.postgresURL(text), String(text.split(separator: "/").last ?? ""))
    }

    private static func user(_ name: String) -> (any DatabaseTransaction) throws -> User {
        { try $0.users.create(username: name, role: .user, passwordHash: nil, createdAt: Date()) }
    }

    @Test func aWriteThroughOneInstanceReachesTheOthersObserversWithin250ms() throws {
        let (url, _) = try Self.makeDatabase()
        let one = try PostgresDatabase.openAndMigrate(url: url)
        defer { one.close() }
        let other = try PostgresDatabase(url: url)
        defer { other.close() }
        let mine = Calls()
        let theirs = Calls()
        one.observeWrites { mine.record() }
        other.observeWrites { theirs.record() }
        #expect(other.isListening)
        let (mineBefore, theirsBefore) = (mine.count, theirs.count)  // each ran once on `.listening`

        let started = Date()
        _ = try one.write(Self.user("ada"))
        #expect(TestHTTPServer.eventually(within: 5) { theirs.count > theirsBefore })
        let heard = try #require(theirs.all.dropFirst(theirsBefore).first)
        #expect(heard.timeIntervalSince(started) < 0.25, "heard after \(heard.timeIntervalSince(started)) s")
        #expect(try other.read { try $0.users.find(username: "ada") } != nil)

        // The writer's own observers ran once, at the end of the write, not again for its own notification; a
        // write that rolls back tells the other instance nothing (its notification is never delivered).
        struct Rollback: Error {}
        _ = try? one.write { tx -> Void in
            _ = try Self.user("bob")(tx)
            throw Rollback()
        }
        usleep(300_000)
        #expect(mine.count == mineBefore + 2)
        #expect(theirs.count == theirsBefore + 1)
    }

    @Test func aKilledListenerFlushesTheCachesAndListensAgain() throws {
        let server = try TestPostgres.start()
        let (url, _) = try Self.makeDatabase()
        let one = try PostgresDatabase.openAndMigrate(url: url)
        defer { one.close() }
        let other = try PostgresDatabase(url: url)
        defer { other.close() }
        let calls = Calls()
        other.observeWrites { calls.record() }
        let pid = other.listenerBackendPID
        #expect(pid != 0)
        let before = calls.count
        try server.query("SELECT pg_terminate_backend(\(pid))")
        // Observers run at the loss (nothing reports what is missed now) and when listening again.
        #expect(TestHTTPServer.eventually(within: 10) { calls.count >= before + 2 }, "\(calls.count - before) calls")
        #expect(TestHTTPServer.eventually(within: 10) { other.isListening && other.listenerBackendPID != pid })
        #expect(other.listenerBackendPID != 0)
        let resumed = calls.count
        _ = try one.write(Self.user("after"))
        #expect(TestHTTPServer.eventually(within: 5) { calls.count > resumed })
    }

    @Test func twoInstancesMigratingAtOnceMigrateOnce() throws {
        let (url, name) = try Self.makeDatabase()
        let instances = [try PostgresDatabase(url: url), try PostgresDatabase(url: url)]
        defer { instances.forEach { $0.close() } }
        let reports = LockedArray<Result<MigrationReport, any Error>>()
        together(2) { index in reports.append(Result { try instances[index].migrate() }) }
        let done = try reports.values.map { try $0.get() }
        let steps = PostgresMigrations.all.count
        let latest = instances[0].latestSchemaVersion
        #expect(done.map(\.applied.count).sorted() == [0, steps])
        #expect(done.allSatisfy { $0.toVersion == latest })
        #expect(done.first { !$0.applied.isEmpty }?.fromVersion == 0)
        #expect(done.first { $0.applied.isEmpty }?.fromVersion == latest)
        #expect(try TestPostgres.start().query("SELECT count(*) FROM duradora_schema", database: name) == ["\(steps)"])
        #expect(try instances[0].schemaVersion() == instances[0].latestSchemaVersion)
    }

    @Test func aSchemaNewerThanTheBinaryIsRefused() throws {
        let (url, name) = try Self.makeDatabase()
        let database = try PostgresDatabase.openAndMigrate(url: url)
        defer { database.close() }
        try TestPostgres.start().query(
            "INSERT INTO duradora_schema (version, name, applied_at) VALUES (99, 'from the future', 0)", database: name)
        let supported = database.latestSchemaVersion
        #expect(throws: StorageError.schemaTooNew(found: 99, supported: supported)) { try PostgresDatabase(url: url) }
        #expect(throws: StorageError.schemaTooNew(found: 99, supported: supported)) { try database.migrate() }
    }

    /// The write lock is the database's, not the process's: read-then-write closures from two instances at once
    /// never interleave (each sees the count the previous one left).
    @Test func writesFromTwoInstancesAreSerialised() throws {
        let (url, _) = try Self.makeDatabase()
        let instances = [try PostgresDatabase.openAndMigrate(url: url), try PostgresDatabase(url: url)]
        defer { instances.forEach { $0.close() } }
        let failures = LockedArray<String>()
        together(16) { index in
            do {
                try instances[index % 2].write { tx in
                    let count = try tx.users.count()
                    usleep(2_000)  // widen the window a lost update would need
                    _ = try tx.users.create(username: "user\(count)", role: .user, passwordHash: nil, createdAt: Date())
                }
            } catch {
                failures.append(String(describing: error))
            }
        }
        #expect(failures.values == [])
        let names = try instances[1].read { try $0.users.list(limit: 100).items.map(\.username) }
        #expect(Set(names) == Set((0..<16).map { "user\($0)" }))
    }

    @Test func nestedWritesFailAndReadsRefuseWrites() throws {
        let store = try TestStore(.postgres)
        defer { store.cleanUp() }
        let database = store.database
        #expect(throws: PostgresError.self) {
            try database.write { outer in
                _ = try Self.user("outer")(outer)
                try database.write { _ in }
            }
        }
        #expect(try database.read { try $0.users.count() } == 0)
        #expect { try database.read(Self.user("x")) } throws: { ($0 as? PostgresError)?.sqlState == "25006" }
        database.close()
        database.close()
        #expect(throws: StorageError.closed) { try database.read { try $0.users.count() } }
        #expect(throws: StorageError.closed) { try database.write { try $0.users.count() } }
    }

    /// While the server is down every call fails with the connection-loss error (which the API answers with 503),
    /// and the first call once it is back succeeds: the pool reconnects by itself.
    @Test func aServerOutageIsAConnectionLossAndTheNextCallAfterItSucceeds() throws {
        let server = try TestPostgres()  // its own: this test stops it
        defer { server.stop() }
        _ = try server.query("CREATE DATABASE outage")
        let database = try PostgresDatabase.openAndMigrate(url: try TestStore.postgresURL(server.url(database: "outage")))
        defer { database.close() }
        let calls = Calls()
        database.observeWrites { calls.record() }
        _ = try database.write(Self.user("before"))
        let before = calls.count

        server.stopServer()
        for _ in 0..<2 {
            let error = #expect(throws: PostgresError.self) { try database.read { try $0.users.count() } }
            #expect(error?.isConnectionLoss == true, "\(String(describing: error))")
            #expect(APIError.storageFailure(try #require(error)) == .databaseUnavailable)
        }
        #expect(throws: PostgresError.self) { try database.write(Self.user("during")) }
        #expect(TestHTTPServer.eventually(within: 5) { calls.count > before }, "the listener's loss flushes caches")

        try server.startAgain()
        #expect(try database.read { try $0.users.find(username: "before") } != nil)
        _ = try database.write(Self.user("after"))
        #expect(try database.read { try $0.users.count() } == 2)
        #expect(TestHTTPServer.eventually(within: 10) { database.isListening })
    }

    /// A restart between two calls costs the next call nothing: an idle pooled connection that the server closed
    /// is noticed before the statement is sent (`PostgresConnection` polls it), so the call reconnects instead of
    /// failing. Only a call made while the server is down fails (the test above).
    @Test func aRestartBetweenCallsIsNoticedBeforeTheNextCall() throws {
        let server = try TestPostgres()
        defer { server.stop() }
        _ = try server.query("CREATE DATABASE restart")
        let database = try PostgresDatabase.openAndMigrate(url: try TestStore.postgresURL(server.url(database: "restart")))
        defer { database.close() }
        _ = try database.write(Self.user("before"))
        let firstServer = server.pid
        server.stopServer()
        try server.startAgain()
        #expect(server.pid != firstServer)
        #expect(try database.read { try $0.users.count() } == 1)
        _ = try database.write(Self.user("after"))
        #expect(try database.read { try $0.users.count() } == 2)
    }

    /// The PostgreSQL schema is SQLite's carried over: the same latest version number, the same tables with
    /// the same columns (plus `rowid` where SQLite's implicit one orders a list, and the stored `search`
    /// tsvector); SQLite's FTS5 tables and their shadow tables have no twin (a GIN index each).
    @Test func theSchemaHasSQLitesTablesAndColumnsAndVersion() throws {
        #expect(PostgresMigrations.all.last?.version == Migrations.sqlite.last?.version)
        let sqlite = try TestStore(.sqlite)
        defer { sqlite.cleanUp() }
        let file = try #require(sqlite.database as? SQLiteDatabase)
        let sqliteColumns = try file.withWriter { connection in
            try connection.query("""
                SELECT m.name || '.' || c.name AS name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS c
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                  AND m.name NOT LIKE '%\\_fts%' ESCAPE '\\' AND m.name NOT LIKE '%\\_names%' ESCAPE '\\'
                """) { try $0.string(named: "name") ?? "" }
        }
        let (url, name) = try Self.makeDatabase()
        try PostgresDatabase.openAndMigrate(url: url).close()
        let postgresColumns = try TestPostgres.start().query("""
            SELECT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'duradora_schema' AND column_name NOT IN ('rowid', 'search')
            """, database: name).compactMap { $0 }
        #expect(sqliteColumns.count > 100)
        #expect(Set(postgresColumns) == Set(sqliteColumns))
    }
}
