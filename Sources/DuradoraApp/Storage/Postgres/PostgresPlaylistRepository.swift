import Foundation

/// `PlaylistRepository` on one PostgreSQL connection, inside the caller's transaction. Positions stay dense:
/// inserts shift the tail down here, and the `playlist_entries_close_gap` trigger closes the gaps of deleted
/// entries, whether they went through `deleteEntry` or by cascade with their track.
struct PostgresPlaylistRepository: PlaylistRepository {
    let connection: PostgresConnection

    private static let columns = """
        p.id, p.owner_id, u.username AS owner_name, p.name, p.description, p.visibility, p.share_token, \
        p.created_at, p.updated_at
        """
    private static let from = "playlists AS p JOIN users AS u ON u.id = p.owner_id"

    func insert(_ playlist: Playlist) throws {
        try connection.guarded(conflictField: "id") {  // no such owner, or the id is taken
            try connection.execute(
                """
                INSERT INTO playlists (id, owner_id, name, description, visibility, share_token, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [playlist.id, playlist.ownerID, playlist.name, playlist.description, playlist.visibility.rawValue,
                 playlist.shareToken, playlist.createdAt, playlist.updatedAt])
        }
    }

    func find(id: UUID) throws -> Playlist? {
        try connection.queryFirst("SELECT \(Self.columns) FROM \(Self.from) WHERE p.id = $1", [id], row: Self.playlist)
    }

    func find(shareToken: String) throws -> Playlist? {
        try connection.queryFirst(
            "SELECT \(Self.columns) FROM \(Self.from) WHERE p.share_token = $1 AND p.visibility = 'link'",
            [shareToken], row: Self.playlist)
    }

    func update(_ playlist: Playlist) throws {
        let changed = try connection.execute(
            """
            UPDATE playlists SET name = $1, description = $2, visibility = $3, share_token = $4, updated_at = $5
            WHERE id = $6
            """,
            [playlist.name, playlist.description, playlist.visibility.rawValue, playlist.shareToken,
             playlist.updatedAt, playlist.id])
        guard changed == 1 else { throw StorageError.notFound }
    }

    func touch(id: UUID, at date: Date) throws {
        guard try connection.execute("UPDATE playlists SET updated_at = $1 WHERE id = $2", [date, id]) == 1 else {
            throw StorageError.notFound
        }
    }

    func delete(id: UUID) throws {
        guard try connection.execute("DELETE FROM playlists WHERE id = $1", [id]) == 1 else {
            throw StorageError.notFound
        }
    }

    func list(_ query: PlaylistQuery) throws -> Page<PlaylistView> {
        var conditions: [String] = []
        var parameters: [any PostgresBindable] = []
        switch query.scope {
        case .listed:
            if let viewer = query.viewerID {
                conditions.append("(p.visibility = 'public' OR p.owner_id = ?)")
                parameters.append(viewer)
            } else {
                conditions.append("p.visibility = 'public'")
            }
        case .owner(let owner, let includeUnlisted):
            conditions.append("p.owner_id = ?")
            parameters.append(owner)
            if !includeUnlisted { conditions.append("p.visibility = 'public'") }
        }
        if let pattern = query.likePattern {
            // SQLite's LIKE: ASCII letters in any case, `\` escapes.
            conditions.append("duradora_nocase(p.name) LIKE duradora_nocase(?) ESCAPE '\\'")
            parameters.append(pattern)
        }
        let whereClause = conditions.joined(separator: " AND ")
        let total = try connection.scalarInt(
            PostgresSQL.numbered("SELECT COUNT(*) FROM playlists AS p WHERE \(whereClause)"), parameters)
        // The totals count the entries whose tracks the viewer may see: the SQL form of `TrackController.canSee`
        // (public and link tracks: anyone; private ones: their owner and admins). Keep the two in step.
        let visibleTrack = "(t.visibility <> 'private' OR ? OR t.owner_id = ?::text)"
        let items = try connection.query(
            PostgresSQL.numbered("""
            SELECT \(Self.columns), COUNT(t.id) AS track_count,
                   COALESCE(SUM(t.duration_seconds), 0)::float8 AS duration_seconds
            FROM \(Self.from)
            LEFT JOIN playlist_entries AS e ON e.playlist_id = p.id
            LEFT JOIN tracks AS t ON t.id = e.track_id AND \(visibleTrack)
            WHERE \(whereClause)
            GROUP BY p.id, u.username
            ORDER BY p.created_at DESC, p.rowid DESC
            LIMIT ? OFFSET ?
            """),
            [query.viewerIsAdmin, query.viewerID] + parameters + [max(query.limit, 0), max(query.offset, 0)]
        ) { row in
            PlaylistView(
                playlist: try Self.playlist(row), trackCount: try row.int(named: "track_count"),
                durationSeconds: try row.double(named: "duration_seconds"))
        }
        return Page(items: items, total: total, limit: query.limit, offset: query.offset)
    }

    func entries(of playlistID: UUID) throws -> [PlaylistEntry] {
        try connection.query(
            """
            SELECT \(PostgresTrackColumn.selectList), e.id AS entry_id, e.position AS entry_position
            FROM playlist_entries AS e JOIN tracks AS t ON t.id = e.track_id
            WHERE e.playlist_id = $1
            ORDER BY e.position
            """,
            [playlistID]
        ) { row in
            PlaylistEntry(
                id: try row.uuid(named: "entry_id"), position: try row.int(named: "entry_position"),
                track: try PostgresTrackRepository.track(row))
        }
    }

    func entryCount(of playlistID: UUID) throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM playlist_entries WHERE playlist_id = $1", [playlistID])
    }

    func insertEntry(id: UUID, playlistID: UUID, trackID: UUID, at position: Int, addedAt: Date) throws {
        try connection.execute(
            "UPDATE playlist_entries SET position = position + 1 WHERE playlist_id = $1 AND position >= $2",
            [playlistID, position])
        try connection.guarded(conflictField: nil) {  // no such playlist or track
            try connection.execute(
                "INSERT INTO playlist_entries (id, playlist_id, track_id, position, added_at) VALUES ($1, $2, $3, $4, $5)",
                [id, playlistID, trackID, position, addedAt])
        }
    }

    func deleteEntry(id: UUID, playlistID: UUID) throws {
        let changed = try connection.execute(
            "DELETE FROM playlist_entries WHERE id = $1 AND playlist_id = $2", [id, playlistID])
        guard changed == 1 else { throw StorageError.notFound }
    }

    func setPositions(_ positions: [(entryID: UUID, position: Int)], playlistID: UUID) throws {
        for (entryID, position) in positions {
            try connection.execute(
                "UPDATE playlist_entries SET position = $1 WHERE id = $2 AND playlist_id = $3",
                [position, entryID, playlistID])
        }
    }

    static func playlist(_ row: PostgresRow) throws -> Playlist {
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
