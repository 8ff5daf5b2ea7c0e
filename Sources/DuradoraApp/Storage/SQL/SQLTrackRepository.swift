import Foundation

/// `TrackRepository` on one connection of either backend, inside the caller's transaction. Search: `TrackSearch`.
struct SQLTrackRepository<Session: SQLSession>: TrackRepository {
    let connection: Session

    private var grouping: SQLLibraryGrouping<Session> { SQLLibraryGrouping(connection: connection) }

    @_specialize(where Session == SQLiteConnection)
    func insert(_ track: Track) throws {
        try connection.guarded(conflictField: "id") {  // no such owner, or the id is taken
            try grouping.file(track.metadata, at: track.updatedAt)
            try connection.execute(
                """
                INSERT INTO tracks (id, owner_id, title, artist, album, genre, year, track_number, visibility, status,
                                    error, duration_seconds, sample_rate, channels, bitrate, size_bytes, file_tag,
                                    album_artist, disc_number, format, source_path, cover_hash, album_id, artist_id,
                                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [track.id, track.ownerID] + TrackColumn.mutableValues(track) + [track.createdAt, track.updatedAt])
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func find(id: UUID) throws -> Track? {
        try connection.queryFirst(TrackColumn.findSQL, [id]) { try TrackColumn.track($0) }
    }

    /// Files the track under its (possibly new) album and artist, and removes the ones it left if now empty.
    @_specialize(where Session == SQLiteConnection)
    func update(_ track: Track) throws {
        let previous = try connection.queryFirst("SELECT album_id, artist_id FROM tracks WHERE id = ?", [track.id]) {
            (album: try $0.optionalUUID(named: "album_id"), artist: try $0.optionalUUID(named: "artist_id"))
        }
        guard let previous else { throw StorageError.notFound }
        try grouping.file(track.metadata, at: track.updatedAt)
        try connection.guarded(conflictField: nil) {  // e.g. a source path another track has
            try connection.execute(
                """
                UPDATE tracks SET title = ?, artist = ?, album = ?, genre = ?, year = ?, track_number = ?,
                    visibility = ?, status = ?, error = ?, duration_seconds = ?, sample_rate = ?, channels = ?,
                    bitrate = ?, size_bytes = ?, file_tag = ?, album_artist = ?, disc_number = ?, format = ?,
                    source_path = ?, cover_hash = ?, album_id = ?, artist_id = ?, updated_at = ?
                WHERE id = ?
                """,
                TrackColumn.mutableValues(track) + [track.updatedAt, track.id])
        }
        if previous.album != track.albumID || previous.artist != track.artistID {
            try grouping.prune(albumID: previous.album, artistID: previous.artist)
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func delete(id: UUID) throws {
        let removed = try connection.queryFirst("DELETE FROM tracks WHERE id = ? RETURNING album_id, artist_id", [id]) {
            (album: try $0.optionalUUID(named: "album_id"), artist: try $0.optionalUUID(named: "artist_id"))
        }
        guard let removed else { throw StorageError.notFound }
        try grouping.prune(albumID: removed.album, artistID: removed.artist)
    }

    @_specialize(where Session == SQLiteConnection)
    func list(_ query: TrackQuery) throws -> Page<Track> {
        let dialect = Session.dialect
        var conditions: [String] = []
        var values: [any SQLBindable] = []
        // What the caller may list (`LibrarySQL.visible`, first so that it is ?1); an admin filtering on an owner
        // sees all of theirs.
        if query.viewerIsAdmin && (query.ownerID != nil || query.ownerName != nil) {
            conditions.append("TRUE")
        } else {
            conditions.append(LibraryStatements.of(dialect).visible)
            values.append(query.viewerID)
        }
        for (column, value) in [("artist", query.artist), ("album", query.album), ("genre", query.genre)] {
            guard let value else { continue }
            conditions.append(dialect.equalsIgnoringCase("t.\(column)", "?"))
            values.append(value)
        }
        if let owner = query.ownerID {
            conditions.append("t.owner_id = ?")
            values.append(owner)
        }
        if let name = query.ownerName {
            conditions.append("t.owner_id = (SELECT id FROM users WHERE \(dialect.equalsIgnoringCase("username", "?")))")
            values.append(name)
        }
        // Only the visibility rule (the default list, Subsonic's empty-query sync pages): walk the newest-first
        // index backwards and stop after the page. With a filter, the filter's index is better.
        var from = conditions.count == 1 && query.text == nil ? dialect.newestTracks : "tracks AS t"
        var order = dialect.newestTracksOrder
        if query.text != nil, let search = TrackSearch(query, dialect: dialect, parameter: values.count + 1) {
            from = search.from
            conditions.append(search.condition)
            values.append(search.match)
            order = search.order
        } else if query.text.map({ !$0.isEmpty }) == true {
            // Words made only of punctuation match nothing rather than everything.
            conditions.append("FALSE")
        }
        let whereClause = conditions.joined(separator: " AND ")
        let items = try connection.query(
            "SELECT \(TrackColumn.selectList) FROM \(from) WHERE \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?",
            values + [max(query.limit, 0), max(query.offset, 0)]) { try TrackColumn.track($0) }
        return try Page(items: items, limit: query.limit, offset: query.offset, counted: query.countsTotal) {
            try connection.scalarInt("SELECT COUNT(*) FROM \(from) WHERE \(whereClause)", values)
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func deleteAll(ownedBy ownerID: UUID) throws -> [UUID] {
        let ids = try connection.query("DELETE FROM tracks WHERE owner_id = ? RETURNING id", [ownerID]) {
            try $0.uuid(named: "id")
        }
        if !ids.isEmpty { try grouping.pruneAll() }
        return ids
    }

    @_specialize(where Session == SQLiteConnection)
    func count() throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM tracks")
    }

    @_specialize(where Session == SQLiteConnection)
    func claimEncode(id: UUID, owner: String, uploadTag: String?, filename: String?, at date: Date) throws {
        try connection.execute("""
            UPDATE tracks SET encode_owner = ?, encode_heartbeat = ?, pending_upload = ?, pending_filename = ?
            WHERE id = ?
            """, [owner, date, uploadTag, filename, id])
    }

    @_specialize(where Session == SQLiteConnection)
    func renewEncodes(owner: String, at date: Date) throws {
        try connection.execute(
            "UPDATE tracks SET encode_heartbeat = ? WHERE encode_owner = ? AND status = 'processing'", [date, owner])
    }

    /// Two claimers never take the same track: `SQLDialect.skipLocked` says how.
    @_specialize(where Session == SQLiteConnection)
    func claimStaleEncode(owner: String, staleBefore: Date, at date: Date) throws -> PendingEncode? {
        try connection.queryFirst("""
            UPDATE tracks SET encode_owner = ?, encode_heartbeat = ?
            WHERE id = (SELECT id FROM tracks WHERE status = 'processing'
                        AND (encode_heartbeat IS NULL OR encode_heartbeat < ?) LIMIT 1\(Session.dialect.skipLocked))
            RETURNING id, pending_upload, pending_filename
            """, [owner, date, staleBefore]) { row in
            PendingEncode(trackID: try row.uuid(named: "id"), uploadTag: try row.string(named: "pending_upload"),
                          filename: try row.string(named: "pending_filename"))
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func endEncode(id: UUID) throws {
        try connection.execute("""
            UPDATE tracks SET encode_owner = NULL, encode_heartbeat = NULL, pending_upload = NULL, pending_filename = NULL
            WHERE id = ?
            """, [id])
    }
}
