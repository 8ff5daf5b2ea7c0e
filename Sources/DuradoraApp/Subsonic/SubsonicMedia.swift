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
                return .raw(stream.response(
                    to: Self.asRead(call.request), anonymousStreaming: services.tracks.settings.anonymousStreaming, isDownload: true))
            },
            // The library stores which picture each item has, but nothing serves the images yet (no image type or
            // cover route): until one does, no item names a `coverArt`, and a client
            // asking anyway (DSub asks for `pl-<id>`) gets "not found" in its format.
            "getCoverArt": SubsonicEndpoint { _ in throw SubsonicError.notFound("Cover art") },
        ]
    }

    /// The one place where stream options become audio. Today: the stored MP3 as is, whatever was asked (a
    /// client asking `maxBitRate=128` of a 192 kbps file still plays it). The transcoding work (issue 12) maps
    /// `options` onto `stream?format=&max_bitrate=&time_offset=` here, and then advertises `transcodeOffset`.
    func streamResponse(id: UUID, options: StreamOptions, _ call: SubsonicCall) throws -> Response {
        _ = options
        let stream = try open(id, call)
        return stream.response(
            to: Self.asRead(call.request), anonymousStreaming: services.tracks.settings.anonymousStreaming,
            isDownload: false)
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
