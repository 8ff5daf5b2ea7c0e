/// The columns of a user row and their decoding, shared by the repositories whose queries return a row with its
/// user (tokens, app passwords, external identities): a new user column is added once.
enum UserColumns {
    private static let names = ["id", "username", "role", "created_at", "max_bitrate"]
    /// For `FROM users` alone.
    static let list = names.joined(separator: ", ")

    /// The columns `user(_:)` reads, from a joined `users` table named `alias`.
    static func list(of alias: String) -> String {
        names.map { "\(alias).\($0) AS \($0)" }.joined(separator: ", ")
    }

    /// Reads the user columns, by name.
    static func user(_ row: some SQLRow) throws -> User {
        User(
            id: try row.uuid(named: "id"),
            username: try row.string(named: "username") ?? "",
            role: try row.enumeration(Role.self, named: "role"),
            createdAt: try row.date(named: "created_at"),
            maxBitrate: try row.optionalInt(named: "max_bitrate"))
    }
}
