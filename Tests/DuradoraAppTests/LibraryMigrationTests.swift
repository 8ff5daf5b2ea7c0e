import Foundation
import Testing
@testable import DuradoraApp

/// Tracks that existed before the library step get their albums and artists when it is applied.
@Suite struct LibraryMigrationTests {
    @Test func existingTracksAreFiledIntoAlbumsAndArtists() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("old.sqlite3")
        let step = try #require(Migrations.sqlite.firstIndex { $0.name.hasPrefix("library") })
        let before = Array(Migrations.sqlite[..<step])
        do {
            let old = try SQLiteDatabase.openAndMigrate(path: path, options: .init(migrations: before))
            defer { old.close() }
            try old.withWriter { connection in
                let rows: [(String?, String?)] = [("The Band", "First"), ("the band ", "FIRST"), ("Other", "First"),
                                                  ("Solo", nil), (nil, nil)]
                for (artist, album) in rows {
                    try connection.execute(
                        """
                        INSERT INTO tracks (id, owner_id, title, artist, album, visibility, status, created_at, updated_at)
                        VALUES (?, NULL, 't', ?, ?, 'public', 'empty', 0, 0)
                        """, [UUID(), artist, album])
                }
            }
        }
        let database = try SQLiteDatabase.openAndMigrate(path: path)
        defer { database.close() }
        let albums = try database.read { try $0.library.albums(AlbumQuery()) }
        #expect(albums.items.map(\.name) == ["First", "First"])
        #expect(albums.items.map(\.trackCount).sorted() == [1, 2])
        let artists = try database.read { try $0.library.artists(ArtistQuery()) }
        #expect(artists.items.map(\.name) == ["Other", "Solo", "The Band"])
        let tracks = try database.read { try $0.tracks.list(TrackQuery()) }.items
        // What the migration stored is what every later write derives.
        for track in tracks {
            let stored = try database.withWriter { connection in
                try connection.queryFirst("SELECT album_id, artist_id FROM tracks WHERE id = ?", [track.id]) {
                    (try $0.optionalUUID(named: "album_id"), try $0.optionalUUID(named: "artist_id"))
                }
            }
            #expect(stored?.0 == track.albumID && stored?.1 == track.artistID)
            #expect(track.format == .mp3)
        }
    }
}
