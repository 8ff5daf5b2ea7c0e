import DuradoraHTTP

/// Every error the API answers with, defined once. Handlers throw these; the router renders
/// `{"error":{"code":…,"message":…}}` with the status and headers.
public struct APIError: HTTPResponseError, Equatable, CustomStringConvertible {
    public let status: HTTPStatus
    public let code: String
    public let message: String
    public let headers: HTTPHeaders

    public init(status: HTTPStatus, code: String, message: String, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message
    }

    // 400
    public static func malformedJSON(_ detail: String) -> APIError {
        APIError(status: .badRequest, code: "malformed_json", message: "The request body is not valid JSON: \(detail)")
    }
    public static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: message)
    }
    // 401
    public static let unauthenticated = APIError(
        status: .unauthorized, code: "unauthenticated", message: "Missing or invalid credentials.",
        headers: [.wwwAuthenticate: "Bearer"])
    public static let invalidCredentials = APIError(
        status: .unauthorized, code: "invalid_credentials", message: "Wrong username or password.",
        headers: [.wwwAuthenticate: "Bearer"])
    /// A refresh token that is unknown, expired, or not a refresh token.
    public static let invalidRefreshToken = APIError(
        status: .unauthorized, code: "invalid_refresh_token", message: "The refresh token is invalid or expired.",
        headers: [.wwwAuthenticate: "Bearer"])
    /// A refresh token that was already used: the whole login (its token family) is now revoked.
    public static let refreshTokenReused = APIError(
        status: .unauthorized, code: "refresh_token_reused",
        message: "The refresh token was already used; every token of this login has been revoked.",
        headers: [.wwwAuthenticate: "Bearer"])
    // 403
    public static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, code: "forbidden", message: message)
    }
    public static let adminRequired = APIError(
        status: .forbidden, code: "admin_required", message: "Only an admin may do this.")
    public static let registrationClosed = APIError(
        status: .forbidden, code: "registration_closed", message: "Registration is closed; ask an admin for an account.")
    // 404
    public static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "\(what) was not found.")
    }
    // 409
    public static func conflict(_ code: String, _ message: String) -> APIError {
        APIError(status: .conflict, code: code, message: message)
    }
    public static let usernameTaken = APIError(
        status: .conflict, code: "username_taken", message: "That username is already taken.")
    /// Demoting or deleting the only admin would leave the server without one.
    public static func lastAdmin(_ action: String) -> APIError {
        APIError(status: .conflict, code: "last_admin", message: "The last admin cannot be \(action).")
    }
    // 411, 413, 415
    public static let lengthRequired = APIError(
        status: .lengthRequired, code: "length_required", message: "This endpoint needs a request body.")
    public static func bodyTooLarge(limit: Int64) -> APIError {
        APIError(status: .contentTooLarge, code: "body_too_large", message: "The request body is larger than \(limit) bytes.")
    }
    public static func unsupportedMediaType(_ message: String) -> APIError {
        APIError(status: .unsupportedMediaType, code: "unsupported_media_type", message: message)
    }
    // 422
    public static func invalidField(_ field: String, _ message: String) -> APIError {
        APIError(status: .unprocessableContent, code: "invalid_field", message: "\(field): \(message)")
    }
    // 429
    public static func tooManyRequests(retryAfter seconds: Int) -> APIError {
        APIError(status: .tooManyRequests, code: "too_many_requests",
                 message: "Too many attempts; try again in \(seconds) seconds.", headers: [.retryAfter: "\(seconds)"])
    }
    // 503
    public static func unavailable(_ message: String, retryAfter seconds: Int = 1) -> APIError {
        APIError(status: .serviceUnavailable, code: "unavailable", message: message, headers: [.retryAfter: "\(seconds)"])
    }

    /// The storage backend could not be reached (PostgreSQL's connection lost or refused): the request may be
    /// retried; the next one reconnects.
    public static let databaseUnavailable = APIError.unavailable("The database is unreachable; try again shortly.")

    /// What the API answers for a storage failure other than the expected ones (`StorageError` cases, which
    /// controllers handle): 503 for a lost database connection; nil for the rest, which stay a 500 (a bug).
    public static func storageFailure(_ error: any Error) -> APIError? {
        if let error = error as? PostgresError, error.isConnectionLoss { return databaseUnavailable }
        return nil
    }

    /// Whether `error` is a failure of a storage backend itself (counted by `Metrics.recordDatabaseError`).
    public static func isDatabaseFailure(_ error: any Error) -> Bool {
        error is SQLiteError || error is PostgresError
    }
}
