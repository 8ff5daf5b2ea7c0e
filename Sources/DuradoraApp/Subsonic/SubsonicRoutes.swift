import DuradoraHTTP
import Foundation

/// What Subsonic endpoints work with: the same controllers as the REST API, so favourites, playlists and
/// visibility are one set of data and one set of rules whichever API a client speaks.
struct SubsonicServices: Sendable {
    let database: any Database
    let tracks: TrackController
    let playlists: PlaylistController
    let shares: ShareController
    let appPasswords: AppPasswordService
    let clock: TimeSource
    let library: LibraryController
    let scanner: LibraryScanner
    /// `stream` with `maxBitRate`/`format`/`timeOffset` transcodes as the REST `/stream` does.
    let transcodes: TranscodeService
    /// `library.music_folders`: what `startScan` imports.
    let musicFolders: [String]
    /// The public URL (`server.public_url`): artist and album images are absolute links to the REST cover routes.
    let baseURL: @Sendable () -> String
}

/// One call as an endpoint sees it: parameters, the authenticated user (nil only for endpoints that need none).
struct SubsonicCall {
    let parameters: SubsonicParameters
    let user: User?
    let request: Request

    /// The caller of an endpoint registered with `requiresUser` (the default).
    var caller: User {
        guard let user else { preconditionFailure("endpoint registered without requiresUser asked for the caller") }
        return user
    }
}

/// What an endpoint answers: a Subsonic document, or bytes of its own (stream, download).
enum SubsonicResult {
    case document(SubsonicResponse)
    case raw(Response)

    static func ok(_ name: String? = nil, _ payload: SubsonicElement = SubsonicElement()) -> SubsonicResult {
        .document(.ok(name, payload))
    }
}

struct SubsonicEndpoint: Sendable {
    var requiresUser = true
    let handle: @Sendable (SubsonicCall) throws -> SubsonicResult
}

/// `/rest/{method}` and `/rest/{method}.view`, GET or POST (query, form body, or both). Every answer is HTTP 200 in
/// the requested format (`f=xml` default, `json`, `jsonp` + `callback`), failures included, on binary endpoints
/// too. Endpoints come from one table per area (`SubsonicSystem`, `SubsonicBrowsing`, …, `SubsonicLibrary`); a
/// later area's entry replaces an earlier one's.
struct SubsonicRoutes: Sendable {
    let auth: SubsonicAuth
    let endpoints: [String: SubsonicEndpoint]

    init(services: SubsonicServices) {
        auth = SubsonicAuth(appPasswords: services.appPasswords)
        let areas: [[String: SubsonicEndpoint]] = [
            SubsonicSystem(services: services).endpoints,
            SubsonicBrowsing(services: services).endpoints,
            SubsonicSearch(services: services).endpoints,
            SubsonicMedia(services: services).endpoints,
            SubsonicPlaylists(services: services).endpoints,
            SubsonicPlayQueue(services: services).endpoints,
            SubsonicLibrary(services: services).endpoints,
            SubsonicInfo(services: services).endpoints,
            SubsonicLyrics(services: services).endpoints,
            SubsonicShares(services: services).endpoints,
        ]
        endpoints = areas.reduce(into: [:]) { table, area in table.merge(area) { _, later in later } }
    }

    /// The one route of the API; session tokens and cookies mean nothing here (see `AuthMiddleware`).
    static let pattern = "/rest/{method}"

    func register(on router: Router) {
        router.get(Self.pattern) { request, context in try respond(request, context) }
        router.post(Self.pattern) { request, context in try respond(request, context) }
    }

    private func respond(_ request: Request, _ context: RequestContext) throws -> Response {
        // The format comes from the query until the body is read, so even a broken body gets its answer in it.
        var format = SubsonicFormat(SubsonicParameters(request.queryItems))
        do {
            let parameters = try SubsonicParameters(request: request)
            format = SubsonicFormat(parameters)
            if case .invalidCallback(let problem) = format { throw problem }
            var method = context.parameters.require("method")
            if method.hasSuffix(".view") { method.removeLast(5) }
            guard let endpoint = endpoints[method] else {
                throw SubsonicError(code: .notFound, message: "Unknown method \(method)")
            }
            let user = endpoint.requiresUser ? try auth.authenticate(parameters, request: request) : nil
            switch try Self.translatingAPIErrors({ try endpoint.handle(SubsonicCall(parameters: parameters, user: user, request: request)) }) {
            case .document(let response): return format.render(response)
            case .raw(let response): return response
            }
        } catch let error as SubsonicError {
            return format.render(.failed(error))
        }
    }

    /// The REST controllers' errors in Subsonic's terms: 404 → 70, 403 → 50, 401 → 40, other refusals → 0.
    private static func translatingAPIErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as APIError {
            switch error.status.code {
            case 404: throw SubsonicError(code: .notFound, message: error.message)
            case 403: throw SubsonicError.notAuthorized(error.message)
            case 401: throw SubsonicError.wrongCredentials
            default: throw SubsonicError(code: .generic, message: error.message)
            }
        }
    }
}
