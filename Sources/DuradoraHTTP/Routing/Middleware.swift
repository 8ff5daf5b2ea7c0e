/// A handler runs on a worker thread and may block (database, hashing, audio). The one exception is a route
/// added with `Router.getInline`, whose handler runs on the event loop and must not block.
public typealias Handler = @Sendable (Request, RequestContext) throws -> Response

/// The optional first try of a route (`Router.get(_:fastPath:_:)`): runs on the event loop, must not block, and
/// returns nil to hand the request to the route's handler.
public typealias FastPathHandler = @Sendable (Request, RequestContext) -> Response?

/// Wraps handlers: authentication, logging, metrics. Call `next` to continue, or answer directly.
public protocol Middleware: Sendable {
    /// Whether this middleware wraps the route `method pattern` (`POST`, `/api/v1/tracks`). Asked once per route,
    /// when the router builds its chains: a rule about routes costs nothing per request (such checks made a
    /// `String` and hashed it on every call). The default wraps every route.
    func applies(to method: HTTPMethod, pattern: String) -> Bool

    func handle(_ request: Request, context: RequestContext, next: (Request, RequestContext) throws -> Response) throws -> Response
}

extension Middleware {
    public func applies(to method: HTTPMethod, pattern: String) -> Bool { true }
}

/// An error that knows its HTTP answer. The router renders it as the contract's JSON error shape.
public protocol HTTPResponseError: Error {
    var status: HTTPStatus { get }
    var code: String { get }
    var message: String { get }
    var headers: HTTPHeaders { get }
}

extension HTTPResponseError {
    public var headers: HTTPHeaders { HTTPHeaders() }
    public var response: Response { .error(status, code: code, message: message, headers: headers) }
}

extension HTTPParseError: HTTPResponseError {}

extension RequestBodyError: HTTPResponseError {
    public var status: HTTPStatus {
        switch self {
        case .disconnected: HTTPStatus(code: 400)
        case .timeout: .requestTimeout
        case .tooLarge: .contentTooLarge
        case .malformed(let error): error.status
        }
    }

    public var code: String {
        switch self {
        case .disconnected: "client_disconnected"
        case .timeout: "request_timeout"
        case .tooLarge: "body_too_large"
        case .malformed(let error): error.code
        }
    }

    public var message: String {
        switch self {
        case .disconnected: "The client closed the connection before the request body ended."
        case .timeout: "The request body stopped arriving."
        case .tooLarge(let limit): "The request body is larger than the \(limit) bytes this endpoint accepts."
        case .malformed(let error): error.message
        }
    }
}
