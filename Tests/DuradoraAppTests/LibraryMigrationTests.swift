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

    /// The stored totals, backfilled by their migration and then kept by triggers, equal the totals recounted from
    /// the tracks after every kind of write.
    @Test func storedTotalsEqualARecountAfterMigrationAndWrites() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("old.sqlite3")
        let step = try #require(Migrations.sqlite.firstIndex { $0.name == "album and artist totals" })
        var ids: [UUID] = []
        func track(_ index: Int, visibility: Visibility, owner: UUID?) -> Track {
            let now = Date(timeIntervalSince1970: Double(index))
            return Track(id: UUID(), ownerID: owner,
                         metadata: TrackMetadata(title: "T\(index)", artist: index % 5 == 0 ? nil : "A\(index % 3)",
                                                 album: index % 4 == 0 ? nil : "B\(index % 6)", genre: "G\(index % 2)",
                                                 year: 1990 + index % 7),
                         visibility: visibility, status: .empty, createdAt: now, updatedAt: now)
        }
        do {
            let old = try SQLiteDatabase.openAndMigrate(path: path, options: .init(migrations: Array(Migrations.sqlite[..<step])))
            defer { old.close() }
            try old.write { transaction in
                for index in 0..<30 {
                    let row = track(index, visibility: index % 3 == 0 ? .private : .public, owner: nil)
                    try transaction.tracks.insert(row)
                    ids.append(row.id)
                }
            }
        }
        let database = try SQLiteDatabase.openAndMigrate(path: path)
        defer { database.close() }
        func expectRecount(_ sourceLocation: SourceLocation = #_sourceLocation) throws {
            try database.withWriter { connection in
                let albums = """
                    SELECT album_id, artist_id, track_count, duration_seconds, year, genre, cover_hash
                    """
                let recountedAlbums = try Self.rows(connection, """
                    SELECT album_id, MIN(artist_id), COUNT(*), TOTAL(duration_seconds), MAX(year), MIN(genre),
                           MAX(cover_hash)
                    FROM tracks WHERE visibility = 'public' AND album_id IS NOT NULL GROUP BY album_id
                    """)
                #expect(try Self.rows(connection, albums + " FROM album_totals") == recountedAlbums,
                        sourceLocation: sourceLocation)
                let recountedArtists = try Self.rows(connection, """
                    SELECT t.artist_id, COUNT(DISTINCT t.album_id), COUNT(*), MAX(COALESCE(a.cover_hash, t.cover_hash))
                    FROM tracks AS t LEFT JOIN albums AS a ON a.id = t.album_id
                    WHERE t.visibility = 'public' AND t.artist_id IS NOT NULL GROUP BY t.artist_id
                    """)
                #expect(try Self.rows(connection, "SELECT artist_id, album_count, track_count, cover_hash FROM artist_totals")
                        == recountedArtists, sourceLocation: sourceLocation)
                #expect(!recountedAlbums.isEmpty, sourceLocation: sourceLocation)
            }
        }
        try expectRecount()
        try database.write { transaction in
            for (index, id) in ids.enumerated() where index % 2 == 0 {
                var changed = try #require(try transaction.tracks.find(id: id))
                changed.visibility = index % 4 == 0 ? .public : .link
                changed.metadata.album = index % 3 == 0 ? "Moved" : changed.metadata.album
                changed.metadata.year = 2000 + index
                try transaction.tracks.update(changed)
            }
        }
        try expectRecount()
        try database.write { transaction in
            for id in ids.prefix(12) { try transaction.tracks.delete(id: id) }
            let album = try #require(try transaction.library.albums(AlbumQuery()).items.first)
            try transaction.library.setCover(String(repeating: "f", count: 64), ofAlbum: album.id)
        }
        try expectRecount()
    }

    private static func rows(_ connection: SQLiteConnection, _ sql: String) throws -> [String] {
        try connection.query(sql + " ORDER BY 1") { row in
            (0..<row.columnCount).map { "\(row.value(at: $0))" }.joined(separator: "|")
        }
    }
}
