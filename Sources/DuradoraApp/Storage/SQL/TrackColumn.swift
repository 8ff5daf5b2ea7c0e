import Foundation

/// The columns of a track row, in the order `selectList` selects them on both backends: the list is made from
/// these cases, so `track(_:from:)` reads each by its position and the two cannot drift.
/// By position, not by name: a read by name looks the name up in a dictionary (hashing it), and a row has 25
/// (measured with callgrind: a third of the instructions of reading one track).
enum TrackColumn: Int32, CaseIterable {
    case id, ownerID, title, artist, album, genre, year, trackNumber, visibility, status, error, durationSeconds
    case sampleRate, channels, bitrate, sizeBytes, fileTag, createdAt, updatedAt, albumArtist, discNumber, format
    case sourcePath, coverHash, albumID, artistID, albumCoverHash

    /// The SELECT list, for `tracks AS t`; the row, and (read only, never written back) `album_cover_hash`.
    static let selectList = allCases.map(\.expression).joined(separator: ", ")

    /// One track by id, the read of every stream and track request. Made once: on SQLite the text is the
    /// statement cache's key (see `SQLiteStatementKey`), on PostgreSQL the prepared statement's.
    static let findSQL = "SELECT \(selectList) FROM tracks AS t WHERE t.id = ?"

    /// The column's position in a row whose track columns start at `first`.
    func index(from first: Int32) -> Int32 { first + rawValue }

    private var expression: String {
        switch self {
        case .id: "t.id"
        case .ownerID: "t.owner_id"
        case .title: "t.title"
        case .artist: "t.artist"
        case .album: "t.album"
        case .genre: "t.genre"
        case .year: "t.year"
        case .trackNumber: "t.track_number"
        case .visibility: "t.visibility"
        case .status: "t.status"
        case .error: "t.error"
        case .durationSeconds: "t.duration_seconds"
        case .sampleRate: "t.sample_rate"
        case .channels: "t.channels"
        case .bitrate: "t.bitrate"
        case .sizeBytes: "t.size_bytes"
        case .fileTag: "t.file_tag"
        case .createdAt: "t.created_at"
        case .updatedAt: "t.updated_at"
        case .albumArtist: "t.album_artist"
        case .discNumber: "t.disc_number"
        case .format: "t.format"
        case .sourcePath: "t.source_path"
        case .coverHash: "t.cover_hash"
        case .albumID: "t.album_id"
        case .artistID: "t.artist_id"
        // Read only, never written back: the album's uploaded cover, else a picture of a track of the album that
        // whoever sees this track may see too — a public one, or one of the same owner kept at the same
        // visibility. A correlated subquery, evaluated only for the rows a page returns.
        case .albumCoverHash:
            """
            (SELECT COALESCE(a.cover_hash, (SELECT MAX(o.cover_hash) FROM tracks AS o WHERE o.album_id = t.album_id \
                AND (o.visibility = 'public' OR (o.owner_id = t.owner_id AND o.visibility = t.visibility)))) \
             FROM albums AS a WHERE a.id = t.album_id) AS album_cover_hash
            """
        }
    }
}

extension TrackColumn {
    /// A row of `selectList`, read by position; `first`: where the columns start, for a query that selects
    /// others before them.
    static func track(_ row: some SQLRow, from first: Int32 = 0) throws -> Track {
        func at(_ column: TrackColumn) -> Int32 { column.index(from: first) }
        assert((try? row.columnIndex(named: "album_cover_hash")) == at(.albumCoverHash),
               "the track columns do not start at \(first)")
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
            // Written from these tags by `insert`/`update`: read, not derived again (a SHA-256 each).
            filing: (try row.optionalUUID(at: at(.albumID)), try row.optionalUUID(at: at(.artistID))))
    }

    /// Values for the columns from `title` to `artist_id`, in the order of the track repository's insert and
    /// update.
    static func mutableValues(_ track: Track) -> [any SQLBindable] {
        let metadata = track.metadata
        let audio = track.audio
        return [
            metadata.title, metadata.artist, metadata.album, metadata.genre, metadata.year, metadata.trackNumber,
            track.visibility.rawValue, track.status.rawValue, track.error, audio?.durationSeconds, audio?.sampleRate,
            audio?.channels, audio?.bitrate, audio?.sizeBytes, audio?.fileTag, metadata.albumArtist,
            metadata.discNumber, track.format.rawValue, track.sourcePath, track.coverHash, track.albumID, track.artistID,
        ]
    }
}
