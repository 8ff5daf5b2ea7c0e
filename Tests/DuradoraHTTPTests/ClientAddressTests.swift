import Foundation
import Testing
import DuradoraHTTP
import DuradoraTestSupport

/// Who the client is: the peer, or — only behind a proxy we trust — the hop that proxy says it forwards.
@Suite struct ClientAddressTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.200.3.4", true), ("10.0.0.0/8", "11.0.0.1", false), ("192.168.1.0/25", "192.168.1.127", true),
        ("192.168.1.0/25", "192.168.1.128", false), ("127.0.0.1", "127.0.0.1", true), ("127.0.0.1", "127.0.0.2", false),
        ("0.0.0.0/0", "8.8.8.8", true), ("2001:db8::/32", "2001:db8:ffff::1", true), ("2001:db8::/32", "2001:db9::1", false),
        ("::1", "::1", true), ("10.0.0.0/8", "::ffff:10.1.2.3", true), ("10.0.0.0/8", "2001:db8::1", false),
    ])
    func blocksMatchAddresses(block: String, address: String, expected: Bool) throws {
        let parsed = try #require(CIDRBlock(block))
        let ip = try #require(IPAddress(address))
        #expect(parsed.contains(ip) == expected)
    }

    @Test func badListsNameTheBadEntry() {
        #expect(TrustedProxies.parse("") == .success(TrustedProxies()))
        guard case .success(let two) = TrustedProxies.parse("10.0.0.0/8, ::1") else { return #expect(Bool(false)) }
        #expect(two.blocks.count == 2)
        for bad in ["10.0.0.0/33", "example.com", "10.0.0/8", "::1/129", "1.2.3.4/x"] {
            #expect(TrustedProxies.parse("127.0.0.1, \(bad)") == .failure(.init(entry: bad)))
        }
    }

    private static func proxies(_ list: String) -> TrustedProxies {
        (try? TrustedProxies.parse(list).get()) ?? TrustedProxies()
    }

    private static func headers(_ fields: [(String, String)]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (name, value) in fields { headers.add(HTTPHeader(name), value) }
        return headers
    }

    @Test(arguments: [
        // An untrusted peer's claims are ignored, whatever they say.
        ("", "203.0.113.9", [("X-Forwarded-For", "1.1.1.1")], "203.0.113.9"),
        ("10.0.0.0/8", "203.0.113.9", [("X-Forwarded-For", "1.1.1.1")], "203.0.113.9"),
        // From a trusted proxy: the rightmost hop it did not write itself.
        ("10.0.0.0/8", "10.0.0.2", [("X-Forwarded-For", "6.6.6.6, 198.51.100.7")], "198.51.100.7"),
        ("10.0.0.0/8", "10.0.0.2", [("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "198.51.100.7, 10.0.0.5")], "198.51.100.7"),
        ("10.0.0.0/8", "10.0.0.2", [("X-Forwarded-For", "10.0.0.9, 10.0.0.5")], "10.0.0.9"),
        ("10.0.0.0/8", "10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.0/8", "10.0.0.2", [("X-Forwarded-For", "garbage, 198.51.100.7")], "198.51.100.7"),
        ("10.0.0.0/8", "10.0.0.2", [("X-Forwarded-For", "198.51.100.7, unknown")], "10.0.0.2"),
        ("10.0.0.0/8", "10.0.0.2", [("X-Forwarded-For", "198.51.100.7:4711")], "198.51.100.7"),
        // Forwarded (RFC 7239) wins over X-Forwarded-For; quoted IPv6 with a port, other parameters ignored.
        ("10.0.0.0/8", "10.0.0.2", [("X-Forwarded-For", "6.6.6.6"), ("Forwarded", #"for="[2001:db8::1]:4711";proto=https"#)], "2001:db8::1"),
        ("10.0.0.0/8", "10.0.0.2", [("Forwarded", "for=6.6.6.6, for=198.51.100.8;by=10.0.0.2")], "198.51.100.8"),
        ("::1, 127.0.0.1", "::ffff:127.0.0.1", [("X-Forwarded-For", "198.51.100.9")], "198.51.100.9"),
    ])
    func clientIsTheRightmostUntrustedHop(trusted: String, peer: String, fields: [(String, String)], expected: String) {
        #expect(Self.proxies(trusted).clientAddress(peer: peer, headers: Self.headers(fields)) == expected)
    }

    @Test func theAccessRecordShowsTheForwardedClientOnlyFromATrustedPeer() throws {
        let trusting = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.trustedProxies = Self.proxies("127.0.0.1") }
        defer { trusting.stop() }
        #expect(try trusting.makeClient().get("/hello", headers: ["X-Forwarded-For": "198.51.100.7"]).status == 200)
        #expect(TestHTTPServer.eventually { trusting.records.count == 1 })
        #expect(trusting.records.first?.remoteAddress == "198.51.100.7")

        let wary = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.trustedProxies = Self.proxies("10.0.0.0/8") }
        defer { wary.stop() }
        #expect(try wary.makeClient().get("/hello", headers: ["X-Forwarded-For": "198.51.100.7"]).status == 200)
        #expect(TestHTTPServer.eventually { wary.records.count == 1 })
        #expect(wary.records.first?.remoteAddress == "127.0.0.1")
    }

    @Test func oneAddressGetsItsShareOfConnectionsThen503() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.maxConnectionsPerAddress = 3 }
        defer { server.stop() }
        var held = try (0..<3).map { _ in try server.makeClient() }
        for client in held { #expect(try client.get("/hello").status == 200) }
        let refused = try server.makeClient()
        let response = try refused.readResponse()
        #expect(response.status == 503)
        #expect(response.errorCode == "too_many_connections")
        #expect(response.header("Retry-After") == "1")
        #expect(try refused.readsEndOfStream())
        held.removeFirst().close()
        #expect(TestHTTPServer.eventually { server.server.openConnections == 2 })
        #expect(try server.makeClient().get("/hello").status == 200)
    }

    @Test func aTrustedProxyIsNotCappedPerAddress() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter()) {
            $0.maxConnectionsPerAddress = 1
            $0.trustedProxies = Self.proxies("127.0.0.0/8")
        }
        defer { server.stop() }
        let clients = try (0..<4).map { _ in try server.makeClient() }
        for client in clients { #expect(try client.get("/hello").status == 200) }
    }
}
