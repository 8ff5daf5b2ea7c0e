import CLibPQ

/// A `postgres://` or `postgresql://` URL, checked by libpq's own parser (`PQconninfoParse`), so what we accept
/// is exactly what `PQconnectdb` will take. SQLAlchemy's `postgresql+driver://` (the earlier services' spelling)
/// is accepted and passed on without the driver; the scheme is passed on as `postgresql`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// What libpq connects with.
    public let conninfo: String
    /// The parsed parameters libpq saw, e.g. `host`, `port`, `dbname`, `user`, `sslmode` (set ones only).
    public let parameters: [String: String]

    /// Whether `text` names PostgreSQL at all (anything else is a SQLite path).
    public static func names(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") || lowered.hasPrefix("postgresql+")
    }

    /// Nil and `problem` set when libpq refuses the URL or a value we can check here is wrong.
    public init?(_ text: String, problem: inout String) {
        // libpq matches the scheme case-sensitively and would read "POSTGRESQL://…" as a key=value string (and
        // quote all of it, password included, in its error); schemes are case-insensitive (RFC 3986).
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://"),
              case let scheme = text[..<colon].lowercased(),
              scheme == "postgres" || scheme == "postgresql" || scheme.hasPrefix("postgresql+")
        else {
            problem = "is not a postgres:// or postgresql:// URL"
            return nil
        }
        let conninfo = "postgresql" + text[colon...]
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &message) else {
            let reason = message.map { String(cString: $0) } ?? "out of memory"
            if let message { PQfreemem(message) }
            problem = "is not a PostgreSQL URL libpq accepts: " + reason.trimmingCharacters(in: .newlines)
            return nil
        }
        defer { PQconninfoFree(options) }
        var parameters: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { parameters[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        // libpq checks these only when connecting; a typo should stop the start, not each request.
        for port in (parameters["port"] ?? "").split(separator: ",") where !(UInt16(port).map { $0 > 0 } ?? false) {
            problem = "has port \"\(port)\", which is not in 1...65535"
            return nil
        }
        let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
        if let mode = parameters["sslmode"], !sslModes.contains(mode) {
            problem = "has sslmode \"\(mode)\", which is not one of \(sslModes.joined(separator: ", "))"
            return nil
        }
        self.conninfo = conninfo
        self.parameters = parameters
    }

    /// `postgresql://user@host:port/db`, without the password: safe for logs and error messages.
    public var description: String {
        let user = parameters["user"].map { $0 + "@" } ?? ""
        let port = parameters["port"].map { ":" + $0 } ?? ""
        return "postgresql://\(user)\(parameters["host"] ?? "")\(port)/\(parameters["dbname"] ?? "")"
    }
}
