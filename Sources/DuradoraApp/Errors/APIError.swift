import DuradoraHTTP

/// Every error the API answers with, defined once. Handlers throw these; the router renders
/// `{"error":{"code":…,"message":…}}` with the status and headers.
public struct APIError: HTTPResponseError, Equatable {
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
    // 403
    public static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, code: "forbidden", message: message)
    }
    // 404
    public static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "\(what) was not found.")
    }
    // 409
    public static func conflict(_ code: String, _ message: String) -> APIError {
        APIError(status: .conflict, code: code, message: message)
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
}
