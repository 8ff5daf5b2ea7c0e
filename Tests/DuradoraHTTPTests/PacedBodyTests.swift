import Foundation
import Synchronization
import Testing
import DuradoraHTTP
import DuradoraTestSupport

/// A body whose bytes are made elsewhere, later (a live transcode): the writer waits for its wake-up instead of
/// blocking the event loop or spinning.
@Suite struct PacedBodyTests {
    /// Three chunks made by a producer thread, 150 ms apart; counts the pulls that found nothing ready.
    final class SlowProducer: PacedBodyStream {
        let contentLength: Int64? = 24
        private struct State {
            var ready: [[UInt8]] = []
            var produced = 0
            var wake: (@Sendable () -> Void)?
        }
        private let state = Mutex(State())
        let unreadyPulls = Atomic(0)

        init() {
            Thread { [self] in
                for index in 0..<3 {
                    Thread.sleep(forTimeInterval: 0.15)
                    let wake = state.withLock { state in
                        state.ready.append(Array("chunk \(index)\n".utf8))
                        state.produced += 1
                        defer { state.wake = nil }
                        return state.wake
                    }
                    wake?()
                }
            }.start()
        }

        func isReady(orCall wake: @escaping @Sendable () -> Void) -> Bool {
            state.withLock { state in
                if !state.ready.isEmpty || state.produced == 3 { return true }
                state.wake = wake
                unreadyPulls.add(1, ordering: .relaxed)
                return false
            }
        }

        func next() throws -> BodyChunk? {
            state.withLock { state in state.ready.isEmpty ? nil : .bytes(state.ready.removeFirst()) }
        }
    }

    @Test func aPacedBodyArrivesWholeWhileTheLoopServesOthers() throws {
        let router = Router()
        let producer = Mutex<SlowProducer?>(nil)
        router.get("/paced") { _, _ in
            let stream = SlowProducer()
            producer.withLock { $0 = stream }
            return Response(status: .ok, body: .stream(stream))
        }
        router.getInline("/ping") { _, _ in .text("pong") }
        let server = try TestHTTPServer(router: router) { $0.eventLoops = 1 }
        defer { server.stop() }
        let slow = try server.makeClient()
        try slow.send(raw: "GET /paced HTTP/1.1\r\nHost: x\r\n\r\n")
        // While the body waits, the only event loop still answers another connection at once.
        Thread.sleep(forTimeInterval: 0.05)
        let started = Date()
        #expect(try server.makeClient().get("/ping").text == "pong")
        #expect(Date().timeIntervalSince(started) < 0.1)
        let response = try slow.readResponse()
        #expect(response.header("Content-Length") == "24")
        #expect(response.text == "chunk 0\nchunk 1\nchunk 2\n")
        // It waited for wake-ups (a few unready pulls), not in a busy loop.
        let pulls = producer.withLock { $0?.unreadyPulls.load(ordering: .relaxed) ?? -1 }
        #expect(pulls >= 1 && pulls <= 10, "\(pulls) unready pulls")
    }
}
