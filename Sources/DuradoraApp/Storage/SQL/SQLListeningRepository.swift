import Foundation

/// `ListeningRepository` on one connection of either backend: stars in `track_stars`/`album_stars`/`artist_stars`,
/// ratings, the play history and the per-(user, track) play counts (SQLite's migration "library").
struct SQLListeningRepository<Session: SQLSession>: ListeningRepository {
    let connection: Session

    private static func table(_ kind: LibraryItemKind) -> String {
        switch kind {
        case .tracks: "track_stars"
        case .albums: "album_stars"
        case .artists: "artist_stars"
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func star(_ kind: LibraryItemKind, id: UUID, userID: UUID, at date: Date) throws {
        try connection.guarded(conflictField: nil) {  // a foreign key: no such item (or user)
            try connection.execute(
                "INSERT INTO \(Self.table(kind)) (user_id, item_id, starred_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [userID, id, date])
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func unstar(_ kind: LibraryItemKind, id: UUID, userID: UUID) throws {
        try connection.execute("DELETE FROM \(Self.table(kind)) WHERE user_id = ? AND item_id = ?", [userID, id])
    }

    @_specialize(where Session == SQLiteConnection)
    func starredTracks(userID: UUID, limit: Int) throws -> [Track] {
        try connection.query(
            """
            SELECT \(TrackColumn.selectList) FROM track_stars AS s JOIN tracks AS t ON t.id = s.item_id
            WHERE s.user_id = ?1 AND \(LibraryStatements.of(Session.dialect).visible) ORDER BY s.starred_at DESC LIMIT ?
            """,
            [userID, max(limit, 0)]) { try TrackColumn.track($0) }
    }

    @_specialize(where Session == SQLiteConnection)
    func setRating(_ rating: Int?, trackID: UUID, userID: UUID) throws {
        guard let rating else {
            try connection.execute("DELETE FROM ratings WHERE user_id = ? AND track_id = ?", [userID, trackID])
            return
        }
        try connection.execute(
            """
            INSERT INTO ratings (user_id, track_id, rating) VALUES (?, ?, ?)
            ON CONFLICT (user_id, track_id) DO UPDATE SET rating = excluded.rating
            """,
            [userID, trackID, rating])
    }

    @_specialize(where Session == SQLiteConnection)
    func recordPlay(trackID: UUID, userID: UUID, at date: Date) throws {
        try connection.execute("INSERT INTO plays (user_id, track_id, played_at) VALUES (?, ?, ?)",
                               [userID, trackID, date])
        try connection.execute(
            """
            INSERT INTO play_counts AS pc (user_id, track_id, play_count, last_played_at) VALUES (?, ?, 1, ?)
            ON CONFLICT (user_id, track_id) DO UPDATE SET play_count = pc.play_count + 1,
                last_played_at = \(Session.dialect.greatest)(pc.last_played_at, excluded.last_played_at)
            """,
            [userID, trackID, date])
    }

    @_specialize(where Session == SQLiteConnection)
    func history(userID: UUID, limit: Int, offset: Int) throws -> Page<PlayedTrack> {
        let from = """
            plays AS p JOIN tracks AS t ON t.id = p.track_id WHERE p.user_id = ?1 AND \(LibraryStatements.of(Session.dialect).visible)
            """
        let total = try connection.scalarInt("SELECT COUNT(*) FROM \(from)", [userID])
        let items = try connection.query(
            """
            SELECT \(TrackColumn.selectList), p.played_at FROM \(from)
            ORDER BY p.played_at DESC, p.rowid DESC LIMIT ? OFFSET ?
            """,
            [userID, max(limit, 0), max(offset, 0)]
        ) { row in
            PlayedTrack(track: try TrackColumn.track(row), playedAt: try row.date(named: "played_at"))
        }
        return Page(items: items, total: total, limit: limit, offset: offset)
    }

    @_specialize(where Session == SQLiteConnection)
    func overallPlays(trackID: UUID) throws -> (count: Int, lastPlayedAt: Date?) {
        try connection.queryFirst(
            """
            SELECT \(Session.dialect.sumOfIntegers("play_count")) AS n, MAX(last_played_at) AS last
            FROM play_counts WHERE track_id = ?
            """,
            [trackID]
        ) { (try $0.int(named: "n"), try $0.optionalDate(named: "last")) } ?? (0, nil)
    }

    @_specialize(where Session == SQLiteConnection)
    func personal(trackIDs: [UUID], userID: UUID) throws -> [UUID: TrackPersonal] {
        guard !trackIDs.isEmpty else { return [:] }
        // The ids as one JSON array: one statement (and one cached plan) for any number of tracks.
        let rows = try connection.query(
            """
            SELECT j.value AS id, s.starred_at, r.rating, pc.play_count, pc.last_played_at
            FROM \(Session.dialect.jsonTextElements("?2"))
            LEFT JOIN track_stars AS s ON s.user_id = ?1 AND s.item_id = j.value
            LEFT JOIN ratings AS r ON r.user_id = ?1 AND r.track_id = j.value
            LEFT JOIN play_counts AS pc ON pc.user_id = ?1 AND pc.track_id = j.value
            WHERE s.item_id IS NOT NULL OR r.track_id IS NOT NULL OR pc.track_id IS NOT NULL
            """,
            [userID, LibrarySQL.jsonArray(trackIDs)]
        ) { row in
            (try row.uuid(named: "id"),
             TrackPersonal(starredAt: try row.optionalDate(named: "starred_at"), rating: try row.optionalInt(named: "rating"),
                           playCount: try row.int(named: "play_count"),
                           lastPlayedAt: try row.optionalDate(named: "last_played_at")))
        }
        return Dictionary(rows) { first, _ in first }
    }
}
