import DuradoraHTTP
import Foundation

/// getSong, stream, download, getCoverArt. Audio goes out exactly as on `/api/v1/tracks/{id}/stream` (Range,
/// If-Range, ETag, 304, 416): GStreamer, DSub and ExoPlayer seek with Range. Streaming never counts a play
/// (OpenSubsonic: clients `scrobble`). Failures are Subsonic documents, never an audio content type.
struct SubsonicMedia: Sendable {
    /// What a client asked of a stream. Parsed here; `streamResponse` decides what to do with it.
    struct StreamOptions: Equatable {
        /// `format`: `raw` or nil for the stored file, else a codec name (`mp3`, `opus`).
        var format: String?
        /// `maxBitRate` in kbps; nil or 0: no limit.
        var maxBitRate: Int?
        /// `timeOffset` in seconds.
        var timeOffset: Double?

        init(_ parameters: SubsonicParameters) throws(SubsonicError) {
            format = parameters.string("format").flatMap { $0.isEmpty ? nil : $0.lowercased() }
            maxBitRate = try parameters.int("maxBitRate").flatMap { $0 > 0 ? $0 : nil }
            if let text = parameters.string("timeOffset"), !text.isEmpty {
                guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
                    throw .invalid("timeOffset", "must be a number of seconds")
                }
                timeOffset = seconds > 0 ? seconds : nil
            }
            // `estimateContentLength` needs no handling: every answer has an exact Content-Length.
        }
    }

    let services: SubsonicServices

    var endpoints: [String: SubsonicEndpoint] {
        [
            "getSong": SubsonicEndpoint { call in
                let track = try services.tracks.show(id: try Self.trackID(call), caller: call.caller)
                return .ok("song", SubsonicItems.song(try services.library.views(of: [track], caller: call.caller)[0]))
            },
            "stream": SubsonicEndpoint { call in
                .raw(try streamResponse(id: try Self.trackID(call), options: try StreamOptions(call.parameters), call))
            },
            "download": SubsonicEndpoint { call in
                let stream = try open(try Self.trackID(call), call)
                return .raw(try stream.response(
                    to: Self.asRead(call.request), anonymousStreaming: services.tracks.settings.anonymousStreaming, isDownload: true))
            },
            "getCoverArt": SubsonicEndpoint { call in .raw(try coverArt(call)) },
        ]
    }

    /// The one place where Subsonic's stream options become audio: they map onto the REST `/stream` options
    /// (`format=raw` the stored file; `opus`/`ogg` Opus; any other format MP3, which every client plays), and the
    /// same decision as REST's picks the stored file or a transcode (the listener's `max_bitrate` included).
    func streamResponse(id: UUID, options: StreamOptions, _ call: SubsonicCall) throws -> Response {
        let stream = try open(id, call)
        let request = Self.asRead(call.request)
        let anonymousStreaming = services.tracks.settings.anonymousStreaming
        let format: DuradoraApp.StreamOptions.Format? = switch options.format {
        case nil: nil
        case "raw": .raw
        case "opus", "ogg", "oga": .opus
        default: .mp3
        }
        let transcoding = DuradoraApp.StreamOptions(format: format, maxBitrate: options.maxBitRate,
                                                    timeOffset: options.timeOffset ?? 0)
        if let transcode = try services.transcodes.response(
            to: request, stream: stream, options: transcoding, caller: call.user, anonymousStreaming: anonymousStreaming) {
            return transcode
        }
        return try stream.response(to: request, anonymousStreaming: anonymousStreaming, isDownload: false)
    }

    /// `getCoverArt`: the `coverArt` id items carry is the item's own id (album, artist or song; the library's
    /// UUIDs do not collide), answered with the REST cover routes' thumbnail. A playlist's (`pl-<id>`, which DSub
    /// asks for) is its first entry's that has one. No cover, or nothing the caller may see: 70.
    private func coverArt(_ call: SubsonicCall) throws -> Response {
        let text = try call.parameters.required("id")
        var size = CoverStore.defaultSize
        if let value = try call.parameters.int("size"), value > 0 { size = value }
        let request = Self.asRead(call.request)
        var candidates: [(LibraryItemKind, UUID)] = []
        if text.hasPrefix("pl-"), let id = UUID.parse(String(text.dropFirst(3))) {
            let view = try services.playlists.show(id: id, caller: call.user)
            if let entry = (view.entries ?? []).first(where: { $0.track.shownCoverHash != nil }) { candidates = [(.tracks, entry.track.id)] }
        } else if let id = UUID.parse(text) {
            candidates = [(.albums, id), (.artists, id), (.tracks, id)]
        }
        for (kind, id) in candidates {
            do {
                return try CoverRoutes.thumbnail(library: services.library, kind, id: id, caller: call.user, size: size,
                                                 request: request)
            } catch let error as APIError where error.status.code == 404 {
                continue
            }
        }
        throw SubsonicError.notFound("Cover art")
    }

    /// The track's open file: from the recent-streams cache when a player seeks (the same rules are checked
    /// either way, see `TrackController+Streaming.swift`), else opened now.
    private func open(_ id: UUID, _ call: SubsonicCall) throws -> OpenTrack {
        try services.tracks.cachedStream(id: id, caller: call.caller) ?? services.tracks.openStream(id: id, caller: call.caller)
    }

    /// py-sonic and py-opensonic POST `stream` and `download` and still seek with `Range`, which HTTP honours only
    /// on GET: a POST here is answered as the GET it stands for (its form was read already).
    static func asRead(_ request: Request) -> Request {
        guard request.method == .post else { return request }
        var head = request.head
        head.method = .get
        return Request(head: head, body: request.body, remoteAddress: request.remoteAddress, id: request.id)
    }

    /// `id` as a track id; a malformed one names no track (70).
    static func trackID(_ call: SubsonicCall) throws -> UUID {
        guard let id = UUID.parse(try call.parameters.required("id")) else { throw SubsonicError.notFound("Song") }
        return id
    }
}
