import Foundation
import Testing
@testable import DuradoraApp
import DuradoraTestSupport

/// Per-client budgets seen through the API: the upload rate, and who "the client" is behind a trusted proxy.
@Suite struct ClientLimitTests {
    @Test func bucketsRefillAtTheirRateAndKeysAreApart() {
        let clock = TestClock()
        let limiter = ClientRateLimiter(perMinute: 2, clock: clock.timeSource)
        #expect(limiter.take("a") == nil)
        #expect(limiter.take("a") == nil)
        #expect(limiter.take("a") == 30)  // one token back every 30 s
        #expect(limiter.take("b") == nil)
        clock.advance(by: 29)
        #expect(limiter.take("a") == 1)
        clock.advance(by: 1)
        #expect(limiter.take("a") == nil)
        #expect(limiter.take("a") != nil)
        clock.advance(by: 3_600)  // a long pause refills to the burst, no further
        #expect(limiter.take("a") == nil)
        #expect(limiter.take("a") == nil)
        #expect(limiter.take("a") != nil)
    }

    @Test func uploadsOverTheRateAnswer429WithRetryAfter() throws {
        let fixture = try AdminFixture { $0.server.uploadRatePerMinute = 2 }
        defer { fixture.stop() }
        _ = try fixture.client.createEmptyTrack(token: fixture.admin, query: "title=one")
        _ = try fixture.client.createEmptyTrack(token: fixture.admin, query: "title=two")
        let refused = try fixture.client.request("POST", "/api/v1/tracks?title=three", headers: bearer(fixture.admin))
        #expect(refused.status == 429)
        #expect(refused.errorCode == "too_many_requests")
        #expect(refused.header("Retry-After") == "30")
        let replace = try fixture.client.uploadRaw(token: fixture.admin, bytes: [1, 2, 3], target: "/api/v1/tracks/x/audio",
                                                   method: "PUT")
        #expect(replace.status == 429)  // one budget for every upload route
        // Other routes are not metered.
        #expect(try fixture.client.get("/api/v1/tracks", headers: bearer(fixture.admin)).status == 200)
    }

    @Test func connectionsPerAddressAreCappedFromTheConfiguration() throws {
        let app = try TestApplication { $0.server.maxConnectionsPerIP = 2 }
        defer { app.stop() }
        let held = try (0..<2).map { _ in try app.makeClient() }
        for client in held { #expect(try client.get("/health").status == 200) }
        let refused = try app.makeClient().readResponse()
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") != nil)
    }

    /// Behind a trusted proxy, each forwarded client has its own login budget; a client talking to us directly
    /// cannot buy itself a fresh budget by sending a made-up X-Forwarded-For.
    @Test func theLoginThrottleCountsForwardedClientsOnlyFromTrustedProxies() throws {
        let proxied = try TestApplication {
            $0.auth.loginAttemptsPerMinute = 2
            $0.server.trustedProxies = "127.0.0.1/32, ::1"
        }
        defer { proxied.stop() }
        let client = try proxied.makeClient()
        func login(from address: String, _ name: String) throws -> Int {
            try client.postJSON("/api/v1/auth/login", #"{"username":"\#(name)","password":"password1"}"#,
                                headers: ["X-Forwarded-For": address]).status
        }
        #expect(try login(from: "198.51.100.1", "one") == 401)
        #expect(try login(from: "198.51.100.1", "two") == 401)
        #expect(try login(from: "198.51.100.1", "three") == 429)
        #expect(try login(from: "198.51.100.2", "four") == 401)  // another client behind the same proxy
        #expect(TestHTTPServer.eventually { proxied.log.contains { $0.contains("remote=198.51.100.2") } })

        let direct = try TestApplication { $0.auth.loginAttemptsPerMinute = 2 }
        defer { direct.stop() }
        let spoofer = try direct.makeClient()
        var statuses: [Int] = []
        for index in 1...3 {
            statuses.append(try spoofer.postJSON("/api/v1/auth/login", #"{"username":"u\#(index)","password":"password1"}"#,
                                                 headers: ["X-Forwarded-For": "203.0.113.\(index)"]).status)
        }
        #expect(statuses == [401, 401, 429])
    }
}
