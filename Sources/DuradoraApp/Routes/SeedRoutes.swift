import DuradoraHTTP
import Foundation

/// Seed-style compatibility routes for scripts written for earlier simple audio services. Each maps onto the same
/// controller call as its `/api/v1` twin (same rules, same errors); only the request and answer shapes differ:
/// users through `UserController`, uploads through `TrackRoutes.createFromUpload`, downloads through
/// `TrackRoutes.stream` (Range, ETag, attachment).
struct SeedRoutes: Sendable {
    let users: UserController
    let tracks: TrackRoutes

    /// Where a seed client may put its token, in order (form fields or query).
    static let tokenFields = ["token", "user_token", "access_token"]

    func register(on router: Router) {
        // `{"username"}` as JSON (or a form, or `?username=`).
        router.post("/user") { request, context in
            let body = try JSONBody.read(request, allowEmpty: true)
            let username = try body?.string("username") ?? request.query("username")
            return try create(username: username, field: "username", context)
        }
        // `?user_name=`, or the same field in a JSON or form body.
        router.post("/create-user/") { request, context in
            let body = try JSONBody.read(request, allowEmpty: true)
            let username = try request.query("user_name") ?? request.query("username")
                ?? body?.string("user_name") ?? body?.string("username")
            return try create(username: username, field: "user_name", context)
        }
        // A trailing slash is optional on every route (the router ignores it).
        router.post("/record") { request, context in try record(request, context) }
        router.post("/add-audio/") { request, context in try record(request, context) }
        // HEAD reaches here through the GET route.
        router.get("/record") { request, context in try download(request, context) }
    }

    /// `POST /record`, `POST /add-audio/`: a multipart `file` (or a raw audio body) plus `user_id` and a token of
    /// that user, as form fields or in the query → 201 `{"url"}` (202 while a long encode finishes).
    ///
    /// The query is read first: when it holds both `user_id` and a token, they are checked before the body is read,
    /// and a bad pair is refused at once. Otherwise the body is received (audio into a temporary file), the missing
    /// ones are taken from the form fields, wherever they were in the form, and a failure removes the file.
    func record(_ request: Request, _ context: RequestContext) throws -> Response {
        let (track, isProcessing) = try upload(request, context)
        let id = track.id.lowercasedString
        let user = track.ownerID?.lowercasedString ?? ""
        return try .json(SeedRecord(url: "\(tracks.baseURL())/record?id=\(id)&user=\(user)"),
                         status: isProcessing ? .accepted : .created)
    }

    /// The upload of `record`, shared with the records service's `POST /api/v1/record/` (another answer shape).
    func upload(_ request: Request, _ context: RequestContext) throws -> (track: Track, isProcessing: Bool) {
        let earlyOwner = try SeedCredentials.fromQuery(request).map { try owner($0, context) }
        if let earlyOwner { try tracks.checkUploadsAllowed(for: earlyOwner) }
        return try tracks.createFromUpload(request, isFileRequired: true) { fields in
            try earlyOwner ?? owner(SeedCredentials(fields: fields, request: request), context)
        }
    }

    /// The user a seed upload is for: the token (a seed field, else the request's own credentials — bearer, cookie,
    /// `?access_token=`) must authenticate as exactly `user_id`. Every way of failing that — no token, an unknown,
    /// revoked or expired token, a `user_id` that is malformed, unknown or another user's — is the same 401, so the
    /// answer tells nobody which user ids exist (a 404 would; a 403 would confirm the token is valid).
    private func owner(_ credentials: SeedCredentials, _ context: RequestContext) throws -> User {
        let user: User?
        if let token = credentials.token {
            user = try users.tokens.authenticate(token)?.user
        } else {
            user = context.user
        }
        guard let user, UUID(uuidString: credentials.userID) == user.id else { throw SeedCredentials.mismatch }
        return user
    }

    /// `GET`/`HEAD /record?id=&user=` (or `audio_id=&user_id=`): the track's MP3 as an attachment, with Range and
    /// ETag as `/api/v1/tracks/{id}/download`. A pair that does not match (the track is not that user's), an unknown
    /// or malformed id: 404. Visibility applies as everywhere: a private track needs its owner's (or an admin's)
    /// credentials in the usual places.
    func download(_ request: Request, _ context: RequestContext) throws -> Response {
        guard let id = Self.value(request, "id", "audio_id") else { throw APIError.invalidField("id", "is required") }
        guard let user = Self.value(request, "user", "user_id") else { throw APIError.invalidField("user", "is required") }
        guard let trackID = UUID(uuidString: id), let ownerID = UUID(uuidString: user) else {
            throw APIError.notFound("Track")
        }
        return try tracks.stream(id: trackID, ownerID: ownerID, request, context, isDownload: true)
    }

    /// The first non-empty query parameter of `names`.
    private static func value(_ request: Request, _ names: String...) -> String? {
        names.lazy.compactMap { request.query($0) }.first { !$0.isEmpty }
    }

    private func create(username: String?, field: String, _ context: RequestContext) throws -> Response {
        try UserRoutes.checkRegistrationIsOpen(users.settings, context)
        guard let username else { throw APIError.invalidField(field, "is required") }
        let (user, token) = try users.createWithAPIToken(username: username, password: nil)
        return try .json(SeedUser(userID: user.id.lowercasedString, token: token), status: .created)
    }
}

/// `{"user_id", "token"}`, with the token repeated under the names other clients read.
struct SeedUser: Encodable {
    let userID: String
    let token: String

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case token
        case userToken = "user_token"
        case accessToken = "access_token"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(userID, forKey: .userID)
        try container.encode(token, forKey: .token)
        try container.encode(token, forKey: .userToken)
        try container.encode(token, forKey: .accessToken)
    }
}

/// `user_id` and token of a seed upload: each from the query if there, else from the form fields (any order).
struct SeedCredentials {
    let userID: String
    /// nil: none given as a seed field, so the request's own credentials count.
    let token: String?

    static let mismatch = APIError(
        status: .unauthorized, code: "unauthenticated",
        message: "user_id and a token of that user are required (form fields or query).",
        headers: [.wwwAuthenticate: "Bearer"])

    /// Throws 422 when `user_id` is missing.
    init(fields: [String: String], request: Request) throws(APIError) {
        func first(_ names: [String]) -> String? {
            names.lazy.compactMap { request.query($0) }.first { !$0.isEmpty }
                ?? names.lazy.compactMap { fields[$0] }.first { !$0.isEmpty }
        }
        guard let userID = first(["user_id"]) else { throw .invalidField("user_id", "is required") }
        self.userID = userID
        token = first(SeedRoutes.tokenFields)
    }

    /// Both `user_id` and a token from the query alone (checkable before the body is read), or nil.
    static func fromQuery(_ request: Request) -> SeedCredentials? {
        guard let credentials = try? SeedCredentials(fields: [:], request: request), credentials.token != nil else {
            return nil
        }
        return credentials
    }
}

/// `{"url": "<public_url>/record?id=…&user=…"}`.
struct SeedRecord: Encodable {
    let url: String
}
