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

    /// Past the running limit, a job that has been running longer than the stall time is taken to be waiting
    /// (a database, a bucket): another thread starts the jobs behind it.
    @Test func aJobThatBlocksDoesNotHoldUpTheJobsBehindIt() throws {
        let pool = WorkerPool(threadCount: 2, maxQueued: 16, runningLimit: 1, stallNanoseconds: 1_000_000)
        let release = DispatchSemaphore(value: 0)
        let blocked = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        defer {
            release.signal()
            pool.stop()
        }
        #expect(pool.submit { blocked.signal(); release.wait() })
        #expect(blocked.wait(timeout: .now() + 5) == .success)
        #expect(pool.submit { done.signal() })
        #expect(done.wait(timeout: .now() + 5) == .success)
    }

    /// Short jobs do not wake a thread each: at most `runningLimit` of them run at once (waking all 32 threads of
    /// a server starved its event loops of the core they shared).
    @Test func shortJobsRunOnNoMoreThreadsThanTheLimit() throws {
        let pool = WorkerPool(threadCount: 8, maxQueued: 4096, runningLimit: 1, stallNanoseconds: 5_000_000_000)
        defer { pool.stop() }
        let lock = NSLock()
        nonisolated(unsafe) var running = 0
        nonisolated(unsafe) var most = 0
        let group = DispatchGroup()
        for _ in 0..<2000 {
            group.enter()
            #expect(pool.submit {
                lock.withLock { running += 1; most = max(most, running) }
                var spin = 0
                for step in 0..<2_000 { spin &+= step }
                _ = spin
                lock.withLock { running -= 1 }
                group.leave()
            })
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        #expect(lock.withLock { most } == 1)
    }
}
