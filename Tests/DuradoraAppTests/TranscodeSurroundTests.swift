import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// An imported 5.1 FLAC (uploads are stored as stereo MP3 already; imports stay as they are) transcodes live to
/// stereo MP3 and Opus: the six channels are mixed down before the encoders, which take at most two.
@Suite struct TranscodeSurroundTests {
    @Test(arguments: ["mp3", "opus"])
    func aSurroundFileStreamsAsStereo(format: String) throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let music = scratch.path("music")
        try FileManager.default.createDirectory(atPath: music, withIntermediateDirectories: true)
        // Six channels, each a tone of its own, 3 s at 44.1 kHz.
        _ = try FFmpeg.run("/usr/bin/sox", ["-n", "-r", "44100", "-c", "6", "-b", "16", "\(music)/surround.flac",
                                            "synth", "3", "sine", "220", "sine", "330", "sine", "440",
                                            "sine", "550", "sine", "660", "sine", "770", "gain", "-6"])
        let scan = try LibraryImportTests.scan(fixture.client, music, token: fixture.admin)
        #expect(scan["added"] as? Int == 1, "\(scan)")
        let track = try #require(try fixture.client.items("/api/v1/tracks?limit=5", token: fixture.admin).first)
        #expect(track["channels"] as? Int == 6)
        let id = track["id"] as? String ?? ""

        let response = try fixture.client.get("/api/v1/tracks/\(id)/stream?format=\(format)&max_bitrate=96",
                                              headers: bearer(fixture.admin))
        #expect(response.status == 200, "\(response.text.prefix(300))")
        #expect(response.header("Content-Length") == "\(response.body.count)")
        let path = scratch.path("out.\(format)")
        try Data(response.body).write(to: URL(fileURLWithPath: path))
        #expect(try FFmpeg.decodeErrors(path) == "")
        let channels = try FFmpeg.run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries",
                                                           "stream=channels", "-of", "csv=p=0", path])
        #expect(String(decoding: channels, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        #expect(abs(try FFmpeg.decodedSeconds(path, sampleRate: 48000) - 3) < 0.1)
    }
}
