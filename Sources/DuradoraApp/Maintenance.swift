import Foundation

/// The maintenance commands of the `duradora` binary (`migrate`, `user add`, `user list`), run against the
/// configured database without starting a server. Each opens the database, migrates it, works and closes it.
public enum Maintenance {
    /// Applies pending migrations; returns a summary to print.
    public static func migrate(configuration: Configuration) throws -> String {
        let database = try DatabaseFactory.open(configuration.storage)
        defer { database.close() }
        let report = try database.migrate()
        let path = DatabaseFactory.displayName(configuration.storage)
        guard !report.applied.isEmpty else {
            return "\(path): schema is up to date (version \(report.toVersion))"
        }
        return "\(path): migrated schema from version \(report.fromVersion) to \(report.toVersion) ("
            + report.applied.joined(separator: ", ") + ")"
    }

    /// Creates a user; returns a summary to print. `password` nil means generate one (and include it in the summary).
    public static func addUser(configuration: Configuration, username: String, admin: Bool, password: String?) throws
        -> String
    {
        try withUsers(configuration) { users in
            let generated = password == nil ? generatePassword() : nil
            let user = try users.create(username: username, password: password ?? generated ?? "", role: admin ? .admin : .user)
            var summary = "created \(user.role.rawValue) \(user.username) (id \(user.id.lowercasedString))"
            if let generated { summary += "\npassword: \(generated)" }
            return summary
        }
    }

    /// One printable line per user: `id  username  role  created_at`, oldest first.
    public static func listUsers(configuration: Configuration) throws -> [String] {
        try withUsers(configuration) { users in
            var lines: [String] = []
            var offset = 0
            while true {
                let page = try users.list(limit: 500, offset: offset)
                lines += page.items.map {
                    "\($0.id.lowercasedString)  \($0.username)  \($0.role.rawValue)  \(RFC3339.string(from: $0.createdAt))"
                }
                offset += page.items.count
                if page.items.isEmpty || offset >= page.total { return lines }
            }
        }
    }

    /// 20 random bytes as base64url: 160 bits, well inside the 8–1024 byte rule.
    static func generatePassword() -> String {
        String(TokenService.makeSecret().prefix(27))
    }

    private static func withUsers<T>(_ configuration: Configuration, _ body: (UserController) throws -> T) throws -> T {
        let database = try DatabaseFactory.openAndMigrate(configuration.storage)
        defer { database.close() }
        do {
            return try body(try UserController.make(configuration: configuration, database: database))
        } catch let error as APIError {
            throw MaintenanceError(message: error.message)  // "username: …", not the HTTP wrapping
        }
    }
}

/// A refused maintenance command, printed as its message.
public struct MaintenanceError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
