import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A parsed response as the client saw it on the wire.
public struct TestResponse: Sendable {
    public let status: Int
    public let reason: String
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
    public var text: String { String(decoding: body, as: UTF8.self) }
    public func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
    }
    /// The contract's error code, when the body is an error.
    public var errorCode: String? {
        ((try? json())?["error"] as? [String: Any])?["code"] as? String
    }
}

public struct TestClientError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A blocking client over a real TCP socket that speaks raw bytes, for malformed, partial and pipelined
/// requests, with helpers for ordinary API calls.
public final class TestClient: @unchecked Sendable {
    public let descriptor: Int32
    private var buffer: [UInt8] = []
    public private(set) var isClosed = false

    /// Connects to `host` (a numeric IPv4 or IPv6 address) on `port`.
    public init(port: Int, host: String = "127.0.0.1", timeoutSeconds: Int = 20) throws {
        let isIPv6 = host.contains(":")
        descriptor = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestClientError("socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let descriptor = descriptor
        func connect<Address>(to address: Address) -> Int32 {
            withUnsafePointer(to: address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
                }
            }
        }
        let result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = connect(to: address)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &address.sin_addr)
            result = connect(to: address)
        }
        guard result == 0 else {
            // Through `close()`, which marks the socket closed: every stored property is set, so the throw runs
            // `deinit`, and its `close()` must find nothing left to close. A bare `Glibc.close` here closed the
            // number twice, and in between another test's thread could be handed that number for a SQLite
            // database or an upload's temporary file, which the second close then took away (SQLITE_IOERR, uploads
            // received short). Tests that poll a port until it listens (or until it stops) hit this path often.
            let code = errno
            close()
            throw TestClientError("connect to \(host) port \(port) failed: errno \(code)")
        }
    }

    deinit { close() }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
    }

    /// Makes close() send RST instead of FIN (an abrupt client abort).
    public func setAbortOnClose() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// Half-closes: the server reads end-of-stream after what was sent, and may still answer.
    public func shutdownWrite() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
    }

    public func setReceiveBuffer(_ bytes: Int32) {
        var value = bytes
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    public func send(raw text: String) throws { try send(bytes: Array(text.utf8)) }

    public func send(bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestClientError("send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads whatever arrives next (at most `max` bytes); empty at end of stream.
    public func receiveSome(max: Int = 65536) throws -> [UInt8] {
        if !buffer.isEmpty {
            let taken = Array(buffer.prefix(max))
            buffer.removeFirst(taken.count)
            return taken
        }
        return try receiveFromSocket(max: max)
    }

    /// One `recv` straight from the socket, past the buffer; empty at end of stream.
    private func receiveFromSocket(max: Int = 65536) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: max)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, max, 0) }
        if count < 0 { throw TestClientError("recv failed: errno \(errno)") }
        return Array(chunk.prefix(count))
    }

    /// True when the server closed the connection (reads EOF), false if data arrives; throws on timeout.
    public func readsEndOfStream() throws -> Bool {
        if !buffer.isEmpty { return false }
        return try receiveSome().isEmpty
    }

    private func fill() throws -> Bool {
        let chunk = try receiveFromSocket()
        if chunk.isEmpty { return false }
        buffer.append(contentsOf: chunk)
        return true
    }

    private func readLine() throws -> String {
        while true {
            if let index = buffer.firstIndex(of: 10) {
                let line = buffer[..<index]
                buffer.removeFirst(index + 1)
                return String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            }
            guard try fill() else { throw TestClientError("connection closed while reading a line") }
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw TestClientError("connection closed after \(buffer.count) of \(count) bytes") }
        }
        let bytes = Array(buffer.prefix(count))
        buffer.removeFirst(count)
        return bytes
    }

    /// Reads one response. `forHead` skips the body (HEAD, or interim responses handled by the caller).
    public func readResponse(forHead: Bool = false) throws -> TestResponse {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw TestClientError("bad status line: \(statusLine)")
        }
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw TestClientError("bad header line: \(line)") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let response = TestResponse(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers, body: [])
        if forHead || (100..<200).contains(status) || status == 204 || status == 304 { return response }
        var body: [UInt8] = []
        if let length = response.header("Content-Length").flatMap(Int.init) {
            body = try readExactly(length)
        } else if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw TestClientError("bad chunk size \(sizeLine)") }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                body += try readExactly(size)
                _ = try readLine()
            }
        } else {
            while try fill() {}
            body = buffer
            buffer.removeAll()
        }
        return TestResponse(status: status, reason: response.reason, headers: headers, body: body)
    }

    /// Sends one request and reads its response.
    public func request(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> TestResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method), headers["Content-Length"] == nil,
           headers["Transfer-Encoding"] == nil {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try send(bytes: Array(head.utf8) + body)
        return try readResponse(forHead: method == "HEAD")
    }

    public func get(_ target: String, headers: [String: String] = [:]) throws -> TestResponse {
        try request("GET", target, headers: headers)
    }

    public func postJSON(_ target: String, _ json: String, headers: [String: String] = [:]) throws -> TestResponse {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return try request("POST", target, headers: headers, body: Array(json.utf8))
    }

    /// Descriptors of this process that are accepted (server-side) TCP connections on local `port`. Unlike a
    /// plain descriptor count, other tests running in parallel in this process cannot change it.
    public static func serverSideDescriptorCount(port: Int) -> Int {
        // /proc/net/tcp{,6}: "sl local_address rem_address st … inode"; ports in hex, state 0A = LISTEN.
        let portHex = String(format: "%04X", port)
        var inodes = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end: procfs reports size 0, and a one-shot read can stop at the first page.
            guard let data = FileHandle(forReadingAtPath: table)?.readDataToEndOfFile() else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[1].hasSuffix(":" + portHex), fields[3] != "0A" else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.filter { name in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
                  target.hasPrefix("socket:[") else { return false }
            return inodes.contains(String(target.dropFirst(8).dropLast()))
        }.count
    }
}
