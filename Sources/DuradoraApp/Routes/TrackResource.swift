import Foundation

/// A track as the API shows it (contract, "Tracks"): every field present, unknown ones as null, and the stream and
/// download URLs made absolute with the server's public URL.
struct TrackResource: Encodable {
    let track: Track
    let baseURL: String
    /// The signed-in caller's star, rating and plays (contract, "Library"); nil leaves those fields out.
    var personal: TrackPersonal? = nil

    /// Inside a larger `Encodable` answer (a playlist's entries, favourites).
    func encode(to encoder: any Encoder) throws {
        var fields = EncoderFields(encoder)
        try write(to: &fields)
    }

    /// The track alone as JSON bytes, without `JSONEncoder` (the worker path of `GET /api/v1/tracks/{id}`).
    func json() -> [UInt8] {
        var writer = JSONBytes()
        write(into: &writer)
        return writer.bytes
    }

    /// `{…}`, as an answer or an item of a list.
    func write(into writer: inout JSONBytes) {
        writer.beginObject()
        write(to: &writer)
        writer.endObject()
    }

    /// Every field, once, in the order of the names (see `JSONFields`); `TrackResourceTests` compares the bytes
    /// with `JSONEncoder`'s.
    private func write<Fields: JSONFields>(to fields: inout Fields) throws(Fields.Failure) {
        let metadata = track.metadata
        let audio = track.audio
        try fields.string("album", metadata.album)
        try fields.string("album_artist", metadata.albumArtist)
        try fields.id("album_id", track.albumID)
        try fields.string("artist", metadata.artist)
        try fields.id("artist_id", track.artistID)
        try fields.integer("bitrate", audio?.bitrate)
        try fields.integer("channels", audio?.channels)
        try fields.string("content_type", audio == nil ? nil : track.format.contentType)
        try fields.link("cover_url", baseURL, "/api/v1/tracks/", track.shownCoverHash == nil ? nil : track.id, "/cover")
        try fields.time("created_at", track.createdAt)
        try fields.integer("disc_number", metadata.discNumber)
        try fields.link("download_url", baseURL, "/api/v1/tracks/", track.id, "/download")
        try fields.number("duration_seconds", audio?.durationSeconds)
        try fields.string("error", track.error)
        try fields.string("format", track.format.rawValue)
        try fields.string("genre", metadata.genre)
        try fields.id("id", track.id)
        try fields.id("owner_id", track.ownerID)
        if let personal { try fields.integer("play_count", personal.playCount) }
        if let personal { try fields.integer("rating", personal.rating) }
        try fields.integer("sample_rate", audio?.sampleRate)
        try fields.integer("size_bytes", audio.map { Int($0.sizeBytes) })
        if let personal { try fields.time("starred_at", personal.starredAt) }
        try fields.string("status", track.status.rawValue)
        try fields.link("stream_url", baseURL, "/api/v1/tracks/", track.id, "/stream")
        try fields.string("title", metadata.title)
        try fields.integer("track_number", metadata.trackNumber)
        try fields.time("updated_at", track.updatedAt)
        try fields.string("visibility", track.visibility.rawValue)
        try fields.integer("year", metadata.year)
    }
}

/// `{"items": [...], "total": N, "limit": L, "offset": O}` of tracks, written as bytes like a track alone.
struct TrackList {
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

    func json() -> [UInt8] {
        var writer = JSONBytes(capacity: 1024 * (items.count + 1))
        writer.beginObject()
        writer.beginArray("items")
        for item in items { item.write(into: &writer) }
        writer.endArray()
        writer.integer("limit", limit)
        writer.integer("offset", offset)
        writer.integer("total", total)
        writer.endObject()
        return writer.bytes
    }
}
