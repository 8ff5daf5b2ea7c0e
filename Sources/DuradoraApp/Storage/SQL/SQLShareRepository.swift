import Foundation

/// `ShareRepository` on one connection of either backend, inside the caller's transaction.
struct SQLShareRepository<Session: SQLSession>: ShareRepository {
    let connection: Session

    private static var columns: String { "id, token, owner_id, description, created_at, expires_at" }

    @_specialize(where Session == SQLiteConnection)
    func create(_ share: Share) throws {
        try connection.guarded(conflictField: nil) {
            try connection.execute(
                "INSERT INTO shares (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?)",
                [share.id, share.token, share.ownerID, share.description, share.createdAt, share.expiresAt])
            for (position, trackID) in share.trackIDs.enumerated() {
                try connection.execute(
                    "INSERT INTO share_entries (share_id, position, track_id) VALUES (?, ?, ?)",
                    [share.id, position, trackID])
            }
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func find(id: UUID) throws -> Share? {
        try first("SELECT \(Self.columns) FROM shares WHERE id = ?", [id])
    }

    @_specialize(where Session == SQLiteConnection)
    func find(token: String) throws -> Share? {
        try first("SELECT \(Self.columns) FROM shares WHERE token = ?", [token])
    }

    @_specialize(where Session == SQLiteConnection)
    func list(ownerID: UUID?, limit: Int) throws -> [Share] {
        // A negative LIMIT is an error on PostgreSQL (and no limit at all on SQLite): none asks for nothing.
        let heads = if let ownerID {
            try connection.query(
                "SELECT \(Self.columns) FROM shares WHERE owner_id = ? ORDER BY created_at, id LIMIT ?",
                [ownerID, max(limit, 0)], row: Self.head)
        } else {
            try connection.query(
                "SELECT \(Self.columns) FROM shares ORDER BY created_at, id LIMIT ?", [max(limit, 0)], row: Self.head)
        }
        return try heads.map(withEntries)
    }

    @_specialize(where Session == SQLiteConnection)
    func update(id: UUID, description: String?, expiresAt: Date?) throws -> Bool {
        try connection.execute(
            "UPDATE shares SET description = ?, expires_at = ? WHERE id = ?", [description, expiresAt, id]) > 0
    }

    @_specialize(where Session == SQLiteConnection)
    func delete(id: UUID) throws -> Bool {
        // Entries go with their share (ON DELETE CASCADE).
        try connection.execute("DELETE FROM shares WHERE id = ?", [id]) > 0
    }

    private func first(_ sql: String, _ values: [any SQLBindable]) throws -> Share? {
        try connection.queryFirst(sql, values, row: Self.head).map(withEntries)
    }

    private func withEntries(_ head: Share) throws -> Share {
        var share = head
        share.trackIDs = try connection.query(
            "SELECT track_id FROM share_entries WHERE share_id = ? ORDER BY position", [head.id]
        ) { try $0.uuid(named: "track_id") }
        return share
    }

    private static func head(_ row: Session.Row) throws -> Share {
        Share(id: try row.uuid(named: "id"), token: try row.string(named: "token") ?? "",
              ownerID: try row.uuid(named: "owner_id"), description: try row.string(named: "description"),
              createdAt: try row.date(named: "created_at"), expiresAt: try row.optionalDate(named: "expires_at"),
              trackIDs: [])
    }
}
