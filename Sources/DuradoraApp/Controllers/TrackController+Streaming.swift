import Foundation

/// Streaming: who may hear a track, and the open stream itself.
///
/// A player seeking through a track sends many small ranged requests for the same track; each one used to cost
/// two database reads and an `open`. The stream opened for a request (row plus open file) is kept in
/// `recentStreams`, and `cachedStream` answers later requests from it, on the event loop. The cache empties on
/// every database write, so an edit, a new upload, a visibility change or a delete is seen by the next request
/// exactly as without it, and it keeps each track's rules: the check below runs on every request either way.
extension TrackController {
    /// The track's stream for `caller` (nil: anonymous), opened now: 401 when anonymous streaming is off and
    /// nobody signed in, 404 when the track does not exist or is not theirs to hear, 409 until its audio is ready.
    /// With `ownerID`, a track that another user owns is 404 too (the seed-style `/record?id=&user=` pair).
    public func openStream(id: UUID, caller: User?, ownerID: UUID? = nil) throws -> OpenTrack {
        if caller == nil && !settings.anonymousStreaming {
            // Whether the track exists is not told to strangers either way.
            throw APIError.unauthenticated
        }
        let ticket = recentStreams.ticket()
        let stream = try OpenTrack.open(id: id, audio: audio) {
            guard let track = try database.read({ try $0.tracks.find(id: id) }) else { throw APIError.notFound("Track") }
            try checkStreamable(track, caller: caller, ownerID: ownerID)
            return track
        }
        recentStreams.store(stream, for: id, ticket: ticket)
        return stream
    }

    /// The stream of a track opened lately, when `caller` may hear it; nil when the cache does not have it or
    /// when any rule says no (the caller then takes `openStream`, which gives the precise error). Never blocks.
    public func cachedStream(id: UUID, caller: User?) -> OpenTrack? {
        guard caller != nil || settings.anonymousStreaming, let stream = recentStreams.value(for: id),
              (try? checkStreamable(stream.track, caller: caller, ownerID: nil)) != nil
        else { return nil }
        return stream
    }

    private func checkStreamable(_ track: Track, caller: User?, ownerID: UUID?) throws {
        guard Self.canSee(track, caller) else { throw APIError.notFound("Track") }
        if let ownerID, track.ownerID != ownerID { throw APIError.notFound("Track") }
        guard track.isReady else {
            throw APIError.conflict("track_not_ready", "The track has no playable audio yet (status \(track.status.rawValue)).")
        }
    }
}
