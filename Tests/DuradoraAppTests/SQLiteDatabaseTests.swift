import Foundation
import Testing
@testable import DuradoraApp

@Suite struct SQLiteDatabaseTests {
    @Test func nestedWriteFailsInsteadOfDeadlocking() throws {
        let test = try TestDatabase()
        defer { test.cleanUp() }
        let database = test.database
        #expect(throws: SQLiteError.self) {
            try database.write { outer in
                _ = try outer.users.create(username: "outer", role: .user, passwordHash: nil, createdAt: Date())
                try database.write { _ in }
            }
        }
        #expect(try database.read { try $0.users.count() } == 0)
    }

    @Test func moreConcurrentReadsThanReadersAllSucceed() throws {
        let test = try TestDatabase(options: .init(readerCount: 2))
        defer { test.cleanUp() }
        let database = test.database
        try database.write { _ = try $0.users.create(username: "seen", role: .user, passwordHash: nil, createdAt: Date()) }
        let counts = LockedArray<Int>()
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            counts.append((try? database.read { try $0.users.count() }) ?? -1)
        }
        #expect(counts.values == Array(repeating: 1, count: 16))
    }

    @Test func readTransactionsRefuseWrites() throws {
        let test = try TestDatabase()
        defer { test.cleanUp() }
        #expect(throws: SQLiteError.self) {
            try test.database.read { try $0.users.create(username: "x", role: .user, passwordHash: nil, createdAt: Date()) }
        }
    }

    @Test func closedDatabaseThrowsClosed() throws {
        let test = try TestDatabase()
        defer { test.cleanUp() }
        _ = try test.database.read { try $0.users.count() }  // leaves an idle reader to close
        test.database.close()
        test.database.close()
        #expect(throws: StorageError.closed) { try test.database.read { try $0.users.count() } }
        #expect(throws: StorageError.closed) { try test.database.write { try $0.users.count() } }
    }
}
