import DuradoraHTTP

/// Where a request's token came from. The contract's order: `Authorization: Bearer`, then the session cookie,
/// then `?access_token=`. Only the first one present is used: a bad bearer token is not rescued by a cookie.
public struct Credentials: Sendable, Equatable {
    public enum Source: String, Sendable {
        case bearer
        case cookie
        case query
    }

    public static let cookieName = "duradora_session"
    public static let queryName = "access_token"

    public let token: String
    public let source: Source

    /// The request's token, or nil when it carries none.
    public static func extract(from request: Request) -> Credentials? {
        if let header = request.headers[.authorization], let token = bearerToken(header) {
            return Credentials(token: token, source: .bearer)
        }
        for header in request.headers.values(.cookie) {
            if let token = cookieValue(named: cookieName, in: header), !token.isEmpty {
                return Credentials(token: token, source: .cookie)
            }
        }
        if let token = request.query(queryName), !token.isEmpty {
            return Credentials(token: token, source: .query)
        }
        return nil
    }

    /// The token of `Bearer <token>` (the scheme is case-insensitive, RFC 9110 §11.1).
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingHTTPWhitespace()
        return token.isEmpty ? nil : token
    }

    /// The value of cookie `name` in a `Cookie` header (`a=1; b=2`), without surrounding quotes.
    static func cookieValue(named name: String, in header: String) -> String? {
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingHTTPWhitespace() == name else { continue }
            var value = parts[1].trimmingHTTPWhitespace()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
