/// The columns of a track row, in the order `SQLiteTrackRepository.columns` selects them: the list is made from
/// these cases, so `SQLiteTrackRepository.track(_:from:)` reads each by its position and the two cannot drift.
/// By position, not by name: a read by name looks the name up in a dictionary (hashing it), and a row has 25
/// (measured with callgrind: a third of the instructions of reading one track).
enum SQLiteTrackColumn: Int32, CaseIterable {
    case id, ownerID, title, artist, album, genre, year, trackNumber, visibility, status, error, durationSeconds
    case sampleRate, channels, bitrate, sizeBytes, fileTag, createdAt, updatedAt, albumArtist, discNumber, format
    case sourcePath, coverHash, albumID, artistID, albumCoverHash

    /// The SELECT list, for `tracks AS t`.
    static let selectList = allCases.map(\.expression).joined(separator: ", ")

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
