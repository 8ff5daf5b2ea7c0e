import Foundation

/// `LeaseRepository` on one connection of either backend, inside the caller's transaction.
struct SQLLeaseRepository<Session: SQLSession>: LeaseRepository {
    let connection: Session

    @_specialize(where Session == SQLiteConnection)
    func acquire(_ name: String, owner: String, until expiry: Date, now: Date) throws -> Bool {
        try connection.execute("""
            INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE leases.owner = excluded.owner OR leases.expires_at < ?
            """, [name, owner, expiry, now])
        return try connection.queryFirst("SELECT owner FROM leases WHERE name = ?", [name]) { $0.string(at: 0) } == owner
    }

    @_specialize(where Session == SQLiteConnection)
    func release(_ name: String, owner: String) throws {
        try connection.execute("DELETE FROM leases WHERE name = ? AND owner = ?", [name, owner])
    }
}
