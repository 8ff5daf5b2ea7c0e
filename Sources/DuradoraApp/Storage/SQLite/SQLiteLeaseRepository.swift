import Foundation

/// `LeaseRepository` on one SQLite connection, inside the caller's transaction.
struct SQLiteLeaseRepository: LeaseRepository {
    let connection: SQLiteConnection

    func acquire(_ name: String, owner: String, until expiry: Date, now: Date) throws -> Bool {
        try connection.execute("""
            INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE leases.owner = excluded.owner OR leases.expires_at < ?
            """, [name, owner, expiry, now])
        return try connection.queryFirst("SELECT owner FROM leases WHERE name = ?", [name]) { $0.string(at: 0) } == owner
    }

    func release(_ name: String, owner: String) throws {
        try connection.execute("DELETE FROM leases WHERE name = ? AND owner = ?", [name, owner])
    }
}
