import DuradoraHTTP
import Foundation

/// `GET /api/v1/tracks/{id}`, the call every player view makes: on a worker the first time (SQLite read, the JSON
/// written as bytes by `TrackResource`), then from `ShownTracks` on the event loop until the next database write.
///
/// Why a cache of encoded answers: measured (callgrind, release build), two thirds of the worker path's
/// instructions were Foundation's `JSONEncoder` (each field through `KeyedEncodingContainer`; `JSONBytes` since),
/// then SQLite and the hop to a worker and back — for bytes that only a write can change. The cache is a `ReadCache`, so every
/// write empties it, and an entry holds only what was read after its ticket was taken.
extension TrackRoutes {
    /// One shown track for one viewer: the row, to check the rule at the time of each request, and the answer.
    struct ShownTrack: Sendable {
        let track: Track
        let response: Response
    }

    /// The viewer is part of the key: a signed-in caller's answer carries their star, rating and plays.
    struct ShownKey: Hashable, Sendable {
        let trackID: UUID
        let viewerID: UUID?
    }

    typealias ShownTracks = ReadCache<ShownKey, ShownTrack>

    /// The worker path: reads, renders, and keeps the answer for the fast path.
    func show(_ context: RequestContext) throws -> Response {
        let ticket = shown.ticket()  // before the reads (see `ReadCache`)
        let caller = context.user
        let track = try tracks.show(id: try Self.trackID(context), caller: caller)
        let view = try library?.views(of: [track], caller: caller).first
        let response = Response.json(bytes: TrackResource(track: track, baseURL: baseURL(), personal: view?.personal).json())
        shown.store(ShownTrack(track: track, response: response),
                    for: ShownKey(trackID: track.id, viewerID: caller?.id), ticket: ticket)
        return response
    }

    /// The fast path, on the event loop: an answer shown lately to the same viewer (anonymous, or a token checked
    /// lately), when the viewer may still see the track. The caller is the one the token cache knows *now*, so a
    /// rule that changed for them since (an admin no longer one) is applied, not the one the answer was made for.
    /// Anything else (a miss, an unknown token) goes to `show` on a worker, through the middleware.
    func cachedShow(_ request: Request, _ context: RequestContext) -> Response? {
        guard let caller = cachedCaller(request), let id = try? Self.trackID(context),
              let entry = shown.value(for: ShownKey(trackID: id, viewerID: caller.user?.id)),
              TrackController.canSee(entry.track, caller.user)
        else { return nil }
        return entry.response
    }

    /// Who the request's credentials name, from the token cache only; nil when they cannot be told without a
    /// database read (the middleware then decides on a worker). No credentials: an anonymous caller.
    func cachedCaller(_ request: Request) -> CachedCaller? {
        guard let credentials = Credentials.extract(from: request) else { return CachedCaller(user: nil) }
        return tokens.cachedAuthentication(credentials.token).map { CachedCaller(user: $0.user) }
    }

    struct CachedCaller {
        let user: User?
    }
}
