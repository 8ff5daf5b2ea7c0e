import Foundation
import Testing
@testable import DuradoraApp

@Suite struct TokenServiceTests {
    private struct Fixture {
        let test: TestStore
        let clock = TestClock()
        let service: TokenService
        let user: User

        init(_ backend: Backend) throws {
            test = try TestStore(backend)
            service = TokenService(
                database: test.database,
                configuration: .init(accessTTL: 3600, refreshTTL: 86400),
                clock: clock.timeSource
            )
            let now = clock.now
            user = try test.database.write {
                try $0.users.create(username: "listener", role: .user, passwordHash: nil, createdAt: now)
            }
        }
    }

    @Test func secretsAreRandomBase64URLAndAPITokensAreUUIDs() {
        let secret = TokenService.makeSecret()
        #expect(secret.count == 43)
        #expect(secret.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(TokenService.makeSecret() != secret)
        let apiToken = TokenService.makeAPIToken()
        #expect(UUID(uuidString: apiToken) != nil)
        #expect(apiToken == apiToken.lowercased())
        #expect(TokenService.hash("abc").count == 32)
        // SHA-256("abc") starts ba7816bf.
        #expect(Array(TokenService.hash("abc").prefix(4)) == [0xBA, 0x78, 0x16, 0xBF])
    }

    @Test(arguments: Backend.allCases) func accessTokenAuthenticatesUntilItExpires(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let pair = try fixture.service.issuePair(for: fixture.user.id)
        #expect(pair.expiresIn == 3600)
        #expect(pair.tokenType == "Bearer")
        let auth = try fixture.service.authenticate(pair.accessToken)
        #expect(auth?.user == fixture.user)
        #expect(auth?.kind == .access)

        fixture.clock.advance(by: 3599)
        #expect(try fixture.service.authenticate(pair.accessToken) != nil)
        fixture.clock.advance(by: 1)
        #expect(try fixture.service.authenticate(pair.accessToken) == nil)
    }

    @Test(arguments: Backend.allCases) func refreshTokensAndUnknownTokensDoNotAuthenticate(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let pair = try fixture.service.issuePair(for: fixture.user.id)
        #expect(try fixture.service.authenticate(pair.refreshToken) == nil)
        #expect(try fixture.service.authenticate("not-a-token") == nil)
        #expect(try fixture.service.authenticate("") == nil)
    }

    @Test(arguments: Backend.allCases) func apiTokenIssuedWithTheUserInOneTransaction(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let now = fixture.clock.now
        let (user, token) = try fixture.test.database.write { tx in
            let user = try tx.users.create(username: "newcomer", role: .user, passwordHash: nil, createdAt: now)
            return (user, try fixture.service.issueAPIToken(for: user.id, in: tx))
        }
        fixture.clock.advance(by: 10 * 365 * 86400)  // API tokens do not expire
        let auth = try fixture.service.authenticate(token)
        #expect(auth?.user == user)
        #expect(auth?.kind == .api)
    }

    @Test(arguments: Backend.allCases) func authenticationRecordsLastUse(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let pair = try fixture.service.issuePair(for: fixture.user.id)
        let hash = TokenService.hash(pair.accessToken)
        func lastUsed() throws -> Date? {
            try fixture.test.database.read { try $0.tokens.find(hash: hash) }?.token.lastUsedAt
        }
        #expect(try lastUsed() == nil)
        _ = try fixture.service.authenticate(pair.accessToken)
        let first = try lastUsed()
        #expect(first == fixture.clock.now)
        fixture.clock.advance(by: 10)  // within the touch interval: not written again
        _ = try fixture.service.authenticate(pair.accessToken)
        #expect(try lastUsed() == first)
        fixture.clock.advance(by: 60)
        _ = try fixture.service.authenticate(pair.accessToken)
        #expect(try lastUsed() == fixture.clock.now)
    }

    @Test(arguments: Backend.allCases) func refreshRotatesAndKillsTheOldRefreshToken(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let first = try fixture.service.issuePair(for: fixture.user.id)
        fixture.clock.advance(by: 60)
        let second = try fixture.service.refresh(first.refreshToken)
        #expect(second.accessToken != first.accessToken)
        #expect(second.refreshToken != first.refreshToken)
        #expect(try fixture.service.authenticate(second.accessToken)?.user == fixture.user)
        let third = try fixture.service.refresh(second.refreshToken)
        #expect(try fixture.service.authenticate(third.accessToken) != nil)
    }

