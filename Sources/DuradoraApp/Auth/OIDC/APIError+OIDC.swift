import DuradoraHTTP

/// The answers of a failed external login. A failure the user can fix by starting again (a stale or tampered
/// `state`, a used code, an ID token that does not check out) is 400; a provider that cannot be reached or
/// answers nonsense is 502, so the user knows to wait rather than retry at once.
extension APIError {
    static func oidcLoginFailed(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "oidc_login_failed", message: message)
    }

    static let oidcStateMismatch = APIError(
        status: .badRequest, code: "oidc_state_mismatch",
        message: "This sign-in answer does not belong to a sign-in started in this browser (or it is older than "
            + "10 minutes); start the sign-in again.")

    static func oidcProviderUnavailable(_ message: String) -> APIError {
        APIError(status: HTTPStatus(code: 502, reason: "Bad Gateway"), code: "oidc_provider_unavailable", message: message)
    }
}
