import DuradoraApp
import DuradoraHTTP
import DuradoraTestSupport
import Foundation
import Testing

/// First-play seeking: ranges of a transcode still running, ranges far ahead of it, and the cached file after.
@Suite struct TranscodeRangeTests {
    @Test func rangesOfALiveTranscodeConcatenateToTheCachedFile() throws {
        let fixture = try TranscodeFixture(seconds: 20)
        defer { fixture.stop() }
        let head = try fixture.stream("max_bitrate=96", method: "HEAD")
        let length = Int(head.header("Content-Length") ?? "") ?? 0
        // 432-byte frames (96 kbps at 32 kHz): the Info frame, then (576 delay + 640 000 samples + 1 728 padding) / 1152
        // = 557 frames.
        #expect(length == 432 * 558)
        var assembled: [UInt8] = []
        for range in ["0-999", "1000-40000", "40001-\(length / 2)", "\(length / 2 + 1)-"] {
            let response = try fixture.stream("max_bitrate=96", headers: ["Range": "bytes=\(range)"])
            #expect(response.status == 206, "\(range): \(response.text)")
            #expect(response.header("Content-Length") == "\(response.body.count)")
            #expect(response.header("Content-Range")?.hasSuffix("/\(length)") == true)
            assembled += response.body
        }
        #expect(assembled.count == length)
        #expect(fixture.service.sharedEncodesStarted == 1)
        #expect(TestHTTPServer.eventually(within: 10) { fixture.service.cache.stats.files == 1 })
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: fixture.service.cache.directory).first)
        let cached = Array(try Data(contentsOf: URL(fileURLWithPath: fixture.service.cache.path(for: name))))
        #expect(cached == assembled)

        // Now served like a stored file: strong ETag, 304, Range from the file.
        let full = try fixture.stream("max_bitrate=96")
        #expect(full.body == cached)
        let etag = try #require(full.header("ETag"))
        #expect(etag.hasPrefix("\""))
        #expect(try fixture.stream("max_bitrate=96", headers: ["If-None-Match": etag]).status == 304)
        let tail = try fixture.stream("max_bitrate=96", headers: ["Range": "bytes=-100"])
        #expect(tail.status == 206)
        #expect(tail.body == Array(cached.suffix(100)))
        #expect(fixture.service.sharedEncodesStarted == 1)
    }

    @Test func aRangeFarAheadIsEncodedAtItsOffsetAndLinesUp() throws {
        let fixture = try TranscodeFixture(seconds: 60)
        defer { fixture.stop() }
        let head = try fixture.stream("max_bitrate=64", method: "HEAD")
        let length = Int(head.header("Content-Length") ?? "") ?? 0
        let start = length * 6 / 10 + 100   // mid-frame: 60 % of the track, as a browser seeks
        let seek = try fixture.stream("max_bitrate=64", headers: ["Range": "bytes=\(start)-"])
        #expect(seek.status == 206)
        #expect(seek.header("Content-Range") == "bytes \(start)-\(length - 1)/\(length)")
        #expect(seek.body.count == length - start)
        // The first whole frame of the answer is at the next frame boundary of the whole stream (288-byte frames).
        let boundary = (288 - start % 288) % 288
        #expect(Array(seek.body[boundary..<boundary + 2]) == [0xFF, 0xFB])
        // Spliced behind the start of the whole stream, it decodes to the whole duration.
        let full = try fixture.stream("max_bitrate=64")
        let spliced = try fixture.save(Array(full.body.prefix(start)) + seek.body, as: "spliced.mp3")
        let decoded = try FFmpeg.decodedSeconds(spliced, sampleRate: 32_000)
        #expect(abs(decoded - 60) < 0.05, "decoded \(decoded) s")
    }

    @Test func timeOffsetStartsWhereAsked() throws {
        let fixture = try TranscodeFixture(seconds: 5)
        defer { fixture.stop() }
        let response = try fixture.stream("max_bitrate=128&time_offset=1.5")
        #expect(response.status == 200)
        #expect(response.header("X-Content-Duration") == "3.500")
        #expect(response.header("Content-Length") == "\(response.body.count)")
        let decoded = try FFmpeg.decodedSeconds(try fixture.save(response.body, as: "offset.mp3"), sampleRate: 48_000)
        #expect(abs(decoded - 3.5) < 0.05, "decoded \(decoded) s")
        // Without a limit, a time offset transcodes at the stored bitrate's rung.
        let plain = try fixture.stream("time_offset=4")
        #expect(plain.status == 200)
        #expect(plain.header("X-Content-Duration") == "1.000")
    }

    @Test func twoListenersShareOneEncode() throws {
        let fixture = try TranscodeFixture(seconds: 60)
        defer { fixture.stop() }
        let first = try fixture.base.app.makeClient()
        let second = try fixture.base.app.makeClient()
        let request = "GET /api/v1/tracks/\(fixture.id)/stream?max_bitrate=80 HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer \(fixture.admin)\r\n\r\n"
        try first.send(raw: request)
        try second.send(raw: request)
        let a = try first.readResponse()
        let b = try second.readResponse()
        #expect(a.status == 200 && b.status == 200)
        #expect(a.body == b.body)
        #expect(a.body.count == Int(a.header("Content-Length") ?? "") ?? -1)
        #expect(fixture.service.sharedEncodesStarted == 1)
    }
}
