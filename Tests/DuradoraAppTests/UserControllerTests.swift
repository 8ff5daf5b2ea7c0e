import Foundation
import Testing
@testable import DuradoraApp

/// Rules checked below HTTP, with a hasher that records what it was asked.
@Suite struct UserControllerTests {
    /// The real hasher, recording each verification: whether there was a stored hash to check against.
    private final class RecordingHasher: PasswordHashing, @unchecked Sendable {
        let real: PasswordHasher
        private let lock = NSLock()
        private var checks: [Bool] = []

        init() throws { real = try PasswordHasher(cost: .min) }

        func hash(_ password: String) throws -> String { try real.hash(password) }

        func verify(_ password: String, againstOptional hash: String?) -> Bool {
            lock.withLock { checks.append(hash != nil) }
            return real.verify(password, againstOptional: hash)
        }

        var verifications: [Bool] { lock.withLock { checks } }
    }

    private struct Fixture {
        let test: TestStore
        let hasher: RecordingHasher
        let controller: UserController

        init(_ backend: Backend, limit: Int = 100) throws {
            test = try TestStore(backend)
            hasher = try RecordingHasher()
            controller = UserController(
                database: test.database, tokens: TokenService(database: test.database), hasher: hasher,
                throttle: LoginThrottle(limit: limit))
        }
    }

    @Test(arguments: Backend.allCases) func unknownUserAndWrongPasswordBothRunAHashCheck(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        _ = try fixture.controller.create(username: "real", password: "password1")
        _ = try fixture.controller.createWithAPIToken(username: "tokenonly", password: nil)

        for (username, password) in [("real", "wrong-password"), ("ghost", "password1"), ("tokenonly", "password1")] {
            #expect(throws: APIError.invalidCredentials) {
                try fixture.controller.login(username: username, password: password, address: "192.0.2.1")
            }
        }
        // One verification each: against the stored hash, then against the dummy (no hash) twice.
        #expect(fixture.hasher.verifications == [true, false, false])
    }

    @Test(arguments: Backend.allCases) func throttledLoginDoesNoHashWork(_ backend: Backend) throws {
        let fixture = try Fixture(backend, limit: 1)
        defer { fixture.test.cleanUp() }
        _ = try? fixture.controller.login(username: "ghost", password: "password1", address: "192.0.2.1")
        #expect(throws: APIError.tooManyRequests(retryAfter: 60)) {
            try fixture.controller.login(username: "ghost", password: "password1", address: "192.0.2.1")
        }
        #expect(fixture.hasher.verifications.count == 1)
    }

    @Test(arguments: Backend.allCases) func storedPasswordIsAnArgon2idHash(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        _ = try fixture.controller.create(username: "hashed", password: "password1")
        let credentials = try fixture.test.database.read { try $0.users.credentials(username: "hashed") }
        #expect(credentials?.passwordHash?.hasPrefix("$argon2id$") == true)
        #expect(credentials?.passwordHash?.contains("password1") == false)
    }

    @Test func accountRules() {
        #expect(AccountRules.usernameProblem("ok_name.1-2") == nil)
        #expect(AccountRules.usernameProblem("") != nil)
        #expect(AccountRules.usernameProblem("tab\t") != nil)
        #expect(AccountRules.usernameProblem(String(repeating: "x", count: 64)) == nil)
        #expect(AccountRules.usernameProblem(String(repeating: "x", count: 65)) != nil)
        #expect(AccountRules.passwordProblem("1234567") != nil)
        #expect(AccountRules.passwordProblem("12345678") == nil)
    }
}
