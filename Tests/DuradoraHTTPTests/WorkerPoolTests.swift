import Foundation
import Testing
@testable import DuradoraHTTP

@Suite struct WorkerPoolTests {
    final class Payload: Sendable {}

    /// A finished job's captures go when it ends: a response's open file must not stay open in an idle pool.
    @Test func finishedJobsReleaseWhatTheyCaptured() throws {
        let pool = WorkerPool(threadCount: 2, maxQueued: 16)
        defer { pool.stop() }
        weak var released: Payload?
        let done = DispatchSemaphore(value: 0)
        do {
            let payload = Payload()
            released = payload
            #expect(pool.submit { _ = payload; done.signal() })
        }
        #expect(done.wait(timeout: .now() + 5) == .success)
        let isReleased = (0..<250).contains { _ in
            if released == nil { return true }
            usleep(20_000)
            return false
        }
        #expect(isReleased)
    }

    @Test func jobsRunInOrderAndAllRun() throws {
        let pool = WorkerPool(threadCount: 1, maxQueued: 2048)
        defer { pool.stop() }
        let lock = NSLock()
        nonisolated(unsafe) var seen: [Int] = []
        let group = DispatchGroup()
        for index in 0..<1500 {
            group.enter()
            #expect(pool.submit { lock.withLock { seen.append(index) }; group.leave() })
        }
        #expect(group.wait(timeout: .now() + 20) == .success)
        #expect(lock.withLock { seen } == Array(0..<1500))
    }
}
