import Foundation
import Testing
import DuradoraHTTP
import DuradoraTestSupport

@Suite struct KeepAliveTests {
    @Test func http11KeepsTheConnectionOpenAcrossRequests() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let client = try server.makeClient()
        for index in 0..<5 {
            let response = try client.get("/items/\(index)")
            #expect(response.status == 200)
            #expect(response.text == "item \(index)")
            #expect(response.header("Connection") == nil)
        }
        #expect(server.server.openConnections == 1)
    }

    @Test func everyResponseCarriesDateRequestIdAndNosniff() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let first = try server.makeClient().get("/hello")
        let second = try server.makeClient().get("/nowhere")
        for response in [first, second] {
            #expect(response.header("Date").flatMap(HTTPDate.parse) != nil)
            #expect(response.header("X-Content-Type-Options") == "nosniff")
            #expect(response.header("X-Request-Id")?.isEmpty == false)
        }
        #expect(first.header("X-Request-Id") != second.header("X-Request-Id"))
    }

    @Test func connectionCloseIsHonoured() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let client = try server.makeClient()
        let response = try client.request("GET", "/hello", headers: ["Connection": "close"])
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(try client.readsEndOfStream())
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let closing = try server.makeClient()
        try closing.send(raw: "GET /hello HTTP/1.0\r\n\r\n")
        let first = try closing.readResponse()
        #expect(first.status == 200)
        #expect(first.text == "hello")
        #expect(try closing.readsEndOfStream())

        let keeping = try server.makeClient()
        try keeping.send(raw: "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let kept = try keeping.readResponse()
        #expect(kept.header("Connection")?.lowercased() == "keep-alive")
        try keeping.send(raw: "GET /items/7 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try keeping.readResponse().text == "item 7")
    }

    @Test func http10GetsAStreamOfUnknownLengthDelimitedByClose() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let client = try server.makeClient()
        try client.send(raw: "GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Transfer-Encoding") == nil)
        #expect(response.text == "line 4\nline 3\nline 2\nline 1\nline 0\n")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let client = try server.makeClient()
        var batch = ""
        for index in 0..<20 {
            batch += index == 10
                ? "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                : "GET /items/\(index) HTTP/1.1\r\nHost: x\r\n\r\n"
        }
        try client.send(raw: batch)
        for index in 0..<20 {
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == (index == 10 ? "hello" : "item \(index)"))
        }
    }

    @Test func idleKeepAliveConnectionsAreClosed() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.idleTimeoutSeconds = 1 }
        defer { server.stop() }
        let client = try server.makeClient()
        #expect(try client.get("/hello").status == 200)
        let started = Date()
        #expect(try client.readsEndOfStream())
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(TestHTTPServer.eventually { server.server.openConnections == 0 })
    }

    /// Bound to "::", the server answers over IPv6 and, through the dual-stack socket, over IPv4; bound to "::1",
    /// over IPv6 only. The access log shows each peer's real address.
    @Test func servesIPv6AndDualStack() throws {
        let dual = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.host = "::" }
        defer { dual.stop() }
        #expect(try TestClient(port: dual.port, host: "::1").get("/hello").text == "hello")
        #expect(try TestClient(port: dual.port, host: "127.0.0.1").get("/hello").text == "hello")
        #expect(TestHTTPServer.eventually { dual.records.count == 2 })
        #expect(Set(dual.records.map(\.remoteAddress)).contains { $0.contains("::1") })

        let loopback = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.host = "::1" }
        defer { loopback.stop() }
        #expect(try TestClient(port: loopback.port, host: "::1").get("/hello").text == "hello")
        #expect(throws: TestClientError.self) { try TestClient(port: loopback.port, host: "127.0.0.1") }
    }
}

/// The event loops are edge-triggered: an event is not repeated for bytes already announced, so a connection must
/// go back for what it left unread, and must notice a half-close it has not read yet.
@Suite struct EdgeTriggeredReadingTests {
    @Test func aPipelinedBurstLargerThanOneEventsReadsIsAnsweredInFull() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let client = try server.makeClient()
        let count = 8_000  // ~330 KiB of requests: more than one event's four 64 KiB reads
        let burst = Array(String(repeating: "GET /ping HTTP/1.1\r\nHost: burst.example\r\n\r\n", count: count).utf8)
        let sender = Thread { try? client.send(bytes: burst) }  // the answers flow back while the burst goes out
        sender.start()
        var answered = 0
        while answered < count {
            let response = try client.readResponse()
            guard response.status == 200, response.text == "pong /ping" else { break }
            answered += 1
        }
        #expect(answered == count)
    }

    /// Answers made on the event loop are written when its batch of events is done: requests arriving on many
    /// connections at once must all be answered, each on its own connection, and a refused one among them must
    /// close only its own.
    @Test func requestsArrivingTogetherOnManyConnectionsAreEachAnswered() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let clients = try (0..<48).map { _ in try server.makeClient() }
        for (index, client) in clients.enumerated() {
            let request = index == 7 ? "GET /ping HTTP/9.9\r\n\r\n" : "GET /ping?n=\(index) HTTP/1.1\r\nHost: x\r\n\r\n"
            try client.send(raw: request)
        }
        for (index, client) in clients.enumerated() {
            let response = try client.readResponse()
            if index == 7 {
                #expect(response.status == 505)
                #expect(try client.readsEndOfStream())
            } else {
                #expect(response.status == 200 && response.text == "pong /ping")
            }
        }
        for (index, client) in clients.enumerated() where index != 7 {  // and each connection is still usable
            try client.send(raw: "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        }
        for (index, client) in clients.enumerated() where index != 7 {
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func aRequestFollowedByAHalfCloseIsAnsweredThenTheConnectionCloses() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        for target in ["/ping", "/hello"] {  // answered on the event loop, and on a worker
            let client = try server.makeClient()
            try client.send(raw: "GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n")
            client.shutdownWrite()
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(try client.readsEndOfStream())
        }
        #expect(TestHTTPServer.eventually { server.server.openConnections == 0 })
    }
}
