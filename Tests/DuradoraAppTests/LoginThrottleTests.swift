import Foundation
import Testing
@testable import DuradoraApp
import DuradoraTestSupport

@Suite struct LoginThrottleTests {
    @Test func refusesAfterLimitUntilTheOldestAttemptLeavesTheWindow() {
        let clock = TestClock()
        let throttle = LoginThrottle(limit: 3, clock: clock.timeSource)
        #expect(throttle.attempt(["a"]) == nil)
        clock.advance(by: 10)
        #expect(throttle.attempt(["a"]) == nil)
        #expect(throttle.attempt(["a"]) == nil)
        clock.advance(by: 5)
        #expect(throttle.attempt(["a"]) == 45)  // the first attempt (15 s ago) leaves in 45 s
        clock.advance(by: 44.5)
        #expect(throttle.attempt(["a"]) == 1)
        clock.advance(by: 0.5)
        #expect(throttle.attempt(["a"]) == nil)  // sliding: one slot is free again
        #expect(throttle.attempt(["a"]) != nil)
    }

    @Test func anyOverfullKeyRefusesAndRefusalsAreNotCounted() {
        let clock = TestClock()
        let throttle = LoginThrottle(limit: 2, clock: clock.timeSource)
        let keys = { (user: String) in LoginThrottle.keys(username: user, address: "10.0.0.1") }
        #expect(throttle.attempt(keys("Ann")) == nil)
        #expect(throttle.attempt(keys("ann")) == nil)  // usernames compare in any case
        #expect(throttle.attempt(LoginThrottle.keys(username: "ANN", address: "10.0.0.2")) != nil)
        #expect(throttle.attempt(LoginThrottle.keys(username: "bob", address: "10.0.0.1")) != nil)  // the address is full
        #expect(throttle.attempt(LoginThrottle.keys(username: "bob", address: "10.0.0.2")) == nil)
        clock.advance(by: 60)
        #expect(throttle.attempt(keys("ann")) == nil)
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
