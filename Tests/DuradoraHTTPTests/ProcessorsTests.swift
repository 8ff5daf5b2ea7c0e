import CEpoll
import Foundation
import Synchronization
import Testing
@testable import DuradoraHTTP

/// The count that sizes the event loops and the workers' running limit follows the CPU affinity (`taskset`, a
/// container's cpuset), which Foundation's `activeProcessorCount` does not: measured on a thread pinned to one
/// processor (`sched_getaffinity(0)` reads the calling thread's mask, so the test pins a thread of its own).
@Suite struct ProcessorsTests {
    @Test func aThreadPinnedToOneProcessorCountsOne() throws {
        try #require(ProcessInfo.processInfo.activeProcessorCount > 1, "needs a machine with more than one processor")
        let counted = Mutex<(pinned: Int32, unpinned: Int32)>((0, 0))
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let unpinned = duradora_available_processors()
            let pinned = duradora_pin_calling_thread(0) == 0 ? duradora_available_processors() : -1
            counted.withLock { $0 = (pinned, unpinned) }
            done.signal()
        }
        thread.start()
        done.wait()
        let (pinned, unpinned) = counted.withLock { $0 }
        #expect(pinned == 1)
        #expect(Int(unpinned) == ProcessInfo.processInfo.activeProcessorCount)
        #expect(Processors.available == Int(unpinned))
    }
}
