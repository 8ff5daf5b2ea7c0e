import Foundation

/// `TrackRepository` on one PostgreSQL connection, inside the caller's transaction. Search matches the stored
/// `search` tsvector (`PostgresSchema`) with every word a prefix, ranked by `ts_rank` with the columns weighted
/// as on SQLite (title 10, artist 5, album 3, genre 1) and normalised by length.
///
/// The ranking is not SQLite's (`SQLiteSearchRank`, bm25 without the idf): the same hits come back, and the
/// orders agree where one column or a shorter text decides (the tests' cases), but scores that mix several
/// words over several columns can order differently. Tokenising differs at the edges too: PostgreSQL's parser
/// keeps e.g. `e-mail` as a word beside its parts, FTS5's unicode61 only the parts.
struct PostgresTrackRepository: TrackRepository {
    let connection: PostgresConnection

    private var grouping: PostgresLibraryGrouping { PostgresLibraryGrouping(connection: connection) }

    private static let findSQL = "SELECT \(PostgresTrackColumn.selectList) FROM tracks AS t WHERE t.id = $1"

    func insert(_ track: Track) throws {
        try connection.guarded(conflictField: "id") {  // no such owner, or the id is taken
            try grouping.file(track.metadata, at: track.updatedAt)
            try connection.execute(
                """
                INSERT INTO tracks (id, owner_id, title, artist, album, genre, year, track_number, visibility, status,
                                    error, duration_seconds, sample_rate, channels, bitrate, size_bytes, file_tag,
                                    album_artist, disc_number, format, source_path, cover_hash, album_id, artist_id,
                                    created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                        $22, $23, $24, $25, $26)
                """,
                [track.id, track.ownerID] + Self.mutableValues(track) + [track.createdAt, track.updatedAt])
        }
    }

    func find(id: UUID) throws -> Track? {
        try connection.queryFirst(Self.findSQL, [id], row: Self.track)
    }

    func update(_ track: Track) throws {
        let previous = try connection.queryFirst("SELECT album_id, artist_id FROM tracks WHERE id = $1", [track.id]) {
            (album: try $0.optionalUUID(named: "album_id"), artist: try $0.optionalUUID(named: "artist_id"))
        }
        guard let previous else { throw StorageError.notFound }
        try grouping.file(track.metadata, at: track.updatedAt)
        try connection.guarded(conflictField: nil) {  // e.g. a source path another track has
            try connection.execute(
                """
                UPDATE tracks SET title = $1, artist = $2, album = $3, genre = $4, year = $5, track_number = $6,
                    visibility = $7, status = $8, error = $9, duration_seconds = $10, sample_rate = $11, channels = $12,
                    bitrate = $13, size_bytes = $14, file_tag = $15, album_artist = $16, disc_number = $17, format = $18,
                    source_path = $19, cover_hash = $20, album_id = $21, artist_id = $22, updated_at = $23
                WHERE id = $24
                """,
                Self.mutableValues(track) + [track.updatedAt, track.id])
        }
        if previous.album != track.albumID || previous.artist != track.artistID {
            try grouping.prune(albumID: previous.album, artistID: previous.artist)
        }
    }

    func delete(id: UUID) throws {
        let removed = try connection.queryFirst("DELETE FROM tracks WHERE id = $1 RETURNING album_id, artist_id", [id]) {
            (album: try $0.optionalUUID(named: "album_id"), artist: try $0.optionalUUID(named: "artist_id"))
        }
        guard let removed else { throw StorageError.notFound }
        try grouping.prune(albumID: removed.album, artistID: removed.artist)
    }

    func list(_ query: TrackQuery) throws -> Page<Track> {
        var conditions: [String] = []
        var parameters: [any PostgresBindable] = []
        // What the caller may list (`PostgresLibraryRepository.visible`); an admin filtering on an owner sees all.
        if query.viewerIsAdmin && (query.ownerID != nil || query.ownerName != nil) {
            conditions.append("TRUE")
        } else {
            conditions.append("(t.visibility = 'public' OR t.owner_id = ?::text)")
            parameters.append(query.viewerID)
        }
        for (column, value) in [("artist", query.artist), ("album", query.album), ("genre", query.genre)] {
            guard let value else { continue }
            conditions.append("duradora_nocase(t.\(column)) = duradora_nocase(?)")
            parameters.append(value)
        }
        if let owner = query.ownerID {
            conditions.append("t.owner_id = ?")
            parameters.append(owner)
        }
        if let name = query.ownerName {
            conditions.append("t.owner_id = (SELECT id FROM users WHERE duradora_nocase(username) = duradora_nocase(?))")
            parameters.append(name)
        }
        // Newest first; ties as on SQLite (`tracks_newest`'s order walked backwards). DESC puts NULLs first in
        // PostgreSQL and last in SQLite: an owner-less track sorts as SQLite sorts it.
        var order = "t.created_at DESC, t.visibility DESC, t.owner_id DESC NULLS LAST, t.rowid DESC"
        var select = PostgresTrackColumn.selectList
        if let match = Self.tsquery(query.text) {
            conditions.append("t.search @@ to_tsquery('simple', duradora_unaccent(?))")
            parameters.append(match)
            // Weights are {D, C, B, A} = genre, album, artist, title; normalisation 1 divides by 1 + log(length).
            select += ", ts_rank('{0.1, 0.3, 0.5, 1.0}', t.search, to_tsquery('simple', duradora_unaccent(?)), 1) AS rank"
            order = "rank DESC, t.created_at DESC, t.rowid DESC"
        } else if query.text.map({ !$0.isEmpty }) == true {
            // Words made only of punctuation match nothing rather than everything.
            conditions.append("FALSE")
        }
        let whereClause = conditions.joined(separator: " AND ")
        // The rank's `?` comes first in the text: its value is the match again, ahead of the conditions'.
        let rankParameters: [any PostgresBindable] = Self.tsquery(query.text).map { [$0] } ?? []
        let items = try connection.query(
            PostgresSQL.numbered("SELECT \(select) FROM tracks AS t WHERE \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?"),
            rankParameters + parameters + [max(query.limit, 0), max(query.offset, 0)], row: Self.track)
        return try Page(items: items, limit: query.limit, offset: query.offset, counted: query.countsTotal) {
            try connection.scalarInt(PostgresSQL.numbered("SELECT COUNT(*) FROM tracks AS t WHERE \(whereClause)"),
                                     parameters)
        }
    }

