#if canImport(Glibc)
import Glibc
#endif

/// A header field name. Comparison and hashing ignore ASCII case (RFC 9110 §5.1).
public struct HTTPHeader: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name as it was written (or as we spell it when we send it).
    public let name: String
    /// The lower-cased name, used for comparison.
    public let canonical: String

    public init(_ name: String) {
        self.name = name
        // Field names are tokens, plain ASCII: lower-case them by the byte (`lowercased()` is Unicode-aware and
        // costs an allocation and more per header of every request). An already lower-case name is shared.
        let utf8 = name.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            canonical = utf8.contains(where: { HTTPSyntax.lowercased($0) != $0 })
                ? String(decoding: utf8.map(HTTPSyntax.lowercased), as: UTF8.self)
                : name
        } else {
            canonical = name.lowercased()
        }
    }

    /// A name straight from a request's bytes, which the parser checked are a token (ASCII): lower-cased while it is
    /// copied, with no intermediate array (a name with capitals cost an allocation and a `map` per field).
    init(tokenBytes bytes: UnsafeBufferPointer<UInt8>) {
        if let known = Self.known(bytes) {
            self = known
            return
        }
        let name = String(decoding: bytes, as: UTF8.self)
        self.name = name
        guard bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else {
            canonical = name
            return
        }
        canonical = String(unsafeUninitializedCapacity: bytes.count) { lowered in
            for index in bytes.indices { lowered[index] = HTTPSyntax.lowercased(bytes[index]) }
            return bytes.count
        }
    }

    /// The names clients send on most requests, spelled as they usually are, by length: a name sent exactly so is
    /// this value, shared, with no `String` made or lower-cased for it (callgrind: ~300 instructions a field).
    private static let common: [[(bytes: [UInt8], header: HTTPHeader)]] = {
        let names: [HTTPHeader] = [
            .host, .accept, .connection, .contentLength, .contentType, .authorization, .cookie, .range, .ifNoneMatch,
            .ifRange, .ifModifiedSince, .expect, .transferEncoding, "User-Agent", "Accept-Encoding", "Accept-Language",
            "Referer", "Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Cache-Control", "Pragma",
            "Upgrade-Insecure-Requests", "Priority", "DNT", "X-Forwarded-For", "X-Forwarded-Proto", "X-Real-IP",
            "Forwarded", "Icy-MetaData", "host", "user-agent", "accept", "accept-encoding", "connection", "content-length",
            "content-type", "authorization", "range",
        ]
        var table: [[(bytes: [UInt8], header: HTTPHeader)]] = Array(repeating: [], count: 32)
        for header in names { table[header.name.utf8.count].append((Array(header.name.utf8), header)) }
        return table
    }()

    private static func known(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPHeader? {
        guard bytes.count < common.count, let base = bytes.baseAddress else { return nil }
        for entry in common[bytes.count] where entry.bytes.withUnsafeBufferPointer({
            memcmp($0.baseAddress!, base, bytes.count) == 0
        }) {
            return entry.header
        }
        return nil
    }

    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { name }

    public static func == (lhs: HTTPHeader, rhs: HTTPHeader) -> Bool { lhs.canonical == rhs.canonical }
    public func hash(into hasher: inout Hasher) { hasher.combine(canonical) }

    public static let accept: HTTPHeader = "Accept"
    public static let acceptRanges: HTTPHeader = "Accept-Ranges"
    public static let allow: HTTPHeader = "Allow"
    public static let authorization: HTTPHeader = "Authorization"
    public static let cacheControl: HTTPHeader = "Cache-Control"
    public static let connection: HTTPHeader = "Connection"
    public static let contentDisposition: HTTPHeader = "Content-Disposition"
    public static let contentLength: HTTPHeader = "Content-Length"
    public static let contentRange: HTTPHeader = "Content-Range"
    public static let contentType: HTTPHeader = "Content-Type"
    public static let cookie: HTTPHeader = "Cookie"
    public static let date: HTTPHeader = "Date"
    public static let etag: HTTPHeader = "ETag"
    public static let expect: HTTPHeader = "Expect"
    public static let host: HTTPHeader = "Host"
    public static let ifMatch: HTTPHeader = "If-Match"
    public static let ifModifiedSince: HTTPHeader = "If-Modified-Since"
    public static let ifNoneMatch: HTTPHeader = "If-None-Match"
    public static let ifRange: HTTPHeader = "If-Range"
    public static let ifUnmodifiedSince: HTTPHeader = "If-Unmodified-Since"
    public static let lastModified: HTTPHeader = "Last-Modified"
    public static let location: HTTPHeader = "Location"
    public static let range: HTTPHeader = "Range"
    public static let retryAfter: HTTPHeader = "Retry-After"
    public static let server: HTTPHeader = "Server"
    public static let setCookie: HTTPHeader = "Set-Cookie"
    public static let transferEncoding: HTTPHeader = "Transfer-Encoding"
    public static let vary: HTTPHeader = "Vary"
    public static let wwwAuthenticate: HTTPHeader = "WWW-Authenticate"
    public static let xContentTypeOptions: HTTPHeader = "X-Content-Type-Options"
    public static let xRequestId: HTTPHeader = "X-Request-Id"
}
