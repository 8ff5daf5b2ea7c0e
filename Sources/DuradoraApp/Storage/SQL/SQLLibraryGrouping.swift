import Foundation

/// Keeps the artists and albums tables in step with the tracks: every write of a track files it (creating its
/// artist and album rows on first use), and whatever a write leaves empty goes (an album with no track, then an
/// artist with neither track nor album). Runs inside the caller's transaction, so a track never points at a
/// missing album and no empty album outlives the write that emptied it.
struct SQLLibraryGrouping<Session: SQLSession> {
    let connection: Session

    /// Creates the artist and album `metadata` names, if new; returns their ids (nil where the tags name none).
    @discardableResult
    func file(_ metadata: TrackMetadata, at date: Date) throws -> (albumID: UUID?, artistID: UUID?) {
        let artistID = LibraryKey.artistID(of: metadata)
        if let artistID, let name = LibraryKey.artistName(of: metadata), let key = LibraryKey.normalized(name) {
            try connection.execute(
                "INSERT INTO artists (id, name, name_key, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [artistID, name.trimmingCharacters(in: .whitespacesAndNewlines), key, date])
        }
        let albumID = LibraryKey.albumID(of: metadata)
        if let albumID, let name = metadata.album, let key = LibraryKey.normalized(name) {
            try connection.execute(
                """
                INSERT INTO albums (id, artist_id, name, name_key, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """,
                [albumID, artistID, name.trimmingCharacters(in: .whitespacesAndNewlines), key, date])
        }
        return (albumID, artistID)
    }

    /// Removes the album and the artist when no track is left in them (and the artist has no album either).
    func prune(albumID: UUID?, artistID: UUID?) throws {
        if let albumID {
            try connection.execute(
                "DELETE FROM albums WHERE id = ? AND NOT EXISTS (SELECT 1 FROM tracks WHERE album_id = ?)",
                [albumID, albumID])
        }
        if let artistID {
            try connection.execute(
                """
                DELETE FROM artists WHERE id = ? AND NOT EXISTS (SELECT 1 FROM tracks WHERE artist_id = ?)
                AND NOT EXISTS (SELECT 1 FROM albums WHERE artist_id = ?)
                """,
                [artistID, artistID, artistID])
        }
    }

    /// Every empty album and artist: after a bulk delete.
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
