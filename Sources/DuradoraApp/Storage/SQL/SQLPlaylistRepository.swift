import Foundation

/// `PlaylistRepository` on one connection of either backend, inside the caller's transaction (SQLite's migration
/// 4). Positions stay dense: inserts shift the tail down here, and the `playlist_entries_close_gap` trigger closes
/// the gap of every deleted entry, whether it went through `deleteEntry` or by cascade with its track.
struct SQLPlaylistRepository<Session: SQLSession>: PlaylistRepository {
    let connection: Session

    private static var columns: String {
        """
        p.id, p.owner_id, u.username AS owner_name, p.name, p.description, p.visibility, p.share_token, \
        p.created_at, p.updated_at
        """
    }
    private static var from: String { "playlists AS p JOIN users AS u ON u.id = p.owner_id" }

    @_specialize(where Session == SQLiteConnection)
    func insert(_ playlist: Playlist) throws {
        try connection.guarded(conflictField: "id") {  // no such owner, or the id is taken
            try connection.execute(
                """
                INSERT INTO playlists (id, owner_id, name, description, visibility, share_token, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [playlist.id, playlist.ownerID, playlist.name, playlist.description, playlist.visibility.rawValue,
                 playlist.shareToken, playlist.createdAt, playlist.updatedAt])
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func find(id: UUID) throws -> Playlist? {
        try connection.queryFirst("SELECT \(Self.columns) FROM \(Self.from) WHERE p.id = ?", [id], row: Self.playlist)
    }

    @_specialize(where Session == SQLiteConnection)
    func find(shareToken: String) throws -> Playlist? {
        try connection.queryFirst(
            "SELECT \(Self.columns) FROM \(Self.from) WHERE p.share_token = ? AND p.visibility = 'link'",
            [shareToken], row: Self.playlist)
    }

    @_specialize(where Session == SQLiteConnection)
    func update(_ playlist: Playlist) throws {
        let changed = try connection.execute(
            """
            UPDATE playlists SET name = ?, description = ?, visibility = ?, share_token = ?, updated_at = ?
            WHERE id = ?
            """,
            [playlist.name, playlist.description, playlist.visibility.rawValue, playlist.shareToken,
             playlist.updatedAt, playlist.id])
        guard changed == 1 else { throw StorageError.notFound }
    }

    @_specialize(where Session == SQLiteConnection)
    func touch(id: UUID, at date: Date) throws {
        guard try connection.execute("UPDATE playlists SET updated_at = ? WHERE id = ?", [date, id]) == 1 else {
            throw StorageError.notFound
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func delete(id: UUID) throws {
        guard try connection.execute("DELETE FROM playlists WHERE id = ?", [id]) == 1 else {
            throw StorageError.notFound
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func list(_ query: PlaylistQuery) throws -> Page<PlaylistView> {
        let dialect = Session.dialect
        var conditions: [String] = []
        var values: [any SQLBindable] = []
        switch query.scope {
        case .listed:
            if let viewer = query.viewerID {
                conditions.append("(p.visibility = 'public' OR p.owner_id = ?)")
                values.append(viewer)
            } else {
                conditions.append("p.visibility = 'public'")
            }
        case .owner(let owner, let includeUnlisted):
            conditions.append("p.owner_id = ?")
            values.append(owner)
            if !includeUnlisted { conditions.append("p.visibility = 'public'") }
        }
        if let pattern = query.likePattern {
            conditions.append(dialect.likeIgnoringCase("p.name", "?"))
            values.append(pattern)
        }
        let whereClause = conditions.joined(separator: " AND ")
        let total = try connection.scalarInt("SELECT COUNT(*) FROM playlists AS p WHERE \(whereClause)", values)
        // The totals count the entries whose tracks the viewer may see: the SQL form of `TrackController.canSee`
        // (public and link tracks: anyone; private ones: their owner and admins). Keep the two in step.
        let visibleTrack = "(t.visibility <> 'private' OR ? OR t.owner_id = \(dialect.text("?")))"
        let items = try connection.query(
            """
            SELECT \(Self.columns), COUNT(t.id) AS track_count,
                   \(dialect.sumOfReals("t.duration_seconds")) AS duration_seconds
            FROM \(Self.from)
            LEFT JOIN playlist_entries AS e ON e.playlist_id = p.id
            LEFT JOIN tracks AS t ON t.id = e.track_id AND \(visibleTrack)
            WHERE \(whereClause)
            GROUP BY p.id, u.username
            ORDER BY p.created_at DESC, p.rowid DESC
            LIMIT ? OFFSET ?
            """,
            [query.viewerIsAdmin, query.viewerID] + values + [max(query.limit, 0), max(query.offset, 0)]
        ) { row in
            PlaylistView(
                playlist: try Self.playlist(row), trackCount: try row.int(named: "track_count"),
                durationSeconds: try row.double(named: "duration_seconds"))
        }
        return Page(items: items, total: total, limit: query.limit, offset: query.offset)
    }

    @_specialize(where Session == SQLiteConnection)
    func entries(of playlistID: UUID) throws -> [PlaylistEntry] {
        try connection.query(
            """
            SELECT \(TrackColumn.selectList), e.id AS entry_id, e.position AS entry_position
            FROM playlist_entries AS e JOIN tracks AS t ON t.id = e.track_id
            WHERE e.playlist_id = ?
            ORDER BY e.position
            """,
            [playlistID]
        ) { row in
            PlaylistEntry(
                id: try row.uuid(named: "entry_id"), position: try row.int(named: "entry_position"),
                track: try TrackColumn.track(row))
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func entryCount(of playlistID: UUID) throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM playlist_entries WHERE playlist_id = ?", [playlistID])
    }

    @_specialize(where Session == SQLiteConnection)
    func insertEntry(id: UUID, playlistID: UUID, trackID: UUID, at position: Int, addedAt: Date) throws {
        try connection.execute(
            "UPDATE playlist_entries SET position = position + 1 WHERE playlist_id = ? AND position >= ?",
            [playlistID, position])
        try connection.guarded(conflictField: nil) {  // no such playlist or track
            try connection.execute(
                "INSERT INTO playlist_entries (id, playlist_id, track_id, position, added_at) VALUES (?, ?, ?, ?, ?)",
                [id, playlistID, trackID, position, addedAt])
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func deleteEntry(id: UUID, playlistID: UUID) throws {
        let changed = try connection.execute(
            "DELETE FROM playlist_entries WHERE id = ? AND playlist_id = ?", [id, playlistID])
        guard changed == 1 else { throw StorageError.notFound }
    }

    @_specialize(where Session == SQLiteConnection)
    func setPositions(_ positions: [(entryID: UUID, position: Int)], playlistID: UUID) throws {
        for (entryID, position) in positions {
            try connection.execute(
                "UPDATE playlist_entries SET position = ? WHERE id = ? AND playlist_id = ?",
                [position, entryID, playlistID])
        }
    }

    private static func playlist(_ row: Session.Row) throws -> Playlist {
        Playlist(
            id: try row.uuid(named: "id"),
            ownerID: try row.uuid(named: "owner_id"),
            ownerName: try row.string(named: "owner_name") ?? "",
            name: try row.string(named: "name") ?? "",
            description: try row.string(named: "description"),
            visibility: try row.enumeration(Visibility.self, named: "visibility"),
            shareToken: try row.string(named: "share_token"),
            createdAt: try row.date(named: "created_at"),
            updatedAt: try row.date(named: "updated_at"))
    }
}
