import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// First-play seeking in Ogg Opus, as in MP3: ranges of the running shared encode are the cached file's bytes,
/// and a range far ahead gets its own encode whose pages sit where the whole stream's do.
@Suite struct TranscodeOpusRangeTests {
    @Test func aRangeOfALiveOpusTranscodeIsTheCachedFilesBytes() throws {
        let fixture = try TranscodeFixture(seconds: 20)
        defer { fixture.stop() }
        let query = "format=opus&max_bitrate=64"
        let head = try fixture.stream(query, method: "HEAD")
        let length = Int(head.header("Content-Length") ?? "") ?? 0
        let layout = OpusStreamLayout(profile: try #require(StreamProfile.opus(maxKbps: 64, sourceChannels: 1)),
                                      samples: 20 * 48_000)
        #expect(Int64(length) == layout.totalBytes)
        let range = try fixture.stream(query, headers: ["Range": "bytes=1000-50000"])
        #expect(range.status == 206, "\(range.text)")
        #expect(range.header("Content-Range") == "bytes 1000-50000/\(length)")
        #expect(range.body.count == 49_001)
        // The player reads on to the end (a range alone would leave the encode to stop when its listener goes).
        let rest = try fixture.stream(query, headers: ["Range": "bytes=50001-"])
        #expect(rest.status == 206)
        #expect(fixture.service.sharedEncodesStarted == 1)

        #expect(TestHTTPServer.eventually(within: 10) { fixture.service.cache.stats.files == 1 })
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: fixture.service.cache.directory).first)
        let cached = Array(try Data(contentsOf: URL(fileURLWithPath: fixture.service.cache.path(for: name))))
        #expect(cached.count == length)
        #expect(range.body == Array(cached[1000...50000]))
        let path = try fixture.save(cached, as: "whole.opus")
        #expect(abs(try FFmpeg.decodedSeconds(path, sampleRate: 48_000) - 20) < 0.05)
        #expect(try FFmpeg.decodeErrors(path) == "")
    }

    @Test func aRangeFarAheadStartsAtItsPageAndDecodesFromThere() throws {
        let fixture = try TranscodeFixture(seconds: 60)
        defer { fixture.stop() }
        let query = "format=opus&max_bitrate=32"
        let layout = OpusStreamLayout(profile: try #require(StreamProfile.opus(maxKbps: 32, sourceChannels: 1)),
                                      samples: 60 * 48_000)
        let length = Int(layout.totalBytes)
        let start = length * 6 / 10 + 100   // mid-page: 60 % of the track, as a browser seeks
        let seek = try fixture.stream(query, headers: ["Range": "bytes=\(start)-"])
        #expect(seek.status == 206, "\(seek.text)")
        #expect(seek.header("Content-Range") == "bytes \(start)-\(length - 1)/\(length)")
        #expect(seek.body.count == length - start)
        #expect(fixture.service.sharedEncodesStarted == 0)   // its own encode, not the shared one from byte 0

        // The next page of the answer starts where the whole stream's does, with the same sequence number and
        // granule position (bytes 0–21 of the page header; the checksum covers the audio, which differs a little).
        let next = layout.segment(containing: Int64(start)).start + layout.pageBytes
        let boundary = Int(next) - start
        let full = try fixture.stream(query)
        #expect(full.body.count == length)
        #expect(Array(seek.body[boundary..<boundary + 22]) == Array(full.body[Int(next)..<Int(next) + 22]))

        // From that page on, behind the header pages, it decodes cleanly to the rest of the track.
        let tail = try fixture.save(Array(full.body.prefix(Int(layout.headerBytes))) + seek.body[boundary...], as: "tail.opus")
        #expect(try FFmpeg.decodeErrors(tail) == "")
        let pageSeconds = Double(layout.packetsPerPage) * 0.02
        let pagesBefore = Double((next - layout.headerBytes) / layout.pageBytes)
        let expected = 60 - pagesBefore * pageSeconds   // (give or take the 6.5 ms pre-skip)
        let decoded = try FFmpeg.decodedSeconds(tail, sampleRate: 48_000)
        #expect(abs(decoded - expected) < 0.05, "decoded \(decoded) s, expected \(expected) s")
        // Spliced behind the start of the whole stream (mid-page, as a player's cache joins two responses), it
        // decodes to the whole duration but the page at the seam, whose checksum no longer matches.
        let spliced = try fixture.save(Array(full.body.prefix(start)) + seek.body, as: "spliced.opus")
        let splicedSeconds = try FFmpeg.decodedSeconds(spliced, sampleRate: 48_000)
        #expect(splicedSeconds > 60 - pageSeconds - 0.05 && splicedSeconds < 60.05, "decoded \(splicedSeconds) s")
    }
}
