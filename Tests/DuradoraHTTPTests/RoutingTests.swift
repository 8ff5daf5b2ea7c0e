import Foundation
import Testing
import DuradoraHTTP
import DuradoraTestSupport

@Suite struct RoutingTests {
    @Test func unknownPathIs404WithJSONError() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let response = try server.makeClient().get("/nope")
        #expect(response.status == 404)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        #expect(response.errorCode == "not_found")
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let response = try server.makeClient().request("DELETE", "/items/3")
        #expect(response.status == 405)
        #expect(response.errorCode == "method_not_allowed")
        let allowed = Set((response.header("Allow") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(allowed == ["GET", "HEAD", "POST", "OPTIONS"])
    }

    @Test func optionsListsAllowedMethods() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let response = try server.makeClient().request("OPTIONS", "/hello")
        #expect(response.status == 204)
        #expect(response.header("Allow")?.contains("GET") == true)
    }

    @Test func trailingSlashAndPercentEncodingMatch() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let client = try server.makeClient()
        #expect(try client.get("/hello/").text == "hello")
        #expect(try client.get("/items/a%20b").text == "item a b")
        #expect(try client.get("//items//x//").text == "item x")
        #expect(try client.get("/h%65llo").text == "hello")  // an escaped literal segment matches the literal
        #expect(try client.get("/items/%C3%A9t%C3%A9").text == "item été")
        #expect(try client.get("/items/%zz").text == "item %zz")  // a malformed escape is kept as sent
        #expect(try client.get("/hello/extra").status == 404)
        #expect(try client.get("/query?name=J%C3%BCrgen+M").text == "Jürgen M")
    }

    /// Where a literal and a parameter both fit a segment, the pattern with more literal segments wins; and a path
    /// that the literal branch cannot finish still finds the parameter's pattern (the router's tree walks both).
    @Test func literalSegmentsWinAndParametersStillMatchWhereLiteralsEnd() throws {
        let router = Router()
        router.get("/shelves/{shelf}/{book}") { _, context in
            .text("shelf \(context.parameters.require("shelf")) book \(context.parameters.require("book"))")
        }
        router.get("/shelves/new/arrivals") { _, _ in .text("new arrivals") }
        router.get("/shelves/new/{day}/list") { _, context in .text("new on \(context.parameters.require("day"))") }
        router.get("/{any}/new/{thing}/list") { _, context in .text("any \(context.parameters.require("any"))") }
        let server = try TestHTTPServer(router: router)
        defer { server.stop() }
        let client = try server.makeClient()
        #expect(try client.get("/shelves/new/arrivals").text == "new arrivals")
        #expect(try client.get("/shelves/new/friday").text == "shelf new book friday")
        #expect(try client.get("/shelves/old/arrivals").text == "shelf old book arrivals")
        #expect(try client.get("/shelves/new/friday/list").text == "new on friday")
        #expect(try client.get("/racks/new/friday/list").text == "any racks")
        #expect(try client.get("/shelves/new").status == 404)
    }

    /// A path in plain form finds a pattern of literals through the router's table of them; every other spelling
    /// of the same path walks the tree and must find the same pattern, and a parameter pattern of the same length
    /// registered first does not shadow it.
    @Test func plainPathsAndOtherSpellingsFindTheSameLiteralPattern() throws {
        let router = Router()
        router.get("/{kind}/{name}") { _, context in .text("param \(context.parameters.require("kind"))") }
        router.get("/rest/ping.view") { _, context in .text("ping \(context.route)") }
        router.get("/") { _, _ in .text("root") }
        let server = try TestHTTPServer(router: router)
        defer { server.stop() }
        let client = try server.makeClient()
        for spelling in ["/rest/ping.view", "/rest/ping.view/", "//rest//ping.view", "/rest/ping%2Eview", "/r%65st/ping.view"] {
            #expect(try client.get(spelling).text == "ping /rest/ping.view", "\(spelling)")
        }
        #expect(try client.get("/Rest/ping.view").text == "param Rest")  // literals are case-sensitive
        #expect(try client.get("/rest/pong.view").text == "param rest")
        #expect(try client.get("/").text == "root")
        #expect(try client.get("/rest").status == 404)
    }

    @Test func headGetsHeadersWithoutBody() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let client = try server.makeClient()
        let head = try client.request("HEAD", "/hello")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "5")
        #expect(head.body.isEmpty)
        // The connection is still in sync: no body bytes were sent after the HEAD response.
        #expect(try client.get("/items/1").text == "item 1")
    }

    @Test func unexpectedErrorsBecome500WithoutInternals() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let response = try server.makeClient().get("/fail")
        #expect(response.status == 500)
        #expect(response.errorCode == "internal_error")
        #expect(!response.text.contains("CocoaError"))
    }

    @Test func logRecordsCarryRoutePatternsAndMaskSecrets() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        _ = try server.makeClient().get("/items/42?access_token=secret123&x=1")
        #expect(TestHTTPServer.eventually { !server.records.isEmpty })
        let record = try #require(server.records.first)
        #expect(record.route == "/items/{id}")
        #expect(record.status == 200)
        #expect(!record.target.contains("secret123"))
        #expect(record.target.contains("x=1"))
    }

    /// Inline routes answer on the event loop: a health check still answers while every worker is busy and the
    /// worker queue is full (a worker route gets 503 then), and pipelined answers keep their order.
    @Test func inlineRoutesAnswerWhileWorkersAreBusy() throws {
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let server = try TestHTTPServer(router: TestRoutes.makeRouter(gate: gate, entered: entered)) {
            $0.workerThreads = 1
            $0.maxQueuedRequests = 1
        }
        defer { server.stop() }
        let running = try server.makeClient()
        let queued = try server.makeClient()
        try running.send(raw: "GET /gate HTTP/1.1\r\nHost: x\r\n\r\n")
        // The worker must be running the first request, not just have it queued: else the queue is full already.
        #expect(entered.wait(timeout: .now() + 20) == .success)
        #expect(TestHTTPServer.eventually(within: 20) { server.server.workerLoad == 1 })
        try queued.send(raw: "GET /gate HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(TestHTTPServer.eventually(within: 20) { server.server.workerLoad == 2 })

        let probe = try server.makeClient()
        #expect(try probe.get("/hello").status == 503)
        let other = try server.makeClient()
        let ping = try other.get("/ping")
        #expect(ping.status == 200)
        #expect(ping.text == "pong /ping")
        #expect(try other.request("HEAD", "/ping").header("Content-Length") == "10")

        gate.signal()
        gate.signal()
        #expect(try running.readResponse().text == "released")
        #expect(try queued.readResponse().text == "released")
        #expect(TestHTTPServer.eventually(within: 20) { server.server.workerLoad == 0 })
        try running.send(raw: "GET /gate HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        gate.signal()
        #expect(try running.readResponse().text == "released")
        #expect(try running.readResponse().text == "pong /ping")
        #expect(try running.request("POST", "/ping").status == 405)  // other methods still go through the router
    }
}
