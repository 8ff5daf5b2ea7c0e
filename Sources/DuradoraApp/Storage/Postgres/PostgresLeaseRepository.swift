import Foundation

/// `LeaseRepository` on one PostgreSQL connection, inside the caller's transaction.
struct PostgresLeaseRepository: LeaseRepository {
    let connection: PostgresConnection

    func acquire(_ name: String, owner: String, until expiry: Date, now: Date) throws -> Bool {
        try connection.execute("""
            INSERT INTO leases (name, owner, expires_at) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE leases.owner = excluded.owner OR leases.expires_at < $4
            """, [name, owner, expiry, now])
        return try connection.query("SELECT owner FROM leases WHERE name = $1", [name]) { $0.string(at: 0) }.first == owner
    }

    func release(_ name: String, owner: String) throws {
        try connection.execute("DELETE FROM leases WHERE name = $1 AND owner = $2", [name, owner])
    }
}
