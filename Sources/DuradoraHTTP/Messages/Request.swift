import Synchronization

/// A request as a handler sees it: the parsed head, a body to read incrementally, and who sent it.
public final class Request: Sendable {
    public let head: RequestHead
    public let body: RequestBody
    /// The peer's IP address (no port).
    public let remoteAddress: String
    /// Unique per request; echoed as `X-Request-Id` and in every log line.
    public let id: String
    /// Decoded query parameters, in order.
    public let queryItems: [(name: String, value: String)]
    /// The percent-decoded path (nil segments stay encoded when they are not valid UTF-8).
    public let path: String

    public init(head: RequestHead, body: RequestBody, remoteAddress: String, id: String) {
        self.queryItems = PercentDecoding.queryItems(head.query)
        // Without escapes the path is shared, not copied (`decode` makes a new String even when it changes nothing).
        self.path = PercentDecoding.mayHoldEscapes(head.path)
            ? PercentDecoding.decode(Substring(head.path)) ?? head.path : head.path
        self.body = body
        self.remoteAddress = remoteAddress
        self.id = id
        self.head = head  // last: the head moves in
    }

    public var method: HTTPMethod { head.method }
    public var headers: HTTPHeaders { head.headers }

    /// The first value of a query parameter.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// The request target with secrets (`access_token`, `token`, `user_token`, `password`, and Subsonic's `p`, `t`
    /// and `apiKey`) masked, for logs.
    public var loggableTarget: String {
        guard let query = head.query, !query.isEmpty else { return head.path }
        let secret: Set<String> = ["access_token", "token", "user_token", "password", "refresh_token", "p", "t", "apikey"]
        let masked = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return secret.contains(name.lowercased()) ? "\(name)=***" : String(pair)
        }
        return head.path + "?" + masked.joined(separator: "&")
    }
}
