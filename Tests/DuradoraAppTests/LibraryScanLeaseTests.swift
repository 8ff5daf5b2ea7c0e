import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// One library scan at a time across instances: the lease `library-scan` on a shared database (migration 17).
@Suite struct LibraryScanLeaseTests {
    @Test(arguments: Backend.allCases) func aLeaseIsOneOwnersUntilItEndsOrExpires(_ backend: Backend) throws {
        let store = try TestStore(backend)
        defer { store.cleanUp() }
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        func acquire(_ owner: String, until: Date, at: Date = now) throws -> Bool {
            try store.database.writeUnobserved { try $0.leases.acquire("work", owner: owner, until: until, now: at) }
        }
        #expect(try acquire("a", until: now + 60))
        #expect(try !acquire("b", until: now + 60))         // held by a
        #expect(try acquire("a", until: now + 120))         // a renews
        #expect(try !acquire("b", until: now + 60, at: now + 100))
        #expect(try acquire("b", until: now + 300, at: now + 121))   // a's renewal ran out: b takes it
        try store.database.writeUnobserved { try $0.leases.release("work", owner: "a") }  // not a's: nothing
        #expect(try !acquire("a", until: now + 200, at: now + 130))
        try store.database.writeUnobserved { try $0.leases.release("work", owner: "b") }
        #expect(try acquire("a", until: now + 200, at: now + 130))
    }

    /// Two instances on one PostgreSQL database: while one holds the scan lease the other's scan is 409, named as
    /// another instance's; once it is released (or lapses) the other scans.
    @Test func twoInstancesNeverScanAtOnce() throws {
        let store = try TestStore(.postgres)
        defer { store.cleanUp() }
        let other = try store.openAnother()
        defer { other.close() }
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for name in ["a", "b"] {
            _ = try AudioFixtures.writeTone(to: folder.path("\(name).wav"), format: .wav16, seconds: 0.2, sampleRate: 8000,
                                            channels: 1, noise: 0, tag: nil)
        }
        let first = LibraryScanner(database: store.database), second = LibraryScanner(database: other)
        try store.database.writeUnobserved {
            _ = try $0.leases.acquire(LibraryScanner.leaseName, owner: "a-busy-instance", until: Date() + 60, now: Date())
        }
        let refused = #expect(throws: APIError.self) { try second.run(folders: [folder.url.path]) }
        #expect(refused?.status.code == 409 && refused?.message.contains("another instance") == true)

        try store.database.writeUnobserved { try $0.leases.release(LibraryScanner.leaseName, owner: "a-busy-instance") }
        let scanned = try first.run(folders: [folder.url.path])
        #expect(scanned.state == .finished && scanned.added == 2)
        // The first released the lease at its end: the second scans (and finds nothing new).
        let again = try second.run(folders: [folder.url.path])
        #expect(again.state == .finished && again.added == 0)
    }
}
