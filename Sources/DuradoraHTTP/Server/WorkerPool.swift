import Foundation

/// A fixed set of threads for blocking work (handlers: database, hashing, audio). I/O queues hand work here
/// and never block themselves. The queue of waiting jobs is bounded: past it, `submit` refuses and the
/// caller answers 503 instead of piling up work without limit.
public final class WorkerPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var isStopping = false
    private var running = 0
    private let maxQueued: Int
    private var threads: [Thread] = []
    /// What a taken job's slot holds until the array is compacted.
    private static let finished: @Sendable () -> Void = {}

    public init(threadCount: Int, maxQueued: Int) {
        self.maxQueued = maxQueued
        for index in 0..<max(1, threadCount) {
            // Each thread keeps the pool alive until `stop()` lets it return.
            let thread = Thread { [self] in self.work() }
            thread.name = "duradora.worker.\(index)"
            thread.stackSize = 1 << 20
            threads.append(thread)
            thread.start()
        }
    }

    /// Queues `job`; false when the queue is full or the pool is stopping.
    @discardableResult
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isStopping, jobs.count - head < maxQueued else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Jobs waiting plus jobs running.
    public var load: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count - head + running
    }

    /// Lets queued jobs finish, then ends the threads.
    public func stop() {
        condition.lock()
        isStopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count && !isStopping { condition.wait() }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]
            // Drop the queue's reference now: a finished job's captures (a request, its response and the open file
            // it streams) must not live on until the array is next compacted.
            jobs[head] = Self.finished
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            running += 1
            condition.unlock()
            job()
            condition.lock()
            running -= 1
            condition.unlock()
        }
    }
}
