import Foundation

/// `SQLiteLibraryGrouping` on PostgreSQL: files each written track under its artist and album (creating them on
/// first use), and removes what a write leaves empty, inside the caller's transaction.
struct PostgresLibraryGrouping {
    let connection: PostgresConnection

    @discardableResult
    func file(_ metadata: TrackMetadata, at date: Date) throws -> (albumID: UUID?, artistID: UUID?) {
        let artistID = LibraryKey.artistID(of: metadata)
        if let artistID, let name = LibraryKey.artistName(of: metadata), let key = LibraryKey.normalized(name) {
            try connection.execute(
                "INSERT INTO artists (id, name, name_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                [artistID, name.trimmingCharacters(in: .whitespacesAndNewlines), key, date])
        }
        let albumID = LibraryKey.albumID(of: metadata)
        if let albumID, let name = metadata.album, let key = LibraryKey.normalized(name) {
            try connection.execute(
                """
                INSERT INTO albums (id, artist_id, name, name_key, created_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """,
                [albumID, artistID, name.trimmingCharacters(in: .whitespacesAndNewlines), key, date])
        }
        return (albumID, artistID)
    }

    func prune(albumID: UUID?, artistID: UUID?) throws {
        if let albumID {
            try connection.execute(
                "DELETE FROM albums WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM tracks WHERE album_id = $1)", [albumID])
        }
        if let artistID {
            try connection.execute(
                """
                DELETE FROM artists WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM tracks WHERE artist_id = $1)
                AND NOT EXISTS (SELECT 1 FROM albums WHERE artist_id = $1)
                """,
                [artistID])
        }
    }

    func pruneAll() throws {
        try connection.execute(
            "DELETE FROM albums WHERE NOT EXISTS (SELECT 1 FROM tracks WHERE tracks.album_id = albums.id)")
        try connection.execute(
            """
            DELETE FROM artists WHERE NOT EXISTS (SELECT 1 FROM tracks WHERE tracks.artist_id = artists.id)
            AND NOT EXISTS (SELECT 1 FROM albums WHERE albums.artist_id = artists.id)
            """)
    }
}
