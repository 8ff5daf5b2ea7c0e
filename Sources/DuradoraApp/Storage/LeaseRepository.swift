import Foundation

/// Migration 17, the same statements on both backends: named leases, so that of several instances on one
/// database only one does a piece of work at a time (a library scan). A lease ends when its owner releases it or
/// when it expires: an instance that died holding one holds it no longer than its last renewal allowed.
enum LeaseSchema {
    static let sql = """
        CREATE TABLE leases (
            name       TEXT PRIMARY KEY NOT NULL,
            owner      TEXT NOT NULL,      -- the instance holding it
            expires_at BIGINT NOT NULL     -- ms since 1970
        );
        """
}

/// Leases, whatever the backend. Get one from `DatabaseTransaction.leases`.
public protocol LeaseRepository {
    /// Takes (or, for its owner, renews) the lease `name` for `owner` until `expiry`; false when another owner holds
    /// it and it has not expired at `now`. Inside a write, so two instances asking at once never both win.
    func acquire(_ name: String, owner: String, until expiry: Date, now: Date) throws -> Bool

    /// Gives the lease up, if `owner` holds it.
    func release(_ name: String, owner: String) throws
}
