@testable import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// An app with one ready track (a generated tone, stored as 192 kbps CBR MP3) and helpers to fetch transcodes and
/// decode them with ffmpeg, a decoder that is not ours.
struct TranscodeFixture {
    let base: AdminFixture
    let id: String
    let seconds: Double
    let scratch: AudioScratch
    var client: TestClient { base.client }
    var admin: String { base.admin }
    var service: TranscodeService { base.app.application.transcodes }
    var storedPath: String { base.app.application.tracks.storedPath(of: UUID(uuidString: id)!) }

    init(seconds: Double = 4, configure: (inout Configuration) -> Void = { _ in }) throws {
        base = try AdminFixture(configure: configure)
        scratch = try AudioScratch()
        self.seconds = seconds
        id = try Self.upload(base, scratch, seconds: seconds, name: "a")
    }

    /// Uploads another tone of `seconds`; returns its id.
    static func upload(_ base: AdminFixture, _ scratch: AudioScratch, seconds: Double, name: String) throws -> String {
        let response = try base.client.uploadMultipart(
            token: base.admin, fields: [("title", name)],
            file: ("\(name).wav", try scratch.tone("\(name).wav", seconds: seconds)))
        #expect(response.status == 201, "\(response.text)")
        return try response.json()["id"] as? String ?? ""
    }

    func stream(_ query: String, id: String? = nil, headers: [String: String] = [:], method: String = "GET",
                client: TestClient? = nil) throws -> TestResponse {
        try (client ?? self.client).request(method, "/api/v1/tracks/\(id ?? self.id)/stream?\(query)",
                                            headers: headers.merging(bearer(admin)) { $1 })
    }

    /// Writes `bytes` to a scratch file and returns its path.
    func save(_ bytes: [UInt8], as name: String) throws -> String {
        let path = scratch.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func stop() { base.stop() }
}

enum FFmpeg {
    /// Decodes `path` completely with ffmpeg (gapless trimming from the LAME tag included) and returns the
    /// decoded duration in seconds at `sampleRate`.
    static func decodedSeconds(_ path: String, sampleRate: Int) throws -> Double {
        let output = try run("/usr/bin/ffmpeg", ["-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "\(sampleRate)", "-"])
        return Double(output.count / 2) / Double(sampleRate)
    }

    /// What ffprobe reads from the headers alone (the Info frame): duration, bitrate and sample rate.
    static func probe(_ path: String) throws -> (duration: Double, bitrate: Int, sampleRate: Int) {
        let output = try run("/usr/bin/ffprobe", [
            "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate,bit_rate:format=duration",
            "-of", "default=noprint_wrappers=1", path])
        var values: [String: String] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        return (Double(values["duration"] ?? "") ?? -1, Int(values["bit_rate"] ?? "") ?? -1,
                Int(values["sample_rate"] ?? "") ?? -1)
    }

    /// What ffmpeg complains of while decoding `path` completely: empty when every packet decodes cleanly.
    static func decodeErrors(_ path: String) throws -> String {
        let log = path + ".errors"
        _ = try run("/usr/bin/ffmpeg", ["-v", "error", "-y", "-i", path, "-f", "null", "-"], standardError: log)
        return try String(contentsOfFile: log, encoding: .utf8)
    }

    static func run(_ tool: String, _ arguments: [String], standardError: String? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        if let standardError {
            _ = FileManager.default.createFile(atPath: standardError, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: standardError)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestClientError("\(tool) failed: \(process.terminationStatus)") }
        return data
    }
}
