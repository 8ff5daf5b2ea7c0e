import CSQLite
import Foundation

/// `TrackRepository` on one SQLite connection, inside the caller's transaction. Search goes through the
/// `tracks_fts` FTS5 index (migrations 3 and 13), ranked by `SQLiteSearchRank` with title weighted above artist,
/// album and genre.
struct SQLiteTrackRepository: TrackRepository {
    let connection: SQLiteConnection

    /// The row, and (read only, never written back) `album_cover_hash` (see `SQLiteTrackColumn`).
    static let columns = SQLiteTrackColumn.selectList

    /// Made once: the text is the statement cache's key (see `SQLiteStatementKey`).
    private static let findSQL = "SELECT \(columns) FROM tracks AS t WHERE t.id = ?"

    private var grouping: SQLiteLibraryGrouping { SQLiteLibraryGrouping(connection: connection) }

    func insert(_ track: Track) throws {
        do {
            try grouping.file(track.metadata, at: track.updatedAt)
            try connection.execute(
                """
                INSERT INTO tracks (id, owner_id, title, artist, album, genre, year, track_number, visibility, status,
                                    error, duration_seconds, sample_rate, channels, bitrate, size_bytes, file_tag,
                                    album_artist, disc_number, format, source_path, cover_hash, album_id, artist_id,
                                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [track.id, track.ownerID] + Self.mutableValues(track) + [track.createdAt, track.updatedAt])
        } catch let error as SQLiteError {
            throw error.insertError(conflictField: "id")  // no such owner, or the id is taken
        }
    }

    func find(id: UUID) throws -> Track? {
        try connection.queryFirst(Self.findSQL, [id], row: Self.track)
    }

    /// Files the track under its (possibly new) album and artist, and removes the ones it left if now empty.
    func update(_ track: Track) throws {
        let previous = try connection.queryFirst("SELECT album_id, artist_id FROM tracks WHERE id = ?", [track.id]) {
            (album: try $0.optionalUUID(named: "album_id"), artist: try $0.optionalUUID(named: "artist_id"))
        }
        guard let previous else { throw StorageError.notFound }
        try grouping.file(track.metadata, at: track.updatedAt)
        try connection.execute(
            """
            UPDATE tracks SET title = ?, artist = ?, album = ?, genre = ?, year = ?, track_number = ?, visibility = ?,
                status = ?, error = ?, duration_seconds = ?, sample_rate = ?, channels = ?, bitrate = ?,
                size_bytes = ?, file_tag = ?, album_artist = ?, disc_number = ?, format = ?, source_path = ?,
                cover_hash = ?, album_id = ?, artist_id = ?, updated_at = ?
            WHERE id = ?
            """,
            Self.mutableValues(track) + [track.updatedAt, track.id])
        if previous.album != track.albumID || previous.artist != track.artistID {
            try grouping.prune(albumID: previous.album, artistID: previous.artist)
        }
    }

    func delete(id: UUID) throws {
        let removed = try connection.queryFirst("DELETE FROM tracks WHERE id = ? RETURNING album_id, artist_id", [id]) {
            (album: try $0.optionalUUID(named: "album_id"), artist: try $0.optionalUUID(named: "artist_id"))
        }
        guard let removed else { throw StorageError.notFound }
        try grouping.prune(albumID: removed.album, artistID: removed.artist)
    }

    func list(_ query: TrackQuery) throws -> Page<Track> {
        var conditions: [String] = []
        var bindings: [any SQLiteBindable] = []
        // What the caller may list (`SQLiteLibraryRepository.visible`, first so that it is ?1); an admin filtering
        // on an owner sees all of theirs.
        if query.viewerIsAdmin && (query.ownerID != nil || query.ownerName != nil) {
            conditions.append("1")
        } else {
            conditions.append(SQLiteLibraryRepository.visible)
            bindings.append(query.viewerID)
        }
        for (column, value) in [("artist", query.artist), ("album", query.album), ("genre", query.genre)] {
            guard let value else { continue }
            conditions.append("t.\(column) = ? COLLATE NOCASE")
            bindings.append(value)
        }
        if let owner = query.ownerID {
            conditions.append("t.owner_id = ?")
            bindings.append(owner)
        }
        if let name = query.ownerName {
            conditions.append("t.owner_id = (SELECT id FROM users WHERE username = ? COLLATE NOCASE)")
            bindings.append(name)
        }
        // Only the visibility rule (the default list, Subsonic's empty-query sync pages): walk the newest-first
        // index backwards and stop after the page. Left to itself the planner answers the rule's OR from two
        // indexes and then sorts every visible track (migration 12). With a filter, the filter's index is better.
        var from = conditions.count == 1 && query.text == nil ? "tracks AS t INDEXED BY tracks_newest" : "tracks AS t"
        // Newest first; tracks made in the same millisecond by visibility, owner and then insertion: the order of
        // the `tracks_newest` index (migration 14), walked backwards.
        var order = "t.created_at DESC, t.visibility DESC, t.owner_id DESC, t.rowid DESC"
        if let match = query.matchExpression {
            from = "tracks_fts JOIN tracks AS t ON t.rowid = tracks_fts.rowid"
            conditions.append("tracks_fts MATCH ?")
            bindings.append(match)
            // Lower is better; title counts most, then artist, album, genre.
            order = "\(SQLiteSearchRank.name)(tracks_fts, 10.0, 5.0, 3.0, 1.0), t.created_at DESC, t.rowid DESC"
        } else if query.text.map({ !$0.isEmpty }) == true {
            // Words made only of punctuation match nothing rather than everything.
            conditions.append("0")
        }
        let whereClause = conditions.joined(separator: " AND ")
        let items = try connection.query(
            "SELECT \(Self.columns) FROM \(from) WHERE \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?",
            bindings + [max(query.limit, 0), max(query.offset, 0)], row: Self.track)
        return try Page(items: items, limit: query.limit, offset: query.offset, counted: query.countsTotal) {
            try connection.scalarInt("SELECT COUNT(*) FROM \(from) WHERE \(whereClause)", bindings)
        }
    }

    func deleteAll(ownedBy ownerID: UUID) throws -> [UUID] {
        let ids = try connection.query("DELETE FROM tracks WHERE owner_id = ? RETURNING id", [ownerID]) {
            try $0.uuid(named: "id")
        }
        if !ids.isEmpty { try grouping.pruneAll() }
        return ids
    }

    func count() throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM tracks")
    }

    func claimEncode(id: UUID, owner: String, uploadTag: String?, filename: String?, at date: Date) throws {
        try connection.execute("""
            UPDATE tracks SET encode_owner = ?, encode_heartbeat = ?, pending_upload = ?, pending_filename = ?
            WHERE id = ?
            """, [owner, date, uploadTag, filename, id])
    }

    func renewEncodes(owner: String, at date: Date) throws {
        try connection.execute(
            "UPDATE tracks SET encode_heartbeat = ? WHERE encode_owner = ? AND status = 'processing'", [date, owner])
    }

    /// One writer at a time (the write transaction) is what keeps two claimers apart here.
    func claimStaleEncode(owner: String, staleBefore: Date, at date: Date) throws -> PendingEncode? {
        try connection.queryFirst("""
            UPDATE tracks SET encode_owner = ?, encode_heartbeat = ?
            WHERE id = (SELECT id FROM tracks WHERE status = 'processing'
                        AND (encode_heartbeat IS NULL OR encode_heartbeat < ?) LIMIT 1)
            RETURNING id, pending_upload, pending_filename
            """, [owner, date, staleBefore]) { row in
            PendingEncode(trackID: try row.uuid(named: "id"), uploadTag: try row.string(named: "pending_upload"),
                          filename: try row.string(named: "pending_filename"))
        }
    }

    func endEncode(id: UUID) throws {
        try connection.execute("""
            UPDATE tracks SET encode_owner = NULL, encode_heartbeat = NULL, pending_upload = NULL, pending_filename = NULL
            WHERE id = ?
            """, [id])
    }

    /// Values for the columns from `title` to `artist_id`, in the order of `insert` and `update`.
    private static func mutableValues(_ track: Track) -> [any SQLiteBindable] {
        let metadata = track.metadata
        let audio = track.audio
        return [
            metadata.title, metadata.artist, metadata.album, metadata.genre, metadata.year, metadata.trackNumber,
            track.visibility.rawValue, track.status.rawValue, track.error, audio?.durationSeconds, audio?.sampleRate,
            audio?.channels, audio?.bitrate, audio?.sizeBytes, audio?.fileTag, metadata.albumArtist,
            metadata.discNumber, track.format.rawValue, track.sourcePath, track.coverHash, track.albumID, track.artistID,
        ]
    }

    /// A row that starts with `columns`.
    static func track(_ row: SQLiteStatement) throws -> Track {
        try track(row, from: 0)
    }

    /// A row of `columns`, read by position (`SQLiteTrackColumn`); `first`: where they start, for a query that
    /// selects other columns before them.
    static func track(_ row: SQLiteStatement, from first: Int32) throws -> Track {
        func at(_ column: SQLiteTrackColumn) -> Int32 { column.index(from: first) }
        assert(row.columnName(at: at(.id)) == "id" && row.columnName(at: at(.albumCoverHash)) == "album_cover_hash",
               "the track columns do not start at \(first) in \(row.sql)")
        var audio: StoredAudio?
        if let fileTag = row.string(at: at(.fileTag)) {
            audio = StoredAudio(
                durationSeconds: row.double(at: at(.durationSeconds)), sampleRate: row.int(at: at(.sampleRate)),
                channels: row.int(at: at(.channels)), bitrate: row.int(at: at(.bitrate)),
                sizeBytes: row.int64(at: at(.sizeBytes)), fileTag: fileTag)
        }
        return Track(
            id: try row.uuid(at: at(.id)),
            ownerID: try row.optionalUUID(at: at(.ownerID)),
            metadata: TrackMetadata(
                title: row.string(at: at(.title)), artist: row.string(at: at(.artist)),
                album: row.string(at: at(.album)), genre: row.string(at: at(.genre)),
                year: row.optionalInt(at: at(.year)), trackNumber: row.optionalInt(at: at(.trackNumber)),
                albumArtist: row.string(at: at(.albumArtist)), discNumber: row.optionalInt(at: at(.discNumber))),
            visibility: try row.enumeration(Visibility.self, at: at(.visibility)),
            status: try row.enumeration(TrackStatus.self, at: at(.status)),
            error: row.string(at: at(.error)),
            audio: audio,
            createdAt: row.date(at: at(.createdAt)),
            updatedAt: row.date(at: at(.updatedAt)),
            format: AudioFormat(rawValue: row.string(at: at(.format)) ?? "") ?? .mp3,
            sourcePath: row.string(at: at(.sourcePath)),
            coverHash: row.string(at: at(.coverHash)),
            albumCoverHash: row.string(at: at(.albumCoverHash)),
            // Written from these tags by `insert`/`update`: read, not derived again (a SHA-256 each).
            filing: (try row.optionalUUID(at: at(.albumID)), try row.optionalUUID(at: at(.artistID))))
    }
}

extension SQLiteStatement {
    func optionalInt(named name: String) throws -> Int? {
        optionalInt(at: try columnIndex(named: name))
    }

    func optionalInt(at index: Int32) -> Int? {
        isNull(at: index) ? nil : int(at: index)
    }

    fileprivate func enumeration<T: RawRepresentable>(_ type: T.Type, at index: Int32) throws -> T
    where T.RawValue == String {
        guard let text = string(at: index), let value = T(rawValue: text) else {
            let name = columnName(at: index) ?? "\(index)"
            throw SQLiteError(code: SQLITE_CORRUPT, message: "column \(name) holds an unknown value", sql: sql)
        }
        return value
    }
}
