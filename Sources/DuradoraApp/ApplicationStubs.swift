// TEMPORARY — stand-ins so the `duradora` command line builds before the real application lands.
// The real `Application` and `Maintenance` replace this whole file on merge; delete it then. Nothing here works.

/// TEMPORARY stub of the real maintenance commands (see the file header).
public enum Maintenance {
    /// Applies pending migrations; returns a summary to print.
    public static func migrate(configuration: Configuration) throws -> String {
        throw ApplicationStubError.notImplemented("migrate")
    }

    /// Creates a user; returns a summary to print. `password` nil means generate one (and include it in the summary).
    public static func addUser(configuration: Configuration, username: String, admin: Bool, password: String?) throws
        -> String
    {
        throw ApplicationStubError.notImplemented("user add")
    }

    /// One printable line per user.
    public static func listUsers(configuration: Configuration) throws -> [String] {
        throw ApplicationStubError.notImplemented("user list")
    }
}

/// TEMPORARY (see the file header).
public enum ApplicationStubError: Error, CustomStringConvertible {
    case notImplemented(String)

    public var description: String {
        switch self {
        case .notImplemented(let what): "not implemented yet: \(what)"
        }
    }
}
