import Foundation
import Synchronization
import Testing
import DuradoraHTTP
import DuradoraTestSupport

/// Slowloris, the way an attacker does it: bytes trickled just often enough to beat a per-gap timer. The read
/// timeout is one absolute deadline for a whole head, and a body must keep a minimum rate.
@Suite struct SlowClientTests {
    /// Sends `piece` every `interval` from its own thread until a send fails or `stop` is set.
    private static func trickle(_ client: TestClient, _ piece: String, every interval: Double, stop: Counter) -> Thread {
        let thread = Thread {
            while stop.value == 0 {
                Thread.sleep(forTimeInterval: interval)
                do { try client.send(raw: piece) } catch { return }
            }
        }
        thread.start()
        return thread
    }

    @Test func aHeadTrickledByteByByteGets408AtTheDeadline() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.readTimeoutSeconds = 2 }
        defer { server.stop() }
        let client = try server.makeClient(timeoutSeconds: 10)
        let started = Date()
        try client.send(raw: "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        let stop = Counter()
        _ = Self.trickle(client, "a", every: 0.2, stop: stop)
        defer { stop.add() }
        let response = try client.readResponse()
        let elapsed = Date().timeIntervalSince(started)
        #expect(response.status == 408)
        #expect(response.errorCode == "request_timeout")
        // The sweep runs every 0.5 s: the answer comes at the deadline, not at the last byte's deadline.
        // (Restarted by each byte, it would never come: the trickle goes on until the connection closes.)
        #expect(elapsed >= 1.9 && elapsed < 4.5, "408 after \(elapsed) s")
        #expect(try client.readsEndOfStream())
    }

    @Test func aBodyTrickledBelowTheMinimumRateGets408() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.readTimeoutSeconds = 1 }
        defer { server.stop() }
        let client = try server.makeClient(timeoutSeconds: 10)
        try client.send(raw: "POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        let started = Date()
        let stop = Counter()
        // 5 bytes a second: never a gap of a whole read timeout, far under 256 bytes a second.
        _ = Self.trickle(client, "b", every: 0.2, stop: stop)
        defer { stop.add() }
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(Date().timeIntervalSince(started) < 4)
        #expect(try client.readsEndOfStream())
    }

    /// `minBodyBytesPerSecond = 0` keeps only the gap rule: a trickle passes, a stall is still cut.
    @Test func withoutAMinimumRateOnlyGapsAreCut() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter()) {
            $0.readTimeoutSeconds = 1
            $0.minBodyBytesPerSecond = 0
        }
        defer { server.stop() }
        let trickler = try server.makeClient(timeoutSeconds: 10)
        try trickler.send(raw: "POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n")
        for _ in 0..<8 {
            Thread.sleep(forTimeInterval: 0.25)
            try trickler.send(raw: "c")
        }
        #expect(try trickler.readResponse().text == "8")
        let staller = try server.makeClient(timeoutSeconds: 10)
        try staller.send(raw: "POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nabc")
        #expect(try staller.readResponse().status == 408)
    }

    /// A head spread over most of the read timeout, then an upload at 800 bytes a second, twice on one keep-alive
    /// connection with an idle pause between: every deadline is per request, and a body above the rate passes.
    @Test func aSlowButHonestClientIsServed() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.readTimeoutSeconds = 1 }
        defer { server.stop() }
        let client = try server.makeClient(timeoutSeconds: 10)
        for _ in 0..<2 {
            for piece in ["POST /count HTTP/1.1\r\n", "Host: x\r\n", "Content-Length: 2000\r\n", "\r\n"] {
                try client.send(raw: piece)
                Thread.sleep(forTimeInterval: 0.15)
            }
            for _ in 0..<10 {
                try client.send(bytes: [UInt8](repeating: 0x61, count: 200))
                Thread.sleep(forTimeInterval: 0.25)
            }
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "2000")
            Thread.sleep(forTimeInterval: 1.2)  // idle between requests: the idle timeout, not the read one
        }
    }

    /// 1 000 connections trickle header bytes (and come back when cut off) while a real client keeps asking.
    @Test func aThousandTricklersDoNotStarveARealClient() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter()) { $0.readTimeoutSeconds = 2 }
        defer { server.stop() }
        let stop = Counter()
        let cutOff = Counter()
        let port = server.port
        let attacker = Thread {
            var clients = (0..<1_000).compactMap { _ in try? TestClient(port: port, timeoutSeconds: 5) }
            for client in clients { try? client.send(raw: "GET /hello HTTP/1.1\r\nHost: x\r\n") }
            while stop.value == 0 {
                Thread.sleep(forTimeInterval: 0.2)
                for index in clients.indices {
                    do {
                        try clients[index].send(raw: "X")
                    } catch {
                        cutOff.add()
                        if let fresh = try? TestClient(port: port, timeoutSeconds: 5) {
                            try? fresh.send(raw: "GET /hello HTTP/1.1\r\nHost: x\r\n")
                            clients[index] = fresh
                        }
                    }
                }
            }
        }
        attacker.start()
        defer { stop.add() }
        #expect(TestHTTPServer.eventually(within: 5) { server.server.openConnections >= 900 })

        // Up to three 5-second windows: `swift test` runs other suites beside this one on the same two cores, and
        // one of them (a transcode, a build of a fixture) can take both for a moment. Starvation by the tricklers
        // fails every window; a neighbour's burst fails one.
        var windows: [(count: Int, p99: Double)] = []
        repeat {
            var latencies: [Double] = []
            let started = Date()
            while Date().timeIntervalSince(started) < 5 {
                let begin = Date()
                let client = try server.makeClient(timeoutSeconds: 5)
                #expect(try client.get("/hello").status == 200)
                latencies.append(Date().timeIntervalSince(begin))
                client.close()
                Thread.sleep(forTimeInterval: 0.01)
            }
            latencies.sort()
            windows.append((latencies.count, latencies[min(latencies.count - 1, latencies.count * 99 / 100)]))
        } while windows.count < 3 && !(windows.last!.count > 100 && windows.last!.p99 < 0.05)
        let report = windows.map { "p99 \(Int($0.p99 * 1000)) ms over \($0.count) requests" }.joined(separator: "; ")
        #expect(windows.last!.count > 100 && windows.last!.p99 < 0.05, "\(report)")
        // Each trickler was cut at its deadline, so most of them came back at least once in 5 s.
        #expect(cutOff.value >= 900)
    }
}

/// A count shared with the test's threads (a stop flag when it leaves 0).
private final class Counter: Sendable {
    private let storage = Atomic(0)
    var value: Int { storage.load(ordering: .relaxed) }
    func add() { storage.add(1, ordering: .relaxed) }
}
