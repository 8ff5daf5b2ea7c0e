import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Live MP3 transcodes over the real server, decoded back with ffmpeg: exact length, duration, headers.
@Suite struct TranscodeStreamTests {
    @Test(arguments: [(64, 32_000), (96, 32_000), (112, 48_000), (128, 48_000)])
    func transcodeDecodesToTheSourceDuration(kbps: Int, sampleRate: Int) throws {
        let fixture = try TranscodeFixture(seconds: 3)
        defer { fixture.stop() }
        let response = try fixture.stream("max_bitrate=\(kbps)")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.header("Content-Type") == "audio/mpeg")
        #expect(response.header("Accept-Ranges") == "bytes")
        #expect(response.header("Content-Length") == "\(response.body.count)")
        #expect(response.header("X-Content-Duration") == "3.000")
        let path = try fixture.save(response.body, as: "t\(kbps).mp3")
        let decoded = try FFmpeg.decodedSeconds(path, sampleRate: sampleRate)
        #expect(abs(decoded - 3) < 0.05, "decoded \(decoded) s")
        // ffprobe reads the Info frame and reports the untrimmed frame duration (as for LAME's own files).
        let probed = try FFmpeg.probe(path)
        #expect(probed.duration >= 3 && probed.duration < 3.1, "probed \(probed.duration) s")
        #expect(probed.bitrate == kbps * 1000)
        #expect(probed.sampleRate == sampleRate)
    }

    @Test func storedFileWhenTheLimitIsAtOrAboveItsBitrate() throws {
        let fixture = try TranscodeFixture(seconds: 1)
        defer { fixture.stop() }
        let stored = try fixture.client.get("/api/v1/tracks/\(fixture.id)/stream", headers: bearer(fixture.admin))
        #expect(stored.header("X-Content-Duration") == "1.000")
        for query in ["max_bitrate=320", "format=raw", "format=mp3", "format=raw&max_bitrate=64", "max_bitrate=0"] {
            let response = try fixture.stream(query)
            #expect(response.status == 200, "\(query)")
            #expect(response.body == stored.body, "\(query)")
            #expect(response.header("ETag") == stored.header("ETag"), "\(query)")
        }
    }

    @Test(arguments: ["format=flac", "format=opus&max_bitrate=8", "max_bitrate=abc", "max_bitrate=-5", "max_bitrate=32", "time_offset=-1",
                      "time_offset=soon", "time_offset=99", "time_offset=1.7e308", "time_offset=1e19", "format=raw&time_offset=1"])
    func badParametersAre422(query: String) throws {
        let fixture = try TranscodeFixture(seconds: 1)
        defer { fixture.stop() }
        let response = try fixture.stream(query)
        #expect(response.status == 422, "\(query): \(response.text)")
        #expect(response.errorCode == "invalid_field")
    }

    @Test func headAnnouncesTheLengthWithoutEncoding() throws {
        let fixture = try TranscodeFixture(seconds: 2)
        defer { fixture.stop() }
        let head = try fixture.stream("max_bitrate=96", method: "HEAD")
        let get = try fixture.stream("max_bitrate=96")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "\(get.body.count)")
        #expect(head.header("X-Content-Duration") == get.header("X-Content-Duration"))
    }
}

/// The user's `max_bitrate` preference: set with PATCH, applied when a request names no limit.
@Suite struct TranscodePreferenceTests {
    @Test func aUsersMaxBitrateAppliesWhenTheRequestNamesNone() throws {
        let fixture = try TranscodeFixture(seconds: 2)
        defer { fixture.stop() }
        let me = try fixture.client.me(fixture.admin).json()
        #expect(me["max_bitrate"] is NSNull)
        let userID = fixture.base.adminID
        let stored = try fixture.stream("")
        #expect(stored.header("ETag") != nil)

        let patched = try fixture.client.patchJSON("/api/v1/users/\(userID)", #"{"max_bitrate": 64}"#, token: fixture.admin)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(try patched.json()["max_bitrate"] as? Int == 64)
        let preferred = try fixture.stream("")
        #expect(preferred.status == 200)
        #expect(preferred.body.count == 288 * 58)   // 2 s at 64 kbps, 32 kHz
        #expect(try fixture.stream("max_bitrate=96").body.count == 432 * 58)   // the request wins (96 kbps: 32 kHz too)
        #expect(try fixture.stream("format=raw").body == stored.body)

        #expect(try fixture.client.patchJSON("/api/v1/users/\(userID)", #"{"max_bitrate": 32}"#, token: fixture.admin).status == 422)
        #expect(try fixture.client.patchJSON("/api/v1/users/\(userID)", #"{"max_bitrate": "fast"}"#, token: fixture.admin).status == 422)
        let cleared = try fixture.client.patchJSON("/api/v1/users/\(userID)", #"{"max_bitrate": null}"#, token: fixture.admin)
        #expect(try cleared.json()["max_bitrate"] is NSNull)
        #expect(try fixture.stream("").body == stored.body)
    }
}

/// Ogg Opus: hard CBR in fixed pages, so an exact length and Range on its first play, a cached file after.
@Suite struct TranscodeOpusTests {
    @Test(arguments: [48, 128])
    func opusDecodesToTheSourceDurationAndIsCached(kbps: Int) throws {
        let fixture = try TranscodeFixture(seconds: 3)
        defer { fixture.stop() }
        let live = try fixture.stream("format=opus&max_bitrate=\(kbps)")
        #expect(live.status == 200, "\(live.text)")
        #expect(live.header("Content-Type") == "audio/ogg")
        #expect(live.header("Accept-Ranges") == "bytes")
        #expect(live.header("Content-Length") == "\(live.body.count)")
        #expect(live.header("X-Content-Duration") == "3.000")
        let head = try fixture.stream("format=opus&max_bitrate=\(kbps)", method: "HEAD")
        #expect(head.header("Content-Length") == "\(live.body.count)")
        let path = try fixture.save(live.body, as: "t\(kbps).opus")
        let decoded = try FFmpeg.decodedSeconds(path, sampleRate: 48_000)
        #expect(abs(decoded - 3) < 0.05, "decoded \(decoded) s")
        #expect(try FFmpeg.decodeErrors(path) == "")
        let probed = try FFmpeg.probe(path)   // from the granule positions
        #expect(abs(probed.duration - 3) < 0.05, "probed \(probed.duration) s")

        #expect(TestHTTPServer.eventually(within: 5) { fixture.service.cache.stats.files == 1 })
        let cached = try fixture.stream("format=opus&max_bitrate=\(kbps)")
        #expect(cached.body == live.body)
        #expect(cached.header("Content-Length") == "\(live.body.count)")
        #expect(cached.header("ETag") != nil)
        let range = try fixture.stream("format=opus&max_bitrate=\(kbps)", headers: ["Range": "bytes=100-199"])
        #expect(range.status == 206)
        #expect(range.body == Array(live.body[100..<200]))
    }

    @Test func opusTimeOffsetStartsWhereAsked() throws {
        let fixture = try TranscodeFixture(seconds: 4)
        defer { fixture.stop() }
        let response = try fixture.stream("format=opus&time_offset=2.5")
        #expect(response.status == 200)
        #expect(response.header("X-Content-Duration") == "1.500")
        #expect(response.header("Content-Length") == "\(response.body.count)")
        let decoded = try FFmpeg.decodedSeconds(try fixture.save(response.body, as: "o.opus"), sampleRate: 48_000)
        #expect(abs(decoded - 1.5) < 0.05, "decoded \(decoded) s")
    }
}