    @Test(arguments: Backend.allCases) func reuseOfADeadRefreshTokenRevokesTheWholeFamily(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let login = try fixture.service.issuePair(for: fixture.user.id)
        let otherLogin = try fixture.service.issuePair(for: fixture.user.id)
        let rotated = try fixture.service.refresh(login.refreshToken)

        #expect(throws: TokenService.RefreshError.reused) { try fixture.service.refresh(login.refreshToken) }
        // Everything descended from that login is dead, the legitimate holder's new pair included.
        #expect(try fixture.service.authenticate(rotated.accessToken) == nil)
        #expect(throws: TokenService.RefreshError.reused) { try fixture.service.refresh(rotated.refreshToken) }
        // Another login of the same user is untouched.
        #expect(try fixture.service.authenticate(otherLogin.accessToken) != nil)
        #expect(throws: Never.self) { try fixture.service.refresh(otherLogin.refreshToken) }
    }

    @Test(arguments: Backend.allCases) func expiredOrWrongRefreshTokensAreInvalid(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let pair = try fixture.service.issuePair(for: fixture.user.id)
        #expect(throws: TokenService.RefreshError.invalid) { try fixture.service.refresh(pair.accessToken) }
        #expect(throws: TokenService.RefreshError.invalid) { try fixture.service.refresh("bogus") }
        fixture.clock.advance(by: 86400)
        #expect(throws: TokenService.RefreshError.invalid) { try fixture.service.refresh(pair.refreshToken) }
    }

    @Test(arguments: Backend.allCases) func logoutRevokesTheLoginsFamily(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let pair = try fixture.service.issuePair(for: fixture.user.id)
        #expect(try fixture.service.revoke(pair.accessToken))
        #expect(try fixture.service.authenticate(pair.accessToken) == nil)
        #expect(throws: TokenService.RefreshError.reused) { try fixture.service.refresh(pair.refreshToken) }
        #expect(try !fixture.service.revoke("unknown"))
    }

    @Test(arguments: Backend.allCases) func revokedUsersTokensFail(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let pair = try fixture.service.issuePair(for: fixture.user.id)
        let apiToken = try fixture.test.database.write { try fixture.service.issueAPIToken(for: fixture.user.id, in: $0) }
        #expect(try fixture.service.revokeAll(for: fixture.user.id) == 3)
        #expect(try fixture.service.authenticate(pair.accessToken) == nil)
        #expect(try fixture.service.authenticate(apiToken) == nil)
        #expect(throws: TokenService.RefreshError.self) { try fixture.service.refresh(pair.refreshToken) }
    }

    @Test(arguments: Backend.allCases) func deletedUsersTokensFail(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let pair = try fixture.service.issuePair(for: fixture.user.id)
        try fixture.test.database.write { try $0.users.delete(id: fixture.user.id) }
        #expect(try fixture.service.authenticate(pair.accessToken) == nil)
        #expect(throws: TokenService.RefreshError.invalid) { try fixture.service.refresh(pair.refreshToken) }
        #expect(throws: StorageError.notFound) { try fixture.service.issuePair(for: fixture.user.id) }
    }

    @Test(arguments: Backend.allCases) func deleteExpiredKeepsLiveAndRevokedRefreshTokensUntilTheyExpire(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        defer { fixture.test.cleanUp() }
        let pair = try fixture.service.issuePair(for: fixture.user.id)
        _ = try fixture.service.refresh(pair.refreshToken)  // first refresh is now revoked, kept for reuse detection
        #expect(try fixture.service.deleteExpired() == 0)
        fixture.clock.advance(by: 3600)
        #expect(try fixture.service.deleteExpired() == 2)  // both access tokens
        #expect(throws: TokenService.RefreshError.reused) { try fixture.service.refresh(pair.refreshToken) }
        fixture.clock.advance(by: 86400)
        #expect(try fixture.service.deleteExpired() == 2)  // both refresh tokens
    }
}
