import Foundation

/// getLyrics (Subsonic: by artist and title, plain text) and getLyricsBySongId (OpenSubsonic `songLyrics`: every
/// set of lyrics of one song, synced lines with their start times), from the song's file (`Lyrics+Files.swift`).
struct SubsonicLyrics: Sendable {
    /// Tracks looked at for one `getLyrics` (the title's words find candidates; the first with lyrics answers).
    static let candidates = 20

    let services: SubsonicServices

    var endpoints: [String: SubsonicEndpoint] {
        [
            "getLyricsBySongId": SubsonicEndpoint { call in try bySongID(call) },
            "getLyrics": SubsonicEndpoint { call in try byArtistAndTitle(call) },
        ]
    }

    private func bySongID(_ call: SubsonicCall) throws -> SubsonicResult {
        let track = try services.tracks.show(id: try SubsonicMedia.trackID(call), caller: call.caller)
        var list = SubsonicElement()
        list.add("structuredLyrics", lyrics(of: track).map { lyrics in
            var element = SubsonicElement()
            element.set("displayArtist", track.metadata.artist)
            element.set("displayTitle", track.metadata.title)
            element.set("lang", lyrics.language)
            element.set("offset", 0)
            element.set("synced", lyrics.isSynced)
            element.add("line", lyrics.lines.map { line in
                var element = SubsonicElement()
                element.set("start", line.start)
                element.text = .string(line.text)
                return element
            }, keepsEmpty: true)
            return element
        })
        return .ok("lyricsList", list)
    }

    /// The first visible song with this artist and title (either may be left out, not both) that has lyrics; an
    /// empty `lyrics` when none does, as Subsonic answers.
    private func byArtistAndTitle(_ call: SubsonicCall) throws -> SubsonicResult {
        let artist = call.parameters.string("artist").flatMap { $0.isEmpty ? nil : $0 }
        let title = call.parameters.string("title").flatMap { $0.isEmpty ? nil : $0 }
        var element = SubsonicElement()
        if artist != nil || title != nil {
            let caller = call.caller
            let query = TrackQuery(text: title, artist: artist, viewerID: caller.id, viewerIsAdmin: caller.isAdmin,
                                   limit: Self.candidates, countsTotal: false)
            let matching = try services.tracks.list(query).items.filter { track in
                title.map { track.metadata.title?.caseInsensitiveCompare($0) == .orderedSame } ?? true
            }
            for track in matching {
                guard let found = lyrics(of: track).first else { continue }
                element.set("artist", track.metadata.artist)
                element.set("title", track.metadata.title)
                element.text = .string(found.plainText)
                return .ok("lyrics", element)
            }
        }
        element.text = .string("")
        return .ok("lyrics", element)
    }

    /// The track's lyrics, read from its file (an imported file's own, with a `.lrc` beside it; an upload's MP3).
    private func lyrics(of track: Track) -> [Lyrics] {
        guard track.isReady else { return [] }
        if let path = track.sourcePath { return Lyrics.read(audioAt: path, format: track.format, besideFile: true) }
        // The open source keeps the descriptor the path names alive while the tag is read.
        guard let source = try? services.tracks.audio.open(track), let path = try? services.tracks.audio.localPath(of: source)
        else { return [] }
        return withExtendedLifetime(source) { Lyrics.read(audioAt: path, format: track.format, besideFile: false) }
    }
}
