import Foundation
import Testing
@testable import DuradoraApp

@Suite struct UserRepositoryTests {
    private let now = Date(timeIntervalSince1970: 1_700_000_000.5)

    @Test(arguments: Backend.allCases) func createAndFindIgnoringCase(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let created = try test.database.write {
            try $0.users.create(username: "Ada.Lovelace", role: .admin, passwordHash: "hash", createdAt: now)
        }
        #expect(created.username == "Ada.Lovelace")
        #expect(created.role == .admin)
        #expect(created.createdAt == now)
        try test.database.read { (tx: any DatabaseTransaction) throws in
            #expect(try tx.users.find(id: created.id) == created)
            #expect(try tx.users.find(username: "ada.lovelace") == created)
            #expect(try tx.users.find(username: "ADA.LOVELACE") == created)
            #expect(try tx.users.find(username: "ada") == nil)
            #expect(try tx.users.find(id: UUID()) == nil)
            #expect(try tx.users.credentials(username: "ada.LOVELACE")
                == UserCredentials(user: created, passwordHash: "hash"))
        }
    }

    @Test(arguments: Backend.allCases) func usernameIsUniqueIgnoringCase(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        try test.database.write { _ = try $0.users.create(username: "bob", role: .user, passwordHash: nil, createdAt: now) }
        let error = #expect(throws: StorageError.self) {
            try test.database.write { try $0.users.create(username: "BoB", role: .user, passwordHash: nil, createdAt: now) }
        }
        #expect(error == .conflict(field: "username"))
        #expect(try test.database.read { try $0.users.count() } == 1)
    }

    @Test(arguments: Backend.allCases) func concurrentCreationOfOneNameHasExactlyOneWinner(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let database = test.database
        let winners = LockedArray<User>()
        let conflicts = LockedArray<Int>()
        let others = LockedArray<String>()
        DispatchQueue.concurrentPerform(iterations: 24) { index in
            let name = index.isMultiple(of: 2) ? "race" : "RACE"
            do {
                let user = try database.write {
                    try $0.users.create(username: name, role: .user, passwordHash: nil, createdAt: Date())
                }
                winners.append(user)
            } catch StorageError.conflict {
                conflicts.append(index)
            } catch {
                others.append(String(describing: error))
            }
        }
        #expect(winners.values.count == 1)
        #expect(conflicts.values.count == 23)
        #expect(others.values.isEmpty)
        #expect(try database.read { try $0.users.count() } == 1)
    }

    @Test(arguments: Backend.allCases) func listPagesInCreationOrderWithTotal(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let names = (0..<5).map { "user\($0)" }
        try test.database.write { tx in
            for (offset, name) in names.enumerated() {
                _ = try tx.users.create(username: name, role: .user, passwordHash: nil,
                                        createdAt: now.addingTimeInterval(Double(offset)))
            }
        }
        let page = try test.database.read { try $0.users.list(limit: 2, offset: 1) }
        #expect(page.items.map(\.username) == ["user1", "user2"])
        #expect(page.total == 5)
        #expect(page.limit == 2)
        #expect(page.offset == 1)
        #expect(try test.database.read { try $0.users.list(limit: 10, offset: 4) }.items.map(\.username) == ["user4"])
    }

    @Test(arguments: Backend.allCases) func updateRolePasswordAndCountAdmins(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let user = try test.database.write {
            try $0.users.create(username: "carol", role: .user, passwordHash: nil, createdAt: now)
        }
        #expect(try test.database.read { try $0.users.countAdmins() } == 0)
        let promoted = try test.database.write { try $0.users.updateRole(id: user.id, to: .admin) }
        #expect(promoted.role == .admin)
        #expect(promoted.id == user.id)
        #expect(try test.database.read { try $0.users.countAdmins() } == 1)

        try test.database.write { try $0.users.updatePasswordHash(id: user.id, to: "new-hash") }
        #expect(try test.database.read { try $0.users.credentials(username: "carol") }?.passwordHash == "new-hash")

        #expect(throws: StorageError.notFound) { try test.database.write { try $0.users.updateRole(id: UUID(), to: .user) } }
        #expect(throws: StorageError.notFound) {
            try test.database.write { try $0.users.updatePasswordHash(id: UUID(), to: nil) }
        }
    }

    @Test(arguments: Backend.allCases) func deleteCascadesToTokens(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let user = try test.database.write { tx in
            let user = try tx.users.create(username: "dave", role: .user, passwordHash: nil, createdAt: now)
            try tx.tokens.insert(StoredToken(userID: user.id, kind: .api, hash: [1, 2, 3], createdAt: now))
            return user
        }
        #expect(try test.database.read { try $0.tokens.find(hash: [1, 2, 3]) }?.user == user)
        try test.database.write { try $0.users.delete(id: user.id) }
        #expect(try test.database.read { try $0.users.find(id: user.id) } == nil)
        #expect(try test.database.read { try $0.tokens.find(hash: [1, 2, 3]) } == nil)
        #expect(throws: StorageError.notFound) { try test.database.write { try $0.users.delete(id: user.id) } }
    }

    @Test(arguments: Backend.allCases) func failedWriteRollsBackEveryCall(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        #expect(throws: StorageError.self) {
            try test.database.write { tx in
                _ = try tx.users.create(username: "erin", role: .user, passwordHash: nil, createdAt: now)
                _ = try tx.users.create(username: "ERIN", role: .user, passwordHash: nil, createdAt: now)
            }
        }
        #expect(try test.database.read { try $0.users.count() } == 0)
    }

    /// Callers catch a conflict inside a write and go on (PostgreSQL would refuse the rest of a transaction after
    /// a failed statement: the repositories run such statements in a savepoint).
    @Test(arguments: Backend.allCases) func aConflictCaughtInsideAWriteLeavesTheTransactionUsable(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        try test.database.write { tx in
            _ = try tx.users.create(username: "fay", role: .user, passwordHash: nil, createdAt: now)
            #expect(throws: StorageError.conflict(field: "username")) {
                try tx.users.create(username: "FAY", role: .user, passwordHash: nil, createdAt: now)
            }
            _ = try tx.users.create(username: "gus", role: .user, passwordHash: nil, createdAt: now)
        }
        #expect(try test.database.read { try $0.users.list(limit: 10).items.map(\.username) } == ["fay", "gus"])
    }

    @Test(arguments: Backend.allCases) func readersDoNotWaitForALongWrite(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let database = test.database
        let writeStarted = DispatchSemaphore(value: 0)
        let readDone = DispatchSemaphore(value: 0)
        let writeFinished = DispatchSemaphore(value: 0)
        let writer = Thread {
            defer { writeFinished.signal() }
            _ = try? database.write { tx in
                _ = try tx.users.create(username: "slow", role: .user, passwordHash: nil, createdAt: Date())
                writeStarted.signal()
                _ = readDone.wait(timeout: .now() + 5)  // hold the write transaction until the read finished
            }
        }
        writer.start()
        writeStarted.wait()
        let started = Date()
        let seen = try database.read { try $0.users.find(username: "slow") }
        readDone.signal()
        #expect(seen == nil)  // the uncommitted row is invisible
        #expect(Date().timeIntervalSince(started) < 2)
        writeFinished.wait()
        #expect(try database.read { try $0.users.find(username: "slow") } != nil)  // committed now
    }

    @Test func userEncodesToTheContractObject() throws {
        let user = User(
            id: UUID(uuidString: "6F9619FF-8B86-4011-B42D-00C04FC964FF")!,
            username: "ada", role: .admin, createdAt: Date(timeIntervalSince1970: 1_700_000_000.25))
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(user)) as? [String: Any] ?? [:]
        #expect(json.removeValue(forKey: "max_bitrate") is NSNull)   // no streaming limit: the stored file
        #expect(json as? [String: String] == [
            "id": "6f9619ff-8b86-4011-b42d-00c04fc964ff",
            "username": "ada",
            "role": "admin",
            "created_at": "2023-11-14T22:13:20.250Z",
        ])
        #expect(try JSONDecoder().decode(User.self, from: JSONEncoder().encode(user)) == user)
        let plain = Data(#"{"id":"6f9619ff-8b86-4011-b42d-00c04fc964ff","username":"a","role":"user","created_at":"2023-11-14T22:13:20Z"}"#.utf8)
        #expect(try JSONDecoder().decode(User.self, from: plain).createdAt == Date(timeIntervalSince1970: 1_700_000_000))
    }
}
