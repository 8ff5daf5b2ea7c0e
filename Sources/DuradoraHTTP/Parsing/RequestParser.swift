/// Limits the parser enforces before any routing.
public struct ParserLimits: Sendable, Equatable {
    /// Request line plus header fields, in bytes; over it → 431 (or 414 when the target alone is too long).
    public var maxHeaderBytes: Int
    /// Request target length; over it → 414.
    public var maxTargetBytes: Int
    /// Declared or decoded body length; over it → 413 (for Content-Length: before reading the body).
    public var maxBodyBytes: Int64

    public init(maxHeaderBytes: Int = 16_384, maxTargetBytes: Int = 8_192, maxBodyBytes: Int64 = 1 << 30) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxTargetBytes = maxTargetBytes
        self.maxBodyBytes = maxBodyBytes
    }
}

/// A request the parser refuses; the connection answers with `status` and closes.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: HTTPStatus
    /// Machine-readable snake_case code for the JSON error body.
    public let code: String
    public let message: String
    public init(_ status: HTTPStatus, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
    public var description: String { "\(status.code) \(code): \(message)" }
}

/// What the parser yields, in order: one `.head`, zero or more `.body`, one `.end` — then the next request.
public enum RequestParserEvent: Equatable, Sendable {
    case head(RequestHead)
    case body([UInt8])
    case end
}

/// Incremental, pure HTTP/1.1 request parser (RFC 9112). Feed it bytes as they arrive; pull events.
/// STUB: replaced by the real implementation.
public struct RequestParser: Sendable {
    public let limits: ParserLimits
    public init(limits: ParserLimits = ParserLimits()) { self.limits = limits }

    /// Adds received bytes to the parser's buffer.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {}
    public mutating func append(_ bytes: [UInt8]) {}

    /// The next event, or nil when more bytes are needed. After a throw the parser is dead.
    public mutating func next() throws(HTTPParseError) -> RequestParserEvent? { nil }

    /// Bytes received but not yet turned into events.
    public var bufferedByteCount: Int { 0 }
    /// True between messages (before the first byte of a request line arrived).
    public var isBetweenMessages: Bool { true }
}
