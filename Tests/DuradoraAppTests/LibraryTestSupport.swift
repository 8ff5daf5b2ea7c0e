import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Library look-ups over a real socket.
extension TestClient {
    /// A metadata-only track from `fields` (URL-encoded into the query); returns its id.
    @discardableResult
    func libraryTrack(token: String, _ fields: [String: String], sourceLocation: SourceLocation = #_sourceLocation)
        throws -> String
    {
        var components = URLComponents()
        components.queryItems = fields.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let query = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try createEmptyTrack(token: token, query: query, sourceLocation: sourceLocation)
    }

    /// GET `target` as JSON (optionally signed in), expecting 200.
    func getJSON(_ target: String, token: String? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> [String: Any]
    {
        let response = try get(target, headers: token.map(bearer) ?? [:])
        #expect(response.status == 200, "\(target): \(response.text)", sourceLocation: sourceLocation)
        return try response.json()
    }

    func items(_ target: String, token: String? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> [[String: Any]]
    {
        try getJSON(target, token: token, sourceLocation: sourceLocation)["items"] as? [[String: Any]] ?? []
    }

    func put(_ target: String, token: String, json: String? = nil) throws -> TestResponse {
        var headers = bearer(token)
        if json != nil { headers["Content-Type"] = "application/json" }
        return try request("PUT", target, headers: headers, body: Array((json ?? "").utf8))
    }

    func post(_ target: String, token: String, json: String) throws -> TestResponse {
        var headers = bearer(token)
        headers["Content-Type"] = "application/json"
        return try request("POST", target, headers: headers, body: Array(json.utf8))
    }
}

extension Array where Element == [String: Any] {
    func strings(_ key: String) -> [String] { compactMap { $0[key] as? String } }
}
