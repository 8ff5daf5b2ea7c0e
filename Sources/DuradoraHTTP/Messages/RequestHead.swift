/// The protocol version of a request or response.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    public var description: String { "HTTP/\(major).\(minor)" }
}

/// How the body of a request is delimited (RFC 9112 §6.3).
public enum BodyFraming: Hashable, Sendable {
    /// No body at all (no Content-Length, no Transfer-Encoding).
    case none
    /// Exactly this many bytes follow the head.
    case length(Int64)
    /// `Transfer-Encoding: chunked`.
    case chunked
}

/// Everything the parser learned from a request's head; the body follows as separate events.
public struct RequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    /// The request target exactly as sent (origin-form `/path?query`, or `*`, or absolute-form).
    public var target: String
    /// The path part of the target, still percent-encoded. Absolute-form targets are reduced to their path.
    public var path: String
    /// The query part of the target without the `?`, still percent-encoded; nil when there is no `?`.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: BodyFraming
    /// Whether the connection may stay open after this exchange (HTTP/1.1 default yes, 1.0 default no,
    /// `Connection: close` / `keep-alive` override).
    public var keepAlive: Bool
    /// The client sent `Expect: 100-continue` and waits for our interim response before sending the body.
    public var expectsContinue: Bool

    public init(
        method: HTTPMethod, target: String, path: String, query: String?, version: HTTPVersion,
        headers: HTTPHeaders, framing: BodyFraming, keepAlive: Bool, expectsContinue: Bool
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }

    public static func == (lhs: RequestHead, rhs: RequestHead) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.path == rhs.path && lhs.query == rhs.query
            && lhs.version == rhs.version
            && lhs.framing == rhs.framing && lhs.keepAlive == rhs.keepAlive
            && lhs.expectsContinue == rhs.expectsContinue
            && lhs.headers.map { "\($0.name.canonical):\($0.value)" } == rhs.headers.map { "\($0.name.canonical):\($0.value)" }
    }
}
