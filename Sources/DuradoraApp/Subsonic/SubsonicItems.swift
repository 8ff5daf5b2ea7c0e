import Foundation

/// How tracks and playlists look in Subsonic answers: a song is a `Child`, a playlist a `Playlist`.
enum SubsonicItems {
    /// A song as a `Child`: the schema's required `id, isDir, title` plus what players use (album and artist ids
    /// for navigation, size, suffix and content type for caching and Range, duration for the seek bar), and the
    /// caller's star, rating and plays when `personal` is given.
    static func song(_ track: Track, personal: TrackPersonal? = nil) -> SubsonicElement {
        let metadata = track.metadata
        var element = SubsonicElement()
        let albumID = track.albumID.map(id)
        element.set("id", id(track.id))
        element.set("parent", albumID)
        element.set("isDir", false)
        element.set("title", metadata.title ?? "Untitled")
        element.set("album", metadata.album)
        element.set("artist", metadata.artist)
        element.set("track", metadata.trackNumber)
        element.set("discNumber", metadata.discNumber)
        element.set("year", metadata.year)
        element.set("genre", metadata.genre)
        if let audio = track.audio {
            element.set("size", Int(audio.sizeBytes))
            // The bare media type: clients compare it as a whole (no `; codecs=` parameter).
            element.set("contentType", String(track.format.contentType.prefix { $0 != ";" }))
            element.set("suffix", track.format.rawValue)
            element.set("duration", Int(audio.durationSeconds.rounded()))
            element.set("bitRate", audio.bitrate)
            element.set("samplingRate", audio.sampleRate)
            element.set("channelCount", audio.channels)
        }
        element.set("created", track.createdAt)
        element.set("albumId", albumID)
        element.set("artistId", track.artistID.map(id))
        element.set("coverArt", track.shownCoverHash.map { _ in id(track.id) })
        element.set("type", "music")
        element.set("mediaType", "song")
        element.set("isVideo", false)
        if let personal {
            element.set("starred", personal.starredAt)
            element.set("userRating", personal.rating)
            element.set("playCount", personal.playCount)
        }
        return element
    }

    static func song(_ view: TrackView) -> SubsonicElement {
        song(view.track, personal: view.personal)
    }

    /// Every id a client sees is one of the library's UUIDs, lowercased (clients treat ids as opaque strings).
    static func id(_ uuid: UUID) -> String {
        uuid.uuidString.lowercased()
    }

    /// A playlist; with its entries for `getPlaylist` (only those the caller may see, as in the REST API).
    /// `public` is the REST visibility `public`; link and private playlists are not public.
    static func playlist(_ view: PlaylistView, withEntries: Bool) -> SubsonicElement {
        let playlist = view.playlist
        var element = SubsonicElement()
        element.set("id", id(playlist.id))
        element.set("name", playlist.name)
        element.set("comment", playlist.description)
        element.set("owner", playlist.ownerName)
        element.set("public", playlist.visibility == .public)
        element.set("songCount", view.trackCount)
        element.set("duration", Int(view.durationSeconds.rounded()))
        element.set("created", playlist.createdAt)
        element.set("changed", playlist.updatedAt)
        if withEntries { element.add("entry", (view.entries ?? []).map { song($0.track) }) }
        return element
    }
}
