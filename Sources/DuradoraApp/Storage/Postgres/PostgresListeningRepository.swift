import Foundation

/// `ListeningRepository` on one PostgreSQL connection: stars, ratings, the play history and per-(user, track)
/// play counts, in the tables of `PostgresSchema` (as `SQLiteListeningRepository`).
struct PostgresListeningRepository: ListeningRepository {
    let connection: PostgresConnection

    private static func table(_ kind: LibraryItemKind) -> String {
        switch kind {
        case .tracks: "track_stars"
        case .albums: "album_stars"
        case .artists: "artist_stars"
        }
    }

    func star(_ kind: LibraryItemKind, id: UUID, userID: UUID, at date: Date) throws {
        try connection.guarded(conflictField: nil) {  // a foreign key: no such item (or user)
            try connection.execute(
                "INSERT INTO \(Self.table(kind)) (user_id, item_id, starred_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                [userID, id, date])
        }
    }

    func unstar(_ kind: LibraryItemKind, id: UUID, userID: UUID) throws {
        try connection.execute("DELETE FROM \(Self.table(kind)) WHERE user_id = $1 AND item_id = $2", [userID, id])
    }

    func starredTracks(userID: UUID, limit: Int) throws -> [Track] {
        try connection.query(
            """
            SELECT \(PostgresTrackColumn.selectList) FROM track_stars AS s JOIN tracks AS t ON t.id = s.item_id
            WHERE s.user_id = $1 AND \(PostgresLibraryRepository.visible) ORDER BY s.starred_at DESC LIMIT $2
            """,
            [userID, max(limit, 0)], row: PostgresTrackRepository.track)
    }

    func setRating(_ rating: Int?, trackID: UUID, userID: UUID) throws {
        guard let rating else {
            try connection.execute("DELETE FROM ratings WHERE user_id = $1 AND track_id = $2", [userID, trackID])
            return
        }
        try connection.execute(
            """
            INSERT INTO ratings (user_id, track_id, rating) VALUES ($1, $2, $3)
            ON CONFLICT (user_id, track_id) DO UPDATE SET rating = excluded.rating
            """,
            [userID, trackID, rating])
    }

    func recordPlay(trackID: UUID, userID: UUID, at date: Date) throws {
        try connection.execute("INSERT INTO plays (user_id, track_id, played_at) VALUES ($1, $2, $3)",
                               [userID, trackID, date])
        try connection.execute(
            """
            INSERT INTO play_counts AS pc (user_id, track_id, play_count, last_played_at) VALUES ($1, $2, 1, $3)
            ON CONFLICT (user_id, track_id) DO UPDATE SET play_count = pc.play_count + 1,
                last_played_at = GREATEST(pc.last_played_at, excluded.last_played_at)
            """,
            [userID, trackID, date])
    }

    func history(userID: UUID, limit: Int, offset: Int) throws -> Page<PlayedTrack> {
        let from = "plays AS p JOIN tracks AS t ON t.id = p.track_id WHERE p.user_id = $1 AND \(PostgresLibraryRepository.visible)"
        let total = try connection.scalarInt("SELECT COUNT(*) FROM \(from)", [userID])
        let items = try connection.query(
            """
            SELECT \(PostgresTrackColumn.selectList), p.played_at FROM \(from)
            ORDER BY p.played_at DESC, p.rowid DESC LIMIT $2 OFFSET $3
            """,
            [userID, max(limit, 0), max(offset, 0)]
        ) { row in
            PlayedTrack(track: try PostgresTrackRepository.track(row), playedAt: try row.date(named: "played_at"))
        }
        return Page(items: items, total: total, limit: limit, offset: offset)
    }

    func overallPlays(trackID: UUID) throws -> (count: Int, lastPlayedAt: Date?) {
        try connection.queryFirst(
            "SELECT COALESCE(SUM(play_count), 0)::int8 AS n, MAX(last_played_at) AS last FROM play_counts WHERE track_id = $1",
            [trackID]
        ) { (try $0.int(named: "n"), try $0.optionalDate(named: "last")) } ?? (0, nil)
    }

    func personal(trackIDs: [UUID], userID: UUID) throws -> [UUID: TrackPersonal] {
        guard !trackIDs.isEmpty else { return [:] }
        // The ids as one JSON array parameter: one statement (and one prepared plan) for any number of tracks.
        let rows = try connection.query(
            """
            SELECT j.id, s.starred_at, r.rating, pc.play_count, pc.last_played_at
            FROM json_array_elements_text($2::json) AS j (id)
            LEFT JOIN track_stars AS s ON s.user_id = $1 AND s.item_id = j.id
            LEFT JOIN ratings AS r ON r.user_id = $1 AND r.track_id = j.id
            LEFT JOIN play_counts AS pc ON pc.user_id = $1 AND pc.track_id = j.id
            WHERE s.item_id IS NOT NULL OR r.track_id IS NOT NULL OR pc.track_id IS NOT NULL
            """,
            [userID, SQLiteLibraryRepository.jsonArray(trackIDs)]
        ) { row in
            (try row.uuid(named: "id"),
             TrackPersonal(starredAt: try row.optionalDate(named: "starred_at"), rating: try row.optionalInt(named: "rating"),
                           playCount: try row.int(named: "play_count"),
                           lastPlayedAt: try row.optionalDate(named: "last_played_at")))
        }
        return Dictionary(rows) { first, _ in first }
    }
}
