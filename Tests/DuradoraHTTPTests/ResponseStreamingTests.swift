import Foundation
import Testing
import DuradoraHTTP
import DuradoraTestSupport

@Suite struct ResponseStreamingTests {
    @Test func fileBodyArrivesByteExact() throws {
        let (path, file) = try TestRoutes.makeFile(size: 5 << 20)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try TestHTTPServer(router: TestRoutes.makeRouter(file: file))
        defer { server.stop() }
        let response = try server.makeClient().get("/file")
        #expect(response.status == 200)
        #expect(response.header("Content-Length") == "\(5 << 20)")
        #expect(response.body == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func streamOfUnknownLengthIsChunked() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let client = try server.makeClient()
        let response = try client.get("/stream")
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(response.text == "line 4\nline 3\nline 2\nline 1\nline 0\n")
        #expect(try client.get("/hello").text == "hello")
    }

    /// A body source that breaks must never pass for a whole response: before its first chunk, no head is sent
    /// (the client sees the connection close, not a 200); after some chunks, the chunked body stops without its
    /// last chunk, so the client can tell it is cut short. Either way the exchange is logged as not completed.
    @Test func aBrokenStreamNeverLooksComplete() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let atOnce = try server.makeClient()
        try atOnce.send(raw: "GET /stream/broken/0 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try atOnce.readsEndOfStream())

        let midway = try server.makeClient()
        try midway.send(raw: "GET /stream/broken/2 HTTP/1.1\r\nHost: x\r\n\r\n")
        var received: [UInt8] = []
        while case let bytes = try midway.receiveSome(), !bytes.isEmpty { received += bytes }
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("Transfer-Encoding: chunked\r\n"))
        #expect(text.contains("line 4\n") && text.contains("line 3\n") && !text.contains("line 2\n"))
        #expect(!text.hasSuffix("0\r\n\r\n"), "a truncated body must not end with the last chunk")

        #expect(TestHTTPServer.eventually {
            server.records.filter { $0.route == "/stream/broken/{after}" && !$0.completed }.count == 2
        })
    }

    /// Runs the server in its own process so that its memory is measured alone, not with the other tests'.
    @Test func slowReaderDoesNotMakeTheServerBufferTheFile() throws {
        let size = 64 << 20
        let (path, file) = try TestRoutes.makeFile(size: size)
        _ = file
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try ServerProcess(serving: path)
        defer { server.stop() }
        #expect(try server.makeClient().get("/health").status == 200)
        let before = ProcessMemory.residentBytes(of: server.pid)
        let client = try server.makeClient()
        client.setReceiveBuffer(16 << 10)
        try client.send(raw: "GET /file HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(forHead: true)
        #expect(head.header("Content-Length") == "\(size)")
        var received = 0
        var peak = before
        while received < size {
            let chunk = try client.receiveSome(max: 256 << 10)
            if chunk.isEmpty { break }
            received += chunk.count
            if received % (4 << 20) < chunk.count {
                peak = max(peak, ProcessMemory.residentBytes(of: server.pid))
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        #expect(received == size)
        // sendfile moves the file kernel-side: the server's own memory must not grow with it.
        #expect(peak - before < 8 << 20, "server resident memory grew by \((peak - before) >> 20) MiB")
    }

    @Test func clientAbortMidResponseLeaksNoDescriptor() throws {
        let (path, file) = try TestRoutes.makeFile(size: 32 << 20)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try TestHTTPServer(router: TestRoutes.makeRouter(file: file))
        defer { server.stop() }
        _ = try server.makeClient().get("/hello")  // warm up: pools, sweep timer
        #expect(TestHTTPServer.eventually { TestClient.serverSideDescriptorCount(port: server.port) == 0 })
        for _ in 0..<20 {
            let client = try server.makeClient()
            try client.send(raw: "GET /file HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try client.receiveSome(max: 1024)
            #expect(TestClient.serverSideDescriptorCount(port: server.port) >= 1)  // the count sees the live one
            client.setAbortOnClose()
            client.close()
        }
        #expect(TestHTTPServer.eventually(within: 10) { server.server.openConnections == 0 })
        // Each abort must close the server's socket (a plain descriptor count would see other tests' files too).
        #expect(TestHTTPServer.eventually { TestClient.serverSideDescriptorCount(port: server.port) == 0 })
        #expect(try server.makeClient().get("/hello").status == 200)
    }

    @Test func fiveHundredConcurrentConnectionsAreServed() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        let clients = try (0..<500).map { _ in try server.makeClient() }
        for (index, client) in clients.enumerated() {
            try client.send(raw: "GET /items/\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
        }
        #expect(server.server.openConnections == 500 || TestHTTPServer.eventually { server.server.openConnections == 500 })
        for (index, client) in clients.enumerated() {
            #expect(try client.readResponse().text == "item \(index)")
        }
    }

    @Test func connectionsOverTheLimitAreRefusedPolitely() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.maxConnections = 2 }
        defer { server.stop() }
        let first = try server.makeClient()
        let second = try server.makeClient()
        #expect(try first.get("/hello").status == 200)
        #expect(try second.get("/hello").status == 200)
        let third = try server.makeClient()
        let refused = try third.readResponse()
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(try first.get("/hello").status == 200)
    }

    @Test func gracefulShutdownFinishesTheRequestInFlight() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        let busy = try server.makeClient()
        let idle = try server.makeClient()
        #expect(try idle.get("/hello").status == 200)
        try busy.send(raw: "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.2)
        let stopper = Thread { server.server.shutdown(graceSeconds: 5) }
        stopper.start()
        let response = try busy.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "slow done")
        #expect(response.header("Connection") == "close")
        #expect(try idle.readsEndOfStream())
        #expect(TestHTTPServer.eventually { server.server.openConnections == 0 })
        #expect(throws: (any Error).self) { try TestClient(port: server.port, timeoutSeconds: 1) }
    }
}
