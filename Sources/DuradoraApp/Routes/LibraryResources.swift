import Foundation

/// An album as the API shows it (contract, "Library"); `tracks` only on the single-album answer, and
/// `starred_at`/`play_count` only for a signed-in caller.
struct AlbumResource: Encodable {
    let album: Album
    let baseURL: String
    var tracks: [TrackView]?
    var isSignedIn: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, artist, year, genre, tracks
        case artistID = "artist_id"
        case trackCount = "track_count"
        case durationSeconds = "duration_seconds"
        case coverURL = "cover_url"
        case createdAt = "created_at"
        case starredAt = "starred_at"
        case playCount = "play_count"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let id = album.id.lowercasedString
        try container.encode(id, forKey: .id)
        try container.encode(album.name, forKey: .name)
        try container.encode(album.artistName, forKey: .artist)
        try container.encode(album.artistID?.lowercasedString, forKey: .artistID)
        try container.encode(album.year, forKey: .year)
        try container.encode(album.genre, forKey: .genre)
        try container.encode(album.trackCount, forKey: .trackCount)
        try container.encode(album.durationSeconds, forKey: .durationSeconds)
        try container.encode(album.coverHash == nil ? nil : "\(baseURL)/api/v1/albums/\(id)/cover", forKey: .coverURL)
        try container.encode(RFC3339.string(from: album.createdAt), forKey: .createdAt)
        if isSignedIn {
            try container.encode(album.starredAt.map(RFC3339.string(from:)), forKey: .starredAt)
            try container.encode(album.playCount ?? 0, forKey: .playCount)
        }
        if let tracks {
            try container.encode(tracks.map { TrackResource(track: $0.track, baseURL: baseURL, personal: $0.personal) },
                                 forKey: .tracks)
        }
    }
}

/// An artist as the API shows it; `albums` only on the single-artist answer, `starred_at` for a signed-in caller.
struct ArtistResource: Encodable {
    let artist: Artist
    let baseURL: String
    var albums: [Album]?
    var isSignedIn: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, albums
        case albumCount = "album_count"
        case trackCount = "track_count"
        case coverURL = "cover_url"
        case starredAt = "starred_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let id = artist.id.lowercasedString
        try container.encode(id, forKey: .id)
        try container.encode(artist.name, forKey: .name)
        try container.encode(artist.albumCount, forKey: .albumCount)
        try container.encode(artist.trackCount, forKey: .trackCount)
        try container.encode(artist.coverHash == nil ? nil : "\(baseURL)/api/v1/artists/\(id)/cover", forKey: .coverURL)
        if isSignedIn { try container.encode(artist.starredAt.map(RFC3339.string(from:)), forKey: .starredAt) }
        if let albums {
            try container.encode(albums.map { AlbumResource(album: $0, baseURL: baseURL, isSignedIn: isSignedIn) },
                                 forKey: .albums)
        }
    }
}

/// `{"items": [...], "total", "limit", "offset"}` of any resource.
struct ResourcePage<Item: Encodable>: Encodable {
    let items: [Item]
    let total: Int
    let limit: Int
    let offset: Int

    init<Source>(_ page: Page<Source>, _ transform: (Source) -> Item) {
        items = page.items.map(transform)
        total = page.total
        limit = page.limit
        offset = page.offset
    }
}

/// `{"name","track_count","album_count"}`.
struct GenreResource: Encodable {
    let name: String
    let trackCount: Int
    let albumCount: Int

    init(_ genre: Genre) {
        name = genre.name
        trackCount = genre.trackCount
        albumCount = genre.albumCount
    }

    enum CodingKeys: String, CodingKey {
        case name
        case trackCount = "track_count"
        case albumCount = "album_count"
    }
}

/// One history entry: `{"track","played_at"}`.
struct PlayedTrackResource: Encodable {
    let track: TrackResource
    let playedAt: String

    enum CodingKeys: String, CodingKey {
        case track
        case playedAt = "played_at"
    }
}
