import Foundation
import Synchronization

/// A fixed set of threads for blocking work (handlers: database, hashing, audio). I/O queues hand work here
/// and never block themselves. The queue of waiting jobs is bounded: past it, `submit` refuses and the
/// caller answers 503 instead of piling up work without limit.
///
/// How threads are woken is what this type is about (the worker path's cost was more in `futex` calls and context
/// switches than in the jobs: `strace -c` counted 8 `futex` calls per `GET /api/v1/tracks/{id}` with one shared
/// condition variable). Each thread sleeps on a semaphore of its own; idle threads are kept in a stack, and the
/// most recently idle is woken first, so the few threads a light load needs stay warm in the caches instead of 32
/// taking turns. At most one woken thread is on its way at a time: the pool wakes a thread when a job arrives and
/// none is, and each woken thread, once it has taken its job, wakes the next if jobs are still waiting. A burst of
/// 64 requests then wakes threads only as fast as they are needed, not 32 at once to fight over one core; a job
/// that blocks still never holds up the ones behind it.
public final class WorkerPool: @unchecked Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        /// Sleeping threads by index, the most recently idle last.
        var idle: [Int] = []
        /// A thread was signalled and has not yet looked at the queue.
        var isWakePending = false
        var running = 0
        var isStopping = false

        var waiting: Int { jobs.count - head }

        mutating func take() -> (@Sendable () -> Void)? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            // Drop the queue's reference now: a finished job's captures (a request, its response and the open file
            // it streams) must not live on until the array is next compacted.
            jobs[head] = WorkerPool.finished
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }

        /// The thread to signal, if one should be woken for waiting jobs.
        mutating func threadToWake() -> Int? {
            guard !isWakePending, waiting > 0, let index = idle.popLast() else { return nil }
            isWakePending = true
            return index
        }
    }

    private let state = Mutex(State())
    private let wakers: [DispatchSemaphore]
    private let maxQueued: Int
    /// What a taken job's slot holds until the array is compacted.
    fileprivate static let finished: @Sendable () -> Void = {}

    public init(threadCount: Int, maxQueued: Int) {
        self.maxQueued = maxQueued
        let count = max(1, threadCount)
        wakers = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        for index in 0..<count {
            // Each thread keeps the pool alive until `stop()` lets it return.
            let thread = Thread { [self] in self.work(index) }
            thread.name = "duradora.worker.\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Queues `job`; false when the queue is full or the pool is stopping.
    @discardableResult
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let (accepted, wake) = state.withLock { state -> (Bool, Int?) in
            guard !state.isStopping, state.waiting < maxQueued else { return (false, nil) }
            state.jobs.append(job)
            return (true, state.threadToWake())
        }
        if let wake { wakers[wake].signal() }
        return accepted
    }

    /// Jobs waiting plus jobs running.
    public var load: Int {
        state.withLock { $0.waiting + $0.running }
    }

    /// Lets queued jobs finish, then ends the threads.
    public func stop() {
        let sleepers = state.withLock { state in
            state.isStopping = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for index in sleepers { wakers[index].signal() }
    }

    private func work(_ index: Int) {
        var wasWoken = false
        var finishedJob = false
        while true {
            enum Next { case run(@Sendable () -> Void, wake: Int?), sleep, end }
            let next = state.withLock { state -> Next in
                if finishedJob { state.running -= 1 }
                if wasWoken { state.isWakePending = false }
                if let job = state.take() {
                    state.running += 1
                    return .run(job, wake: state.threadToWake())
                }
                if state.isStopping { return .end }
                state.idle.append(index)
                return .sleep
            }
            switch next {
            case .run(let job, let wake):
                if let wake { wakers[wake].signal() }
                job()
                finishedJob = true
                wasWoken = false
            case .sleep:
                finishedJob = false
                wakers[index].wait()
                wasWoken = true
            case .end:
                return
            }
        }
    }
}
