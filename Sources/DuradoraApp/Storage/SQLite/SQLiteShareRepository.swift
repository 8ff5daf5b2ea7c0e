import Foundation

/// `ShareRepository` on one SQLite connection, inside the caller's transaction. Plain SQL only (the PostgreSQL
/// backend runs the same statements).
struct SQLiteShareRepository: ShareRepository {
    let connection: SQLiteConnection

    private static let columns = "id, token, owner_id, description, created_at, expires_at"

    func create(_ share: Share) throws {
        do {
            try connection.execute(
                "INSERT INTO shares (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?)",
                [share.id, share.token, share.ownerID, share.description, share.createdAt, share.expiresAt])
            for (position, trackID) in share.trackIDs.enumerated() {
                try connection.execute(
                    "INSERT INTO share_entries (share_id, position, track_id) VALUES (?, ?, ?)",
                    [share.id, position, trackID])
            }
        } catch let error as SQLiteError {
            throw error.insertError(conflictField: nil)
        }
    }

    func find(id: UUID) throws -> Share? {
        try first("SELECT \(Self.columns) FROM shares WHERE id = ?", [id])
    }

    func find(token: String) throws -> Share? {
        try first("SELECT \(Self.columns) FROM shares WHERE token = ?", [token])
    }

    func list(ownerID: UUID?, limit: Int) throws -> [Share] {
        let heads = if let ownerID {
            try connection.query(
                "SELECT \(Self.columns) FROM shares WHERE owner_id = ? ORDER BY created_at, id LIMIT ?", [ownerID, limit],
                row: Self.head)
        } else {
            try connection.query("SELECT \(Self.columns) FROM shares ORDER BY created_at, id LIMIT ?", [limit], row: Self.head)
        }
        return try heads.map(withEntries)
    }

    func update(id: UUID, description: String?, expiresAt: Date?) throws -> Bool {
        try connection.execute(
            "UPDATE shares SET description = ?, expires_at = ? WHERE id = ?", [description, expiresAt, id]) > 0
    }

    func delete(id: UUID) throws -> Bool {
        // Entries go with their share (ON DELETE CASCADE).
        try connection.execute("DELETE FROM shares WHERE id = ?", [id]) > 0
    }

    private func first(_ sql: String, _ bindings: [any SQLiteBindable]) throws -> Share? {
        try connection.queryFirst(sql, bindings, row: Self.head).map(withEntries)
    }

    private func withEntries(_ head: Share) throws -> Share {
        var share = head
        share.trackIDs = try connection.query(
            "SELECT track_id FROM share_entries WHERE share_id = ? ORDER BY position", [head.id]
        ) { try $0.uuid(named: "track_id") }
        return share
    }

    private static func head(_ row: SQLiteStatement) throws -> Share {
        Share(id: try row.uuid(named: "id"), token: try row.string(named: "token") ?? "",
              ownerID: try row.uuid(named: "owner_id"), description: try row.string(named: "description"),
              createdAt: try row.date(named: "created_at"), expiresAt: try row.optionalDate(named: "expires_at"),
              trackIDs: [])
    }
}
