import DuradoraHTTP

/// The one decision between the stored file and a transcode, for every API that streams (REST `/stream`, the
/// Subsonic `stream` method): the request's options, else the listener's `max_bitrate` preference.
extension TranscodeService {
    /// A transcode of `stream` as `options` (or `caller`'s preference) ask, or nil when the stored file is the answer.
    func response(
        to request: Request, stream: OpenTrack, options: StreamOptions, caller: User?, anonymousStreaming: Bool
    ) throws -> Response? {
        guard let profile = try options.profile(for: stream.track, preference: caller?.maxBitrate) else { return nil }
        var headers = HTTPHeaders()
        headers[.cacheControl] = stream.cacheControl(anonymousStreaming: anonymousStreaming)
        // Anonymous listeners are told apart by address (without the port: one browser opens many connections).
        let address = request.remoteAddress.split(separator: ":").dropLast().joined(separator: ":")
        let listener = caller.map { $0.id.uuidString } ?? "anonymous \(address)"
        return try response(track: stream, profile: profile, offset: options.timeOffset, request: request,
                            listener: listener, headers: headers)
    }
}
