import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// What protects the server: encoder limits, encodes that stop when nobody listens, broken sources.
@Suite struct TranscodeLimitTests {
    /// Sends a GET for a transcode and reads only the head: the encode behind it stays open, held back by
    /// the unread bytes (a `time_offset` stream goes through a bounded pipe, so its encoder waits).
    static func holdStream(_ fixture: TranscodeFixture, _ query: String, id: String? = nil) throws -> TestClient {
        let client = try fixture.base.app.makeClient()
        client.setReceiveBuffer(4096)
        try client.send(raw: "GET /api/v1/tracks/\(id ?? fixture.id)/stream?\(query) HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer \(fixture.admin)\r\n\r\n")
        let head = String(decoding: try client.receiveSome(max: 512), as: UTF8.self)
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
        return client
    }

    @Test func pastMaxLiveIs503WithRetryAfter() throws {
        let fixture = try TranscodeFixture(seconds: 30) { $0.audio.transcoding.maxLive = 1 }
        defer { fixture.stop() }
        let holder = try Self.holdStream(fixture, "max_bitrate=64&time_offset=1")
        defer { holder.close() }
        #expect(fixture.service.activeEncoders == 1)
        let refused = try fixture.stream("max_bitrate=96")
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") != nil)
        #expect(refused.errorCode == "unavailable")
        // HEAD encodes nothing, so it is still answered.
        #expect(try fixture.stream("max_bitrate=96", method: "HEAD").status == 200)
    }

    @Test func pastMaxPerUserIs503() throws {
        let fixture = try TranscodeFixture(seconds: 30) { $0.audio.transcoding.maxPerUser = 1 }
        defer { fixture.stop() }
        let other = try TranscodeFixture.upload(fixture.base, fixture.scratch, seconds: 2, name: "b")
        let holder = try Self.holdStream(fixture, "max_bitrate=64&time_offset=1")
        defer { holder.close() }
        let refused = try fixture.stream("max_bitrate=64", id: other)
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") != nil)
        // The same stream again (a seek) is the same listening, not a second one.
        let seek = try fixture.stream("max_bitrate=64&time_offset=1", headers: ["Range": "bytes=1000-1999"])
        #expect(seek.status == 206)
    }

    @Test func anEncodeStopsWhenItsListenerLeaves() throws {
        let fixture = try TranscodeFixture(seconds: 30)
        defer { fixture.stop() }
        let holder = try Self.holdStream(fixture, "max_bitrate=64&time_offset=1")
        #expect(fixture.service.activeEncoders == 1)
        holder.setAbortOnClose()
        holder.close()
        #expect(TestHTTPServer.eventually(within: 1.5) { fixture.service.activeEncoders == 0 })
    }

    @Test func anAbandonedSharedEncodeLeavesNothingInTheCache() throws {
        let fixture = try TranscodeFixture(seconds: 60)
        defer { fixture.stop() }
        let holder = try Self.holdStream(fixture, "max_bitrate=48")
        holder.setAbortOnClose()
        holder.close()
        #expect(TestHTTPServer.eventually(within: 1.5) { fixture.service.activeEncoders == 0 })
        // Either it was abandoned (no file at all) or it finished first (one whole file): never a partial one.
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.service.cache.directory)
        #expect(names.allSatisfy { !$0.contains(".tmp-") })
        #expect(names.count == fixture.service.cache.stats.files)
    }

    @Test func aTruncatedSourceEndsTheStreamShortAndIsNotCached() throws {
        let fixture = try TranscodeFixture(seconds: 20)
        defer { fixture.stop() }
        try AudioFixtures.truncate(fixture.storedPath, keeping: 0.5)
        let client = try fixture.base.app.makeClient()
        try client.send(raw: "GET /api/v1/tracks/\(fixture.id)/stream?max_bitrate=64 HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer \(fixture.admin)\r\n\r\n")
        var received: [UInt8] = []
        while true {
            let chunk = try client.receiveSome()
            if chunk.isEmpty { break }
            received += chunk
        }
        let text = String(decoding: received.prefix(1024), as: UTF8.self)
        let headEnd = try #require(text.range(of: "\r\n\r\n"))
        let headLength = text.utf8.distance(from: text.startIndex, to: headEnd.upperBound)
        let announced = try #require(text.split(separator: "\r\n").first { $0.hasPrefix("Content-Length:") }
            .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) })
        #expect(received.count - headLength < announced)   // closed before Content-Length: never looks complete
        // Log lines are gathered for up to 20 ms before they are written: the close can come first.
        #expect(TestHTTPServer.eventually(within: 10) {
            fixture.base.app.log.contains { $0.contains("transcode failed") && $0.contains(fixture.id) }
        })
        #expect(fixture.service.cache.stats.files == 0)
    }
}