    /// The words of `text` (split as `TrackQuery.matchExpression` splits them) as a tsquery: each one quoted and
    /// a prefix, all required. Quoting means input is never tsquery syntax (`&`, `|`, `!`, `:`, `<->`, …).
    static func tsquery(_ text: String?) -> String? {
        guard let text else { return nil }
        let words = text.split { !($0.isLetter || $0.isNumber) }
        guard !words.isEmpty else { return nil }
        return words.map { "'\($0.replacingOccurrences(of: "'", with: "''"))':*" }.joined(separator: " & ")
    }

    func deleteAll(ownedBy ownerID: UUID) throws -> [UUID] {
        let ids = try connection.query("DELETE FROM tracks WHERE owner_id = $1 RETURNING id", [ownerID]) {
            try $0.uuid(named: "id")
        }
        if !ids.isEmpty { try grouping.pruneAll() }
        return ids
    }

    func count() throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM tracks")
    }

    func failUnfinished(reason: String, at date: Date) throws -> Int {
        try connection.execute(
            "UPDATE tracks SET status = 'failed', error = $1, updated_at = $2 WHERE status = 'processing'", [reason, date])
    }

    /// Values for the columns from `title` to `artist_id`, in the order of `insert` and `update`.
    private static func mutableValues(_ track: Track) -> [any PostgresBindable] {
        let metadata = track.metadata
        let audio = track.audio
        return [
            metadata.title, metadata.artist, metadata.album, metadata.genre, metadata.year, metadata.trackNumber,
            track.visibility.rawValue, track.status.rawValue, track.error, audio?.durationSeconds, audio?.sampleRate,
            audio?.channels, audio?.bitrate, audio?.sizeBytes, audio?.fileTag, metadata.albumArtist,
            metadata.discNumber, track.format.rawValue, track.sourcePath, track.coverHash, track.albumID, track.artistID,
        ]
    }

    /// A row whose first columns are `PostgresTrackColumn.selectList`.
    static func track(_ row: PostgresRow) throws -> Track {
        func at(_ column: SQLiteTrackColumn) -> Int { Int(column.rawValue) }
        var audio: StoredAudio?
        if let fileTag = row.string(at: at(.fileTag)) {
            audio = StoredAudio(
                durationSeconds: try row.double(at: at(.durationSeconds)), sampleRate: try row.int(at: at(.sampleRate)),
                channels: try row.int(at: at(.channels)), bitrate: try row.int(at: at(.bitrate)),
                sizeBytes: try row.int64(at: at(.sizeBytes)), fileTag: fileTag)
        }
        return Track(
            id: try row.uuid(at: at(.id)),
            ownerID: try row.optionalUUID(at: at(.ownerID)),
            metadata: TrackMetadata(
                title: row.string(at: at(.title)), artist: row.string(at: at(.artist)),
                album: row.string(at: at(.album)), genre: row.string(at: at(.genre)),
                year: try row.optionalInt(at: at(.year)), trackNumber: try row.optionalInt(at: at(.trackNumber)),
                albumArtist: row.string(at: at(.albumArtist)), discNumber: try row.optionalInt(at: at(.discNumber))),
            visibility: try row.enumeration(Visibility.self, at: at(.visibility)),
            status: try row.enumeration(TrackStatus.self, at: at(.status)),
            error: row.string(at: at(.error)),
            audio: audio,
            createdAt: try row.date(at: at(.createdAt)),
            updatedAt: try row.date(at: at(.updatedAt)),
            format: AudioFormat(rawValue: row.string(at: at(.format)) ?? "") ?? .mp3,
            sourcePath: row.string(at: at(.sourcePath)),
            coverHash: row.string(at: at(.coverHash)),
            albumCoverHash: row.string(at: at(.albumCoverHash)),
            filing: (try row.optionalUUID(at: at(.albumID)), try row.optionalUUID(at: at(.artistID))))
    }
}

/// The track columns: the same list (and positions, `SQLiteTrackColumn`) as SQLite's, whose SQL is plain enough
/// for both backends, so a new column is added in one place.
enum PostgresTrackColumn {
    static let selectList = SQLiteTrackColumn.selectList
}
