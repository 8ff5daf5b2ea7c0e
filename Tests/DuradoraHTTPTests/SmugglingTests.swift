import Foundation
import Testing
import DuradoraHTTP
import DuradoraTestSupport

/// Request smuggling through the proxies people put in front of us (Debian's haproxy and nginx, keep-alive to the
/// backend): for each ambiguous framing, the proxy and Duradora must agree on where a request ends. The oracle:
/// the backend never answers more requests than the client got responses for (a request the proxy did not see
/// would be the smuggled one), and the next client through the same pooled backend connection gets its own answer.
@Suite(.serialized) struct SmugglingTests {
    private static let smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"

    /// (name, raw request) pairs. Bodies are sized so each reading (Content-Length or chunked) is self-consistent.
    static let cases: [(String, String)] = {
        let chunkedEnd = "0\r\n\r\n"
        let clte = chunkedEnd + smuggled
        let tecl = String(smuggled.utf8.count, radix: 16) + "\r\n" + smuggled + "\r\n" + chunkedEnd
        func both(_ te: String, _ body: String, length: Int) -> String {
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\(te)\r\n\r\n" + body
        }
        var cases: [(String, String)] = [
            ("CL.TE", both("Transfer-Encoding: chunked", clte, length: clte.utf8.count)),
            ("TE.CL", both("Transfer-Encoding: chunked", tecl, length: 4)),
        ]
        let obfuscated = [
            "Transfer-Encoding: xchunked", "Transfer-Encoding : chunked", "Transfer-Encoding:\tchunked",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: x", "Transfer-Encoding: x\r\nTransfer-Encoding: chunked",
            "Transfer-Encoding: chunked, identity", "Transfer-Encoding: identity, chunked", "Transfer-Encoding: CHUNKED",
            "Transfer-Encoding: \"chunked\"", "X: y\r\n Transfer-Encoding: chunked", "Transfer-Encoding: chunked\u{0B}",
            "Transfer-Encoding\r\n: chunked", "Transfer_Encoding: chunked",
        ]
        for (index, te) in obfuscated.enumerated() {
            cases.append(("TE.TE \(index) CL.TE", both(te, clte, length: clte.utf8.count)))
            cases.append(("TE.TE \(index) TE.CL", both(te, tecl, length: 4)))
        }
        let body = "hello" + smuggled
        cases += [
            ("duplicate CL, short first", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body),
            ("duplicate CL, long first", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\nContent-Length: 5\r\n\r\n" + body),
            ("CL list", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, \(body.utf8.count)\r\n\r\n" + body),
            ("CL with sign", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n" + body),
            ("GET with CL", "GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n" + smuggled),
        ]
        return cases
    }()

    @Test(arguments: [ProxyKind.haproxy, .nginx])
    func proxyAndServerAgreeWhereEachRequestEnds(_ kind: ProxyKind) throws {
        let backend = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { backend.stop() }
        let proxy = try Proxy(kind, backendPort: backend.port)
        defer { proxy.stop() }
        for (index, (name, raw)) in Self.cases.enumerated() {
            let before = backend.records.count
            let client = try TestClient(port: proxy.port, timeoutSeconds: 5)
            try client.send(raw: raw)
            let answered = Self.statusLines(in: Self.readUntilQuiet(client))
            client.close()
            Thread.sleep(forTimeInterval: 0.1)  // the backend's records trail its responses slightly
            // The previous case's follow-up may be recorded late: only this case's requests count.
            let served = backend.records[before...].filter { !$0.target.hasPrefix("/items/next") }.count
            #expect(served <= answered, "\(kind) \(name): the backend answered \(served) requests, the client got \(answered)")
            let next = try TestClient(port: proxy.port, timeoutSeconds: 5)
            let response = try next.get("/items/next-\(index)")
            #expect(response.status == 200 && response.text == "item next-\(index)",
                    "\(kind) \(name): the next client got \(response.status) \(response.text)")
        }
    }

    /// Everything the proxy sends until it closes or stays quiet for a moment.
    private static func readUntilQuiet(_ client: TestClient) -> [UInt8] {
        var received: [UInt8] = []
        var descriptor = pollfd(fd: client.descriptor, events: Int16(POLLIN), revents: 0)
        while poll(&descriptor, 1, 400) > 0 {
            guard let chunk = try? client.receiveSome(), !chunk.isEmpty else { break }
            received += chunk
        }
        return received
    }

    private static func statusLines(in bytes: [UInt8]) -> Int {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "HTTP/1.1 ").count - 1
    }
}

enum ProxyKind: String, Sendable, CustomTestStringConvertible {
    case haproxy, nginx
    var testDescription: String { rawValue }
}

/// haproxy or nginx in the foreground, in a scratch directory, forwarding to one backend over keep-alive.
private final class Proxy {
    let port: Int
    private let process = Process()
    private let directory: URL

    init(_ kind: ProxyKind, backendPort: Int) throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("duradora-proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("proxy.conf")
        switch kind {
        case .haproxy:
            try """
            defaults
                mode http
                timeout connect 2s
                timeout client 5s
                timeout server 5s
                option http-keep-alive
                http-reuse always
            frontend front
                bind 127.0.0.1:\(port)
                default_backend duradora
            backend duradora
                server one 127.0.0.1:\(backendPort)

            """.write(to: config, atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
            process.arguments = ["-db", "-f", config.path]
        case .nginx:
            let path = directory.path
            try """
            daemon off;
            worker_processes 1;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log;
            events { worker_connections 128; }
            http {
                access_log off;
                client_body_temp_path \(path)/body; proxy_temp_path \(path)/proxy; fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi; scgi_temp_path \(path)/scgi;
                upstream duradora { server 127.0.0.1:\(backendPort); keepalive 4; }
                server {
                    listen 127.0.0.1:\(port);
                    location / {
                        proxy_pass http://duradora;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }
                }
            }
            """.write(to: config, atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
            process.arguments = ["-p", path, "-c", config.path]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard TestHTTPServer.eventually(within: 10, { (try? TestClient(port: port, timeoutSeconds: 1)) != nil }) else {
            stop()
            throw TestClientError("\(kind) did not start listening on \(port)")
        }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port the kernel just handed out and took back (the proxy binds it right after).
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw TestClientError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
