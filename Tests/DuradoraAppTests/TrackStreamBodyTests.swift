import DuradoraHTTP
import DuradoraTestSupport
import Foundation
import Synchronization
import Testing
@testable import DuradoraApp

/// `TrackStream` as the response writer's pull iterator: stored files in bounded `sendfile` slices, and bodies of
/// unknown length (what an on-the-fly transcode will send) chunked through the same path, pulled only as fast as
/// the listener reads.
@Suite struct TrackStreamBodyTests {
    @Test func aFileRangeComesInBoundedSlicesThatCoverIt() throws {
        let fixture = try TrackStreamTests.Fixture(seconds: 150)  // a few MB: several slices
        defer { fixture.stop() }
        let file = try OpenFile(path: fixture.path)
        let offset: Int64 = 1234
        let stream = TrackStream(region: FileRegion(file: file, offset: offset))
        #expect(stream.contentLength == file.size - offset)
        var position = offset
        var slices = 0
        while let chunk = try stream.next() {
            guard case .file(let region) = chunk else {
                Issue.record("a stored file yields file regions, not bytes")
                return
            }
            #expect(region.offset == position)
            #expect(region.length > 0 && region.length <= TrackStream.sliceLength)
            position += region.length
            slices += 1
        }
        #expect(position == file.size)
        #expect(slices == Int((file.size - offset + TrackStream.sliceLength - 1) / TrackStream.sliceLength))
        #expect(slices > 1)
        #expect(try stream.next() == nil)
    }

    /// A server whose `/live` route answers with `TrackStream(chunks:)` over the bytes of `source`, `piece` at a time;
    /// `pulls` counts the producer's calls.
    final class Counter: Sendable {
        private let atomic = Atomic<Int>(0)
        var value: Int { atomic.load(ordering: .relaxed) }
        func add(_ count: Int) { atomic.add(count, ordering: .relaxed) }
    }

    struct LiveServer {
        let server: TestHTTPServer
        let pulls: Counter

        init(source: [UInt8], piece: Int) throws {
            let router = Router()
            let pulls = Counter()
            router.get("/live") { _, _ in
                let offset = Counter()
                let stream = TrackStream(chunks: {
                    pulls.add(1)
                    let start = offset.value
                    guard start < source.count else { return nil }
                    let end = min(start + piece, source.count)
                    offset.add(end - start)
                    return Array(source[start..<end])
                })
                return Response(status: .ok, headers: [.contentType: "audio/mpeg"], body: .stream(stream))
            }
            self.pulls = pulls
            server = try TestHTTPServer(router: router)
        }
    }

    @Test func aBodyOfUnknownLengthIsChunkedForHTTP11AndCloseDelimitedForHTTP10() throws {
        let fixture = try TrackStreamTests.Fixture(seconds: 5)
        defer { fixture.stop() }
        let live = try LiveServer(source: fixture.bytes, piece: 4_000)
        defer { live.server.stop() }

        let client = try live.server.makeClient()
        let response = try client.get("/live")
        #expect(response.status == 200)
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(response.header("Content-Length") == nil)
        #expect(response.body == fixture.bytes)
        #expect(try client.get("/live").body == fixture.bytes)  // the connection stays usable

        let head = try client.request("HEAD", "/live")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.header("Transfer-Encoding") == "chunked")

        let old = try live.server.makeClient()
        try old.send(raw: "GET /live HTTP/1.0\r\n\r\n")
        let closeDelimited = try old.readResponse()
        #expect(closeDelimited.header("Transfer-Encoding") == nil)
        #expect(closeDelimited.header("Connection")?.lowercased() == "close")
        #expect(closeDelimited.body == fixture.bytes)
    }

    @Test func aListenerWhoDoesNotReadHoldsTheProducerBack() throws {
        let piece = 64 << 10
        let source = [UInt8](repeating: 0x55, count: 1024 * piece)  // 64 MiB, far more than socket buffers hold
        let live = try LiveServer(source: source, piece: piece)
        defer { live.server.stop() }
        let client = try live.server.makeClient()
        client.setReceiveBuffer(16_384)
        try client.send(raw: "GET /live HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(!(try client.receiveSome(max: 512)).isEmpty)
        // Wait until the producer stops being pulled: the socket is full and the writer waits for it.
        var previous = -1
        #expect(TestHTTPServer.eventually(within: 20) {
            let now = live.pulls.value
            defer { previous = now }
            Thread.sleep(forTimeInterval: 0.2)
            return now == previous && now > 0
        })
        let pulledWhileStalled = live.pulls.value
        #expect(pulledWhileStalled * piece < 16 << 20, "pulled \(pulledWhileStalled) pieces while nobody read")
        // Reading resumes the pulls to the end, and every byte arrives (plus the head and chunk framing).
        var received = 512
        var tail: [UInt8] = []
        let terminator = Array("\r\n0\r\n\r\n".utf8)
        while tail != terminator {
            let more = try client.receiveSome()
            if more.isEmpty { break }
            received += more.count
            tail = Array((tail + more).suffix(terminator.count))
        }
        #expect(tail == terminator)
        #expect(received > source.count)
        #expect(live.pulls.value == 1024 + 1)
    }
}
