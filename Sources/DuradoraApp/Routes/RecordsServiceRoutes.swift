import DuradoraHTTP
import Foundation

/// The earlier records service: users (`POST /api/v1/users/?username=`, the existing route), WAV uploads
/// (`POST /api/v1/record/?access_token=&user_id=`) and downloads (`GET /api/v1/record?record_id=&user_id=`), each
/// also under the `/api_v1/` spelling its documentation uses. Uploads are the seed-style upload (same credential
/// rules: the token must be `user_id`'s, any mismatch is 401 and nothing is kept); downloads are the seed-style
/// download (Range, ETag, attachment; 404 when the pair does not match).
struct RecordsServiceRoutes: Sendable {
    let seed: SeedRoutes
    let users: UserRoutes

    func register(on router: Router) {
        // `/api/v1/users` exists already; its other spelling joins it.
        router.post("/api_v1/users") { request, context in try users.create(request, context) }
        for prefix in ["/api/v1", "/api_v1"] {
            router.post(prefix + "/record") { request, context in try upload(request, context) }
            router.get(prefix + "/record") { request, context in try download(request, context) }
        }
    }

    /// 200 `{"record_url"}` (the service answered 200; 202 while a long encode finishes, the URL already valid).
    func upload(_ request: Request, _ context: RequestContext) throws -> Response {
        let (track, isProcessing) = try seed.upload(request, context)
        return try .json(RecordURL(track, baseURL: seed.tracks.baseURL()), status: isProcessing ? .accepted : .ok)
    }

    /// The MP3; or `{"record_url"}` when the client accepts only JSON (that service's documented JSON answer).
    func download(_ request: Request, _ context: RequestContext) throws -> Response {
        let parameters = CompatParameters(request, over: [:])
        guard let record = parameters.string("record_id", "id") else { throw APIError.invalidField("record_id", "is required") }
        guard let user = parameters.string("user_id", "user") else { throw APIError.invalidField("user_id", "is required") }
        guard let trackID = UUID(uuidString: record), let ownerID = UUID(uuidString: user) else {
            throw APIError.notFound("Record")
        }
        guard Self.acceptsOnlyJSON(request) else {
            return try seed.tracks.stream(id: trackID, ownerID: ownerID, request, context, isDownload: true)
        }
        let track = try seed.tracks.tracks.show(id: trackID, caller: context.user)
        guard track.ownerID == ownerID else { throw APIError.notFound("Record") }
        return try .json(RecordURL(track, baseURL: seed.tracks.baseURL()))
    }

    /// True when every media range of `Accept` is `application/json` (with `q` > 0): a client that takes audio,
    /// `*/*` or no `Accept` at all gets the file.
    static func acceptsOnlyJSON(_ request: Request) -> Bool {
        let ranges = request.headers.values(.accept).flatMap { $0.split(separator: ",") }.compactMap { range -> String? in
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first, !type.isEmpty else { return nil }
            let isRefused = parts.dropFirst().contains { $0.hasPrefix("q=") && Double($0.dropFirst(2)) == 0 }
            return isRefused ? nil : type
        }
        return !ranges.isEmpty && ranges.allSatisfy { $0 == "application/json" }
    }
}

/// `{"record_url": "<public_url>/api/v1/record?record_id=…&user_id=…"}`.
struct RecordURL: Encodable {
    let recordURL: String

    init(_ track: Track, baseURL: String) {
        let id = track.id.lowercasedString
        let user = track.ownerID?.lowercasedString ?? ""
        recordURL = "\(baseURL)/api/v1/record?record_id=\(id)&user_id=\(user)"
    }

    enum CodingKeys: String, CodingKey {
        case recordURL = "record_url"
    }
}
