import Foundation
import Testing
import DuradoraApp
import DuradoraTestSupport

/// Small steps of API flows, over a real socket.
extension TestClient {
    /// `POST /api/v1/users` with a JSON body; returns (user id, API token).
    @discardableResult
    func createUser(_ username: String, password: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (id: String, token: String)
    {
        let body = password.map { #"{"username":"\#(username)","password":"\#($0)"}"# } ?? #"{"username":"\#(username)"}"#
        let response = try postJSON("/api/v1/users", body)
        #expect(response.status == 201, "\(response.text)", sourceLocation: sourceLocation)
        let json = try response.json()
        return (json["user_id"] as? String ?? "", json["access_token"] as? String ?? "")
    }

    /// `POST /api/v1/auth/login`; returns the response (200 with a pair on success).
    func login(_ username: String, _ password: String) throws -> TestResponse {
        try postJSON("/api/v1/auth/login", #"{"username":"\#(username)","password":"\#(password)"}"#)
    }

    /// Logs in and returns (access token, refresh token); expects success.
    func loginPair(_ username: String, _ password: String, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (access: String, refresh: String)
    {
        let response = try login(username, password)
        #expect(response.status == 200, "\(response.text)", sourceLocation: sourceLocation)
        let json = try response.json()
        return (json["access_token"] as? String ?? "", json["refresh_token"] as? String ?? "")
    }

    /// `GET /api/v1/auth/me` with a bearer token.
    func me(_ token: String) throws -> TestResponse {
        try get("/api/v1/auth/me", headers: bearer(token))
    }

    func patchJSON(_ target: String, _ json: String, token: String) throws -> TestResponse {
        var headers = bearer(token)
        headers["Content-Type"] = "application/json"
        return try request("PATCH", target, headers: headers, body: Array(json.utf8))
    }

    func delete(_ target: String, token: String) throws -> TestResponse {
        try request("DELETE", target, headers: bearer(token))
    }
}

func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

/// An app with a bootstrap admin `root` / `rootpassword`, logged in; `admin` is its access token.
struct AdminFixture {
    static let password = "rootpassword"
    let app: TestApplication
    let client: TestClient
    let admin: String
    let adminID: String

    /// - Parameter backend: where the app stores (`.postgres`: a database of its own on the test server).
    init(backend: Backend = .sqlite, clock: TimeSource = .system, configure: (inout Configuration) -> Void = { _ in }) throws {
        let postgres = backend == .postgres ? try TestPostgres.start().makeDatabase() : nil
        app = try TestApplication(clock: clock) { config in
            if let postgres { config.storage.database = postgres }
            config.auth.bootstrapAdmin = .init(username: "root", password: Self.password)
            configure(&config)
        }
        client = try app.makeClient()
        admin = try client.loginPair("root", Self.password).access
        adminID = try client.me(admin).json()["id"] as? String ?? ""
    }

    func stop() { app.stop() }
}
