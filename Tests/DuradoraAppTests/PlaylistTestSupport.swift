import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Playlist steps over a real socket.
extension TestClient {
    /// `POST /api/v1/playlists`; expects 201 and returns the playlist's JSON.
    @discardableResult
    func createPlaylist(token: String, _ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [String: Any]
    {
        let response = try postJSON("/api/v1/playlists", json, headers: bearer(token))
        #expect(response.status == 201, "\(response.text)", sourceLocation: sourceLocation)
        return try response.json()
    }

    /// Creates a playlist and returns its id.
    func playlistID(token: String, name: String, visibility: String = "private",
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try createPlaylist(token: token, #"{"name":"\#(name)","visibility":"\#(visibility)"}"#,
                           sourceLocation: sourceLocation)["id"] as? String ?? ""
    }

    func playlist(_ id: String, token: String? = nil) throws -> TestResponse {
        try get("/api/v1/playlists/\(id)", headers: token.map(bearer) ?? [:])
    }

    /// `POST /api/v1/playlists/{id}/tracks`.
    func addEntry(_ playlistID: String, track: String, position: Int? = nil, token: String) throws -> TestResponse {
        let json = position.map { #"{"track_id":"\#(track)","position":\#($0)}"# } ?? #"{"track_id":"\#(track)"}"#
        return try postJSON("/api/v1/playlists/\(playlistID)/tracks", json, headers: bearer(token))
    }

    /// Adds an entry, expects 201, returns its entry id.
    @discardableResult
    func addedEntry(_ playlistID: String, track: String, position: Int? = nil, token: String,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let response = try addEntry(playlistID, track: track, position: position, token: token)
        #expect(response.status == 201, "\(response.text)", sourceLocation: sourceLocation)
        return try response.json()["entry_id"] as? String ?? ""
    }

    func putJSON(_ target: String, _ json: String, token: String) throws -> TestResponse {
        var headers = bearer(token)
        headers["Content-Type"] = "application/json"
        return try request("PUT", target, headers: headers, body: Array(json.utf8))
    }

    /// `PUT /api/v1/playlists/{id}/tracks` with these entry ids.
    func reorder(_ playlistID: String, _ entryIDs: [String], token: String) throws -> TestResponse {
        let list = entryIDs.map { "\"\($0)\"" }.joined(separator: ",")
        return try putJSON("/api/v1/playlists/\(playlistID)/tracks", #"{"entry_ids":[\#(list)]}"#, token: token)
    }
}

/// Reading playlist JSON.
enum PlaylistJSON {
    static func entries(_ json: [String: Any]) -> [[String: Any]] {
        json["tracks"] as? [[String: Any]] ?? []
    }

    static func entryIDs(_ json: [String: Any]) -> [String] {
        entries(json).compactMap { $0["entry_id"] as? String }
    }

    static func trackIDs(_ json: [String: Any]) -> [String] {
        entries(json).compactMap { ($0["track"] as? [String: Any])?["id"] as? String }
    }

    static func positions(_ json: [String: Any]) -> [Int] {
        entries(json).compactMap { $0["position"] as? Int }
    }

    static func ids(_ response: TestResponse) throws -> [String] {
        (try response.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }
}
