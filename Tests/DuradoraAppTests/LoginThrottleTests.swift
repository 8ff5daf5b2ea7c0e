import Foundation
import Testing
@testable import DuradoraApp
import DuradoraTestSupport

@Suite struct LoginThrottleTests {
    /// Where the attempts are counted: this process's memory, or a shared database (several instances).
    enum Ledger: String, CaseIterable, Sendable { case memory, sqlite, postgres }

    /// A throttle of `ledger`; `close` drops what it opened.
    static func throttle(_ ledger: Ledger, limit: Int, clock: TestClock) throws -> (LoginThrottle, close: () -> Void) {
        switch ledger {
        case .memory:
            return (LoginThrottle(limit: limit, clock: clock.timeSource), {})
        case .sqlite:
            let database = try TestDatabase()
            return (LoginThrottle(limit: limit, clock: clock.timeSource, shared: database.database), database.cleanUp)
        case .postgres:
            var problem = ""
            let url = try #require(PostgresURL(try TestPostgres.start().makeDatabase(), problem: &problem))
            let database = try PostgresDatabase.openAndMigrate(url: url)
            return (LoginThrottle(limit: limit, clock: clock.timeSource, shared: database), database.close)
        }
    }

    @Test(arguments: Ledger.allCases)
    func refusesAfterLimitUntilTheOldestAttemptLeavesTheWindow(_ ledger: Ledger) throws {
        let clock = TestClock()
        let (throttle, close) = try Self.throttle(ledger, limit: 3, clock: clock)
        defer { close() }
        #expect(try throttle.attempt(["a"]) == nil)
        clock.advance(by: 10)
        #expect(try throttle.attempt(["a"]) == nil)
        #expect(try throttle.attempt(["a"]) == nil)
        clock.advance(by: 5)
        #expect(try throttle.attempt(["a"]) == 45)  // the first attempt (15 s ago) leaves in 45 s
        clock.advance(by: 44.5)
        #expect(try throttle.attempt(["a"]) == 1)
        clock.advance(by: 0.5)
        #expect(try throttle.attempt(["a"]) == nil)  // sliding: one slot is free again
        #expect(try throttle.attempt(["a"]) != nil)
    }

    @Test(arguments: Ledger.allCases)
    func anyOverfullKeyRefusesAndRefusalsAreNotCounted(_ ledger: Ledger) throws {
        let clock = TestClock()
        let (throttle, close) = try Self.throttle(ledger, limit: 2, clock: clock)
        defer { close() }
        let keys = { (user: String) in LoginThrottle.keys(username: user, address: "10.0.0.1") }
        #expect(try throttle.attempt(keys("Ann")) == nil)
        #expect(try throttle.attempt(keys("ann")) == nil)  // usernames compare in any case
        #expect(try throttle.attempt(LoginThrottle.keys(username: "ANN", address: "10.0.0.2")) != nil)
        #expect(try throttle.attempt(LoginThrottle.keys(username: "bob", address: "10.0.0.1")) != nil)  // the address is full
        #expect(try throttle.attempt(LoginThrottle.keys(username: "bob", address: "10.0.0.2")) == nil)
        clock.advance(by: 60)
        #expect(try throttle.attempt(keys("ann")) == nil)
    }

    /// Two instances on one database count together: the budget is the deployment's, not each instance's.
    @Test func instancesOnOneDatabaseShareTheBudget() throws {
        let clock = TestClock()
        var problem = ""
        let url = try #require(PostgresURL(try TestPostgres.start().makeDatabase(), problem: &problem))
        let first = try PostgresDatabase.openAndMigrate(url: url), second = try PostgresDatabase.openAndMigrate(url: url)
        defer { first.close(); second.close() }
        let a = LoginThrottle(limit: 3, clock: clock.timeSource, shared: first)
        let b = LoginThrottle(limit: 3, clock: clock.timeSource, shared: second)
        #expect(try a.attempt(["user:ann"]) == nil && b.attempt(["user:ann"]) == nil && a.attempt(["user:ann"]) == nil)
        #expect(try b.attempt(["user:ann"]) == 60)
    }

    @Test func hugeUsernamesMakeBoundedKeys() {
        let keys = LoginThrottle.keys(username: String(repeating: "X", count: 100_000), address: "::1")
        #expect(keys[0].count <= 70)
        #expect(keys[1] == "addr:::1")
    }

    @Test func tooManyLoginsAnswer429WithRetryAfter() throws {
        let clock = TestClock()
        let app = try TestApplication(clock: clock.timeSource) { $0.auth.loginAttemptsPerMinute = 3 }
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("target", password: "password1")
        for _ in 0..<3 { #expect(try client.login("target", "wrong-password").status == 401) }
        let throttled = try client.login("target", "password1")  // even the right password waits
        #expect(throttled.status == 429)
        #expect(throttled.errorCode == "too_many_requests")
        #expect(throttled.header("Retry-After") == "60")
        clock.advance(by: 60)
        #expect(try client.login("target", "password1").status == 200)
    }

    @Test func perAddressLimitCoversEveryUsername() throws {
        let app = try TestApplication { $0.auth.loginAttemptsPerMinute = 2 }
        defer { app.stop() }
        let client = try app.makeClient()
        #expect(try client.login("one", "password1").status == 401)
        #expect(try client.login("two", "password1").status == 401)
        let response = try client.login("three", "password1")
        #expect(response.status == 429)
        #expect(Int(response.header("Retry-After") ?? "") != nil)
    }
}
