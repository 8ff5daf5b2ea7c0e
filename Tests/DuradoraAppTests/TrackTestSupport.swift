@testable import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

extension TrackController {
    /// Where the folder store keeps the current version of track `id` (`original`: the kept upload); "" when
    /// the track has no audio or its audio is in a bucket.
    func storedPath(of id: UUID, original: Bool = false) -> String {
        guard case .folder(let store) = audio.home,
              let fileTag = (try? database.read { try $0.tracks.find(id: id) })??.audio?.fileTag,
              let key = original ? TrackAudioStore.originalKey(id, fileTag) : TrackAudioStore.audioKey(id, fileTag)
        else { return "" }
        return store.path(of: key)
    }
}

/// Uploads and track look-ups over a real socket.
extension TestClient {
    /// `POST /api/v1/tracks` as multipart/form-data: `fields` as text parts (in order), then (optionally) a file part,
    /// then `trailingFields` (a text field after the file).
    func uploadMultipart(
        token: String, fields: [(String, String)] = [], file: (filename: String, bytes: [UInt8])? = nil,
        trailingFields: [(String, String)] = [], target: String = "/api/v1/tracks", method: String = "POST"
    ) throws -> TestResponse {
        let (contentType, body) = Multipart.encode(fields: fields, file: file, trailingFields: trailingFields)
        var headers = bearer(token)
        headers["Content-Type"] = contentType
        return try request(method, target, headers: headers, body: body)
    }

    /// A raw `audio/*` body, metadata in the query.
    func uploadRaw(token: String, bytes: [UInt8], contentType: String = "audio/wav", query: String = "",
                   target: String = "/api/v1/tracks", method: String = "POST") throws -> TestResponse {
        var headers = bearer(token)
        headers["Content-Type"] = contentType
        return try request(method, target + (query.isEmpty ? "" : "?" + query), headers: headers, body: bytes)
    }

    /// A metadata-only track from query fields (no body).
    func createEmptyTrack(token: String, query: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let response = try request("POST", "/api/v1/tracks?" + query, headers: bearer(token))
        #expect(response.status == 201, "\(response.text)", sourceLocation: sourceLocation)
        return try response.json()["id"] as? String ?? ""
    }

    func track(_ id: String, token: String? = nil) throws -> TestResponse {
        try get("/api/v1/tracks/\(id)", headers: token.map(bearer) ?? [:])
    }
}

enum Multipart {
    static let boundary = "----duradora-test-7MA4YWxkTrZu0gW"

    static func encode(
        fields: [(String, String)], file: (filename: String, bytes: [UInt8])?, trailingFields: [(String, String)] = []
    ) -> (contentType: String, body: [UInt8]) {
        var body: [UInt8] = []
        func text(_ name: String, _ value: String) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        fields.forEach(text)
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        trailingFields.forEach(text)
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\"\(boundary)\"", body)
    }
}

/// Generated audio files in a temporary directory, read back as bytes.
final class AudioScratch {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "duradora-audio-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func path(_ name: String) -> String { directory + "/" + name }

    func tone(_ name: String, format: SoundFileFormat = .wav16, seconds: Double = 0.5, sampleRate: Int = 44100,
              channels: Int = 2, tag: ID3Tag? = nil) throws -> [UInt8] {
        try AudioFixtures.writeTone(to: path(name), format: format, seconds: seconds, sampleRate: sampleRate,
                                    channels: channels, noise: 0.02, tag: tag)
        return try bytes(name)
    }

    func mp3(_ name: String, seconds: Double = 0.5, tag: ID3Tag? = nil) throws -> [UInt8] {
        try AudioFixtures.writeMP3(to: path(name), seconds: seconds, tag: tag)
        return try bytes(name)
    }

    func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }
}

extension TestApplication {
    /// Files under the uploads directory, relative to it.
    var uploadedFiles: [String] { application.tracks.files.allFiles() }

    /// Rows in the tracks table, whoever owns them.
    func trackCount() throws -> Int {
        try application.database.read { try $0.tracks.count() }
    }
}
