/// A Subsonic failure: answered with HTTP 200 and `status="failed"` in the requested format, because clients
/// (py-sonic, py-opensonic, Feishin) treat any other status as a transport error and never read the code.
struct SubsonicError: Error, Sendable, Equatable {
    /// The codes of the Subsonic specification (`error.md`).
    enum Code: Int, Sendable {
        case generic = 0
        case missingParameter = 10
        case wrongCredentials = 40
        case tokenAuthNotSupported = 41
        case authMechanismNotSupported = 42
        case conflictingAuthMechanisms = 43
        case invalidAPIKey = 44
        case notAuthorized = 50
        case notFound = 70
    }

    let code: Code
    let message: String

    static func missing(_ parameter: String) -> SubsonicError {
        SubsonicError(code: .missingParameter, message: "Required parameter is missing: \(parameter)")
    }

    static func invalid(_ parameter: String, _ problem: String) -> SubsonicError {
        SubsonicError(code: .generic, message: "Parameter \(parameter) \(problem)")
    }

    static let wrongCredentials = SubsonicError(code: .wrongCredentials, message: "Wrong username or password")

    static func notAuthorized(_ message: String) -> SubsonicError {
        SubsonicError(code: .notAuthorized, message: message)
    }

    static func notFound(_ what: String) -> SubsonicError {
        SubsonicError(code: .notFound, message: "\(what) not found")
    }
}
