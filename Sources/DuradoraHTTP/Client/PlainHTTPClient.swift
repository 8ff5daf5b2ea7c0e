import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 client over a POSIX socket for `duradora client` and the server's OAuth back channel: one
/// request per connection (`Connection: close`), the body sent from memory and files (or regions of them) in 64 KiB
/// pieces, the response body handed on in pieces as it arrives — so an upload or download of any size never sits
/// whole in memory. The S3 client uses it too: it signs the `Host` it passes and needs the head before the body. https
/// URLs go through `TLSConnection` (certificates checked against the system CA store and `caFile`). URLSession is not used: on Linux it needs libcurl
/// at run time, which the server image does not otherwise carry. It blocks: call it on a worker, never a loop.
public struct PlainHTTPClient {
    public enum Part {
        case bytes([UInt8])
        case file(String)
        /// `length` bytes of the file from `offset` (one part of a multipart upload).
        case fileRegion(String, offset: Int64, length: Int64)
    }

    public struct Head: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The request never left this machine (no usable URL, no address, no connection), so the server cannot
        /// have acted on it; after any other failure it may have.
        public let wasNeverSent: Bool

        public init(description: String, wasNeverSent: Bool = false) {
            self.description = description
            self.wasNeverSent = wasNeverSent
        }
    }

    static let pieceSize = 64 * 1024

    /// Sends the request and returns the response head; `body` receives the response body piece by piece.
    /// `timeout` (seconds, nil = none) bounds the connect, each wait for the peer, and the whole exchange: a peer
    /// that trickles a byte at a time cannot hold the caller longer. `caFile` (PEM) is trusted for https besides
    /// the system's certificate authorities. A `Host` in `headers` replaces the default `host:port` (a signed request
    /// must carry the exact value signed). `onHead` sees the head before any of the body reaches `sink`; it may throw
    /// to stop there. Answers to HEAD, 1xx, 204 and 304 have no body, whatever their `Content-Length` says.
    public static func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: [Part] = [],
        timeout: Double? = nil, caFile: String? = nil, onHead: (Head) throws -> Void = { _ in },
        into sink: ([UInt8]) throws -> Void
    ) throws -> Head {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw Failure(description: "not an http URL: \(url)", wasNeverSent: true)
        }
        let secure = components.scheme?.lowercased() == "https"
        guard secure || components.scheme?.lowercased() == "http" else {
            throw Failure(description: "only http:// and https:// addresses are supported (\(url))", wasNeverSent: true)
        }
        let port = components.port ?? (secure ? 443 : 80)
        let target = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let length = try body.reduce(Int64(0)) { total, part in
            switch part {
            case .bytes(let bytes): return total + Int64(bytes.count)
            case .file(let path):
                let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber
                return total + (size?.int64Value ?? 0)
            case .fileRegion(_, _, let length): return total + length
            }
        }
        let deadline = timeout.map { DispatchTime.now().uptimeNanoseconds + UInt64($0 * 1e9) }
        let socket = try connect(host: host, port: port, timeout: timeout)
        defer { close(socket) }
        let connection = Connection(socket: socket, tls: secure ? try TLSConnection(socket: socket, host: host, caFile: caFile) : nil)
        let ownHost = headers.contains { $0.0.lowercased() == "host" }
        var head = "\(method) \(target) HTTP/1.1\r\n" + (ownHost ? "" : "Host: \(host):\(port)\r\n") + "Connection: close\r\n"
        head += "User-Agent: duradora-client\r\nContent-Length: \(length)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try connection.write(Array((head + "\r\n").utf8))
        for part in body {
            switch part {
            case .bytes(let bytes): try connection.write(bytes)
            case .file(let path): try send(path, offset: 0, length: nil, on: connection)
            case .fileRegion(let path, let offset, let length): try send(path, offset: offset, length: length, on: connection)
            }
        }
        let bodiless = method.uppercased() == "HEAD"
        return try readResponse(connection, deadline: deadline, bodiless: bodiless, onHead: onHead, into: sink)
    }

    /// A file part of the body, a piece at a time; a file that cannot be read is this client's `Failure`.
    private static func send(_ path: String, offset: Int64, length: Int64?, on connection: Connection) throws {
        do {
            try FilePieces.read(path, offset: offset, length: length, pieceSize: pieceSize) { try connection.write(Array($0)) }
        } catch let failure as FilePieces.Failure {
            throw Failure(description: failure.description)
        }
    }

    private static func connect(host: String, port: Int, timeout: Double?) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw Failure(description: "cannot resolve \(host)", wasNeverSent: true)
        }
        defer { freeaddrinfo(list) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if let timeout {
                    // Linux bounds connect() by the send timeout too.
                    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
                    for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
                        setsockopt(fd, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
                    }
                }
                if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            candidate = info.pointee.ai_next
        }
        throw Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))", wasNeverSent: true)
    }

    /// The socket, or TLS over it.
    private struct Connection {
        let socket: Int32
        let tls: TLSConnection?

        func write(_ bytes: [UInt8]) throws {
            if let tls { return try tls.write(bytes[...]) }
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { throw Failure(description: "the connection closed while sending") }
                offset += sent
            }
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
            tls?.read(into: buffer) ?? recv(socket, buffer.baseAddress, buffer.count, 0)
        }
    }

    /// Head first (bounded), then the body: `Content-Length` bytes, or (without one) until the server closes.
    private static func readResponse(
        _ connection: Connection, deadline: UInt64?, bodiless: Bool, onHead: (Head) throws -> Void,
        into sink: ([UInt8]) throws -> Void
    ) throws -> Head {
        var buffer: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: pieceSize)
        func receive() throws -> Int {
            if let deadline, DispatchTime.now().uptimeNanoseconds > deadline {
                throw Failure(description: "no complete response in time")
            }
            let count = piece.withUnsafeMutableBytes { connection.read(into: $0) }
            guard count >= 0 else {
                throw Failure(description: errno == EAGAIN ? "no answer in time" : "reading the response failed")
            }
            buffer += piece[0..<count]
            return count
        }
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            guard buffer.count < 64 * 1024, try receive() > 0 else { throw Failure(description: "no complete response") }
            headEnd = buffer.firstRange(of: separator)?.lowerBound
        }
        let lines = String(decoding: buffer[..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "not an HTTP response") }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let head = Head(status: status, headers: headers)
        try onHead(head)
        if bodiless || status < 200 || status == 204 || status == 304 { return head }
        if head.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            throw Failure(description: "chunked responses are not supported")
        }
        let declared = head.header("Content-Length").flatMap { Int64($0) }
        var remaining = declared ?? Int64.max
        var body = Array(buffer[(headEnd! + separator.count)...])
        buffer = []
        while remaining > 0 {
            if body.count as Int > 0 {
                let take = Int(min(Int64(body.count), remaining))
                try sink(Array(body[..<take]))
                remaining -= Int64(take)
            }
            body = []
            guard remaining > 0, try receive() > 0 else { break }
            body = buffer
            buffer = []
        }
        if declared != nil, remaining > 0 { throw Failure(description: "the response ended early") }
        return head
    }
}
