import Foundation

/// How tracks and playlists look in Subsonic answers: a song is a `Child`, a playlist a `Playlist`.
enum SubsonicItems {
    /// A song as a `Child`: the schema's required `id, isDir, title` plus what players use (album and artist ids
    /// for navigation, size, suffix and content type for caching and Range, duration for the seek bar), and the
    /// caller's star, rating and plays when `personal` is given.
    static func song(_ track: Track, personal: TrackPersonal? = nil) -> SubsonicElement {
        let metadata = track.metadata
        var element = SubsonicElement()
        element.reserveAttributes(songAttributes)
        let albumID = track.albumID
        element.set("id", track.id)
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
            element.set("contentType", bareContentTypes[track.format])
            element.set("suffix", track.format.rawValue)
            element.set("duration", Int(audio.durationSeconds.rounded()))
            element.set("bitRate", audio.bitrate)
            element.set("samplingRate", audio.sampleRate)
            element.set("channelCount", audio.channels)
        }
        element.set("created", track.createdAt)
        element.set("albumId", albumID)
        element.set("artistId", track.artistID)
        element.set("coverArt", track.shownCoverHash.map { _ in track.id })
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

    /// The most attributes a song has (with `personal`, and getNowPlaying's three), reserved up front.
    private static let songAttributes = 30

    /// The bare media type: clients compare it as a whole (no `; codecs=` parameter).
    private static let bareContentTypes = Dictionary(uniqueKeysWithValues: AudioFormat.allCases.map { format in
        (format, String(format.contentType.prefix { $0 != ";" }))
    })

    /// Every id a client sees is one of the library's UUIDs, lowercased (clients treat ids as opaque strings); as
    /// text for the few places that need one (elements take the `UUID`, which `SubsonicWriter` spells out).
    static func id(_ uuid: UUID) -> String {
        uuid.lowercasedString
    }

    /// A playlist; with its entries for `getPlaylist` (only those the caller may see, as in the REST API).
    /// `public` is the REST visibility `public`; link and private playlists are not public.
    static func playlist(_ view: PlaylistView, withEntries: Bool) -> SubsonicElement {
        let playlist = view.playlist
        var element = SubsonicElement()
        element.set("id", playlist.id)
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
