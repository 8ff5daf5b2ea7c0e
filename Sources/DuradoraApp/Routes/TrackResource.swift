import Foundation

/// A track as the API shows it (contract, "Tracks"): every field present, unknown ones as null, and the stream and
/// download URLs made absolute with the server's public URL.
struct TrackResource: Encodable {
    let track: Track
    let baseURL: String
    /// The signed-in caller's star, rating and plays (contract, "Library"); nil leaves those fields out.
    var personal: TrackPersonal? = nil

    enum CodingKeys: String, CodingKey {
        case id, title, artist, album, genre, year, visibility, status, error, bitrate, channels
        case trackNumber = "track_number"
        case durationSeconds = "duration_seconds"
        case sampleRate = "sample_rate"
        case sizeBytes = "size_bytes"
        case contentType = "content_type"
        case ownerID = "owner_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case streamURL = "stream_url"
        case downloadURL = "download_url"
        case format, rating
        case albumID = "album_id"
        case artistID = "artist_id"
        case albumArtist = "album_artist"
        case discNumber = "disc_number"
        case coverURL = "cover_url"
        case starredAt = "starred_at"
        case playCount = "play_count"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let id = track.id.uuidString.lowercased()
        let metadata = track.metadata
        let audio = track.audio
        try container.encode(id, forKey: .id)
        try container.encode(metadata.title, forKey: .title)
        try container.encode(metadata.artist, forKey: .artist)
        try container.encode(metadata.album, forKey: .album)
        try container.encode(metadata.genre, forKey: .genre)
        try container.encode(metadata.year, forKey: .year)
        try container.encode(metadata.trackNumber, forKey: .trackNumber)
        try container.encode(audio?.durationSeconds, forKey: .durationSeconds)
        try container.encode(audio?.bitrate, forKey: .bitrate)
        try container.encode(audio?.sampleRate, forKey: .sampleRate)
        try container.encode(audio?.channels, forKey: .channels)
        try container.encode(audio?.sizeBytes, forKey: .sizeBytes)
        try container.encode(audio == nil ? nil : track.format.contentType, forKey: .contentType)
        try container.encode(track.visibility, forKey: .visibility)
        try container.encode(track.ownerID?.uuidString.lowercased(), forKey: .ownerID)
        try container.encode(RFC3339.string(from: track.createdAt), forKey: .createdAt)
        try container.encode(RFC3339.string(from: track.updatedAt), forKey: .updatedAt)
        try container.encode(track.status, forKey: .status)
        try container.encode(track.error, forKey: .error)
        try container.encode("\(baseURL)/api/v1/tracks/\(id)/stream", forKey: .streamURL)
        try container.encode("\(baseURL)/api/v1/tracks/\(id)/download", forKey: .downloadURL)
        try container.encode(track.albumID?.uuidString.lowercased(), forKey: .albumID)
        try container.encode(track.artistID?.uuidString.lowercased(), forKey: .artistID)
        try container.encode(metadata.albumArtist, forKey: .albumArtist)
        try container.encode(metadata.discNumber, forKey: .discNumber)
        try container.encode(track.shownCoverHash == nil ? nil : "\(baseURL)/api/v1/tracks/\(id)/cover", forKey: .coverURL)
        try container.encode(track.format.rawValue, forKey: .format)
        if let personal {
            try container.encode(personal.starredAt.map(RFC3339.string(from:)), forKey: .starredAt)
            try container.encode(personal.rating, forKey: .rating)
            try container.encode(personal.playCount, forKey: .playCount)
        }
    }
}

/// `{"items": [...], "total": N, "limit": L, "offset": O}` of tracks.
struct TrackList: Encodable {
    let items: [TrackResource]
    let total: Int
    let limit: Int
    let offset: Int

    init(_ page: Page<Track>, baseURL: String, personal: [UUID: TrackPersonal]? = nil) {
        items = page.items.map { track in
            TrackResource(track: track, baseURL: baseURL, personal: personal.map { $0[track.id] ?? TrackPersonal() })
        }
        total = page.total
        limit = page.limit
        offset = page.offset
    }
}
