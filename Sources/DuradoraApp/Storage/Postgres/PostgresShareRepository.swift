import Foundation

/// `ShareRepository` on one PostgreSQL connection, inside the caller's transaction.
struct PostgresShareRepository: ShareRepository {
    let connection: PostgresConnection

    private static let columns = "id, token, owner_id, description, created_at, expires_at"

    func create(_ share: Share) throws {
        try connection.guarded(conflictField: nil) {
            try connection.execute(
                "INSERT INTO shares (\(Self.columns)) VALUES ($1, $2, $3, $4, $5, $6)",
                [share.id, share.token, share.ownerID, share.description, share.createdAt, share.expiresAt])
            for (position, trackID) in share.trackIDs.enumerated() {
                try connection.execute(
                    "INSERT INTO share_entries (share_id, position, track_id) VALUES ($1, $2, $3)",
                    [share.id, position, trackID])
            }
        }
    }

    func find(id: UUID) throws -> Share? {
        try first("SELECT \(Self.columns) FROM shares WHERE id = $1", [id])
    }

    func find(token: String) throws -> Share? {
        try first("SELECT \(Self.columns) FROM shares WHERE token = $1", [token])
    }

    func list(ownerID: UUID?, limit: Int) throws -> [Share] {
        let heads = if let ownerID {
            try connection.query(
                "SELECT \(Self.columns) FROM shares WHERE owner_id = $1 ORDER BY created_at, id LIMIT $2",
                [ownerID, max(limit, 0)], row: Self.head)
        } else {
            try connection.query("SELECT \(Self.columns) FROM shares ORDER BY created_at, id LIMIT $1", [max(limit, 0)],
                                 row: Self.head)
        }
        return try heads.map(withEntries)
    }

    func update(id: UUID, description: String?, expiresAt: Date?) throws -> Bool {
        try connection.execute(
            "UPDATE shares SET description = $1, expires_at = $2 WHERE id = $3", [description, expiresAt, id]) > 0
    }

    func delete(id: UUID) throws -> Bool {
        // Entries go with their share (ON DELETE CASCADE).
        try connection.execute("DELETE FROM shares WHERE id = $1", [id]) > 0
    }

    private func first(_ sql: String, _ parameters: [any PostgresBindable]) throws -> Share? {
        try connection.queryFirst(sql, parameters, row: Self.head).map(withEntries)
    }

    private func withEntries(_ head: Share) throws -> Share {
        var share = head
        share.trackIDs = try connection.query(
            "SELECT track_id FROM share_entries WHERE share_id = $1 ORDER BY position", [head.id]
        ) { try $0.uuid(named: "track_id") }
        return share
    }

    private static func head(_ row: PostgresRow) throws -> Share {
        Share(id: try row.uuid(named: "id"), token: try row.string(named: "token") ?? "",
              ownerID: try row.uuid(named: "owner_id"), description: try row.string(named: "description"),
              createdAt: try row.date(named: "created_at"), expiresAt: try row.optionalDate(named: "expires_at"),
              trackIDs: [])
    }
}
