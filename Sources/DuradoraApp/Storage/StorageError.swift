/// Failures of the storage layer that callers are expected to handle, whatever the backend.
/// (Anything else a backend throws, such as `SQLiteError`, is a bug or an outage: a 500.)
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A unique value is taken, e.g. a username (compared case-insensitively). `field` names it.
    case conflict(field: String)
    /// The row to update or delete does not exist.
    case notFound
    /// The database was written by a newer Duradora; this binary refuses to touch it.
    case schemaTooNew(found: Int, supported: Int)
    /// The database is closed.
    case closed

    public var description: String {
        switch self {
        case .conflict(let field):
            "\(field) is already taken"
        case .notFound:
            "no such row"
        case .schemaTooNew(let found, let supported):
            "the database schema is version \(found), but this duradora only knows versions up to \(supported); "
                + "run a newer duradora or restore a backup"
        case .closed:
            "the database is closed"
        }
    }
}
