import Foundation
import Synchronization

/// A fixed set of threads for blocking work (handlers: database, hashing, audio). I/O queues hand work here
/// and never block themselves. The queue of waiting jobs is bounded: past it, `submit` refuses and the
/// caller answers 503 instead of piling up work without limit.
///
/// How threads are woken is what this type is about. Each thread sleeps on a semaphore of its own; idle threads
/// are kept in a stack, and the most recently idle is woken first, so the few threads a light load needs stay warm
/// in the caches instead of 32 taking turns. At most one woken thread is on its way at a time, and each woken
/// thread, once it has taken its job, wakes the next if jobs are still waiting.
///
/// Threads are woken only while fewer than `runningLimit` (the core count) are working, not counting a job that
/// has run longer than `stallNanoseconds`: that one is taken to be waiting (on PostgreSQL, a bucket, a lock) or
/// long (a password hash), and another thread may start. Waking a thread for every waiting job put up to 32
/// threads of short SQLite reads on the cores at once, and the event loops, one thread each among them, got a
/// thirty-third of a core: 1 000 connections paced at 20 000 requests/s through the worker path were answered at
/// 9 000 with a p50 of 61 ms (bench/api.py). While jobs wait behind that limit, a monitor thread looks every
/// `stallNanoseconds` for a job that has stalled.
public final class WorkerPool: @unchecked Sendable {
    private struct State {
        var jobs: [(job: @Sendable () -> Void, queuedAt: UInt64)] = []
        var head = 0
        /// Sleeping threads by index, the most recently idle last.
        var idle: [Int] = []
        /// When each thread's current job started (uptime ns); 0 for a thread without a job.
        var startedAt: [UInt64]
        /// Threads not asleep: running a job, or woken and on their way to the queue.
        var awake: Int
        /// A thread was signalled and has not yet looked at the queue.
        var isWakePending = false
        var running = 0
        var isStopping = false
        /// The monitor was told that jobs wait behind the limit (it stops watching when none do).
        var isMonitoring = false

        var waiting: Int { jobs.count - head }

        mutating func take() -> (@Sendable () -> Void)? {
            guard head < jobs.count else { return nil }
            let job = jobs[head].job
            // Drop the queue's reference now: a finished job's captures (a request, its response and the open file
            // it streams) must not live on until the array is next compacted.
            jobs[head].job = WorkerPool.finished
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

        /// Threads at work that count against the limit: awake, less those whose job has stalled.
        func working(now: UInt64, stall: UInt64) -> Int {
            // `now` may be older than a start another thread just recorded: that job has not stalled.
            awake - startedAt.count(where: { $0 != 0 && now > $0 && now - $0 > stall })
        }
    }

    /// What to do after a change of the state: a thread to signal, and whether the monitor must start watching.
    /// Returned by `submitWakingLater` for the caller to `perform` when its batch ends.
    struct Wake: Sendable {
        fileprivate var thread: Int?
        fileprivate var startMonitor = false
        var isNeeded: Bool { thread != nil || startMonitor }
    }

    private let state: Mutex<State>
    private let wakers: [DispatchSemaphore]
    private let monitorSignal = DispatchSemaphore(value: 0)
    private let maxQueued: Int
    private let runningLimit: Int
    private let stallNanoseconds: UInt64
    /// What a taken job's slot holds until the array is compacted.
    fileprivate static let finished: @Sendable () -> Void = {}

    public init(threadCount: Int, maxQueued: Int, runningLimit: Int = Processors.available,
                stallNanoseconds: UInt64 = 200_000) {
        self.maxQueued = maxQueued
        let count = max(1, threadCount)
        self.runningLimit = max(1, runningLimit)
        self.stallNanoseconds = stallNanoseconds
        state = Mutex(State(startedAt: Array(repeating: 0, count: count), awake: 0))
        wakers = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        for index in 0..<count {
            // Each thread keeps the pool alive until `stop()` lets it return.
            let thread = Thread { [self] in self.work(index) }
            thread.name = "duradora.worker.\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        let monitor = Thread { [self] in self.watch() }
        monitor.name = "duradora.worker.monitor"
        monitor.start()
    }

    /// Queues `job`; false when the queue is full or the pool is stopping.
    @discardableResult
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let (accepted, wake) = submitWakingLater(job)
        perform(wake)
        return accepted
    }

    /// Queues `job` and returns the wake-up it calls for, which the caller must `perform` soon: an event loop
    /// queues a batch's jobs and wakes a thread once the batch is done. Woken at once, a thread on the loop's
    /// core took the core from the loop for each job in turn, and the two took turns per request (callgrind and
    /// `/proc/…/status`: ~0.5 context switches a request on the worker path).
    func submitWakingLater(_ job: @escaping @Sendable () -> Void) -> (accepted: Bool, wake: Wake) {
        let now = DispatchTime.now().uptimeNanoseconds
        return state.withLock { state -> (Bool, Wake) in
            guard !state.isStopping, state.waiting < maxQueued else { return (false, Wake()) }
            state.jobs.append((job, now))
            return (true, nextWake(&state, now: now))
        }
    }

    /// Jobs waiting plus jobs running.
    public var load: Int {
        state.withLock { $0.waiting + $0.running }
    }

    /// Lets queued jobs finish, then ends the threads.
    public func stop() {
        let sleepers = state.withLock { state in
            state.isStopping = true
            state.awake += state.idle.count
            defer { state.idle.removeAll() }
            return state.idle
        }
        for index in sleepers { wakers[index].signal() }
        monitorSignal.signal()
    }

    /// The thread to wake for waiting jobs, if the limit allows one; else whether the monitor must watch.
    private func nextWake(_ state: inout State, now: UInt64) -> Wake {
        guard state.waiting > 0, !state.isWakePending else { return Wake() }
        if !state.idle.isEmpty,
           state.awake < runningLimit || state.working(now: now, stall: stallNanoseconds) < runningLimit {
            state.isWakePending = true
            state.awake += 1
            return Wake(thread: state.idle.popLast())
        }
        guard !state.isMonitoring else { return Wake() }
        state.isMonitoring = true
        return Wake(startMonitor: true)
    }

    func perform(_ wake: Wake) {
        if let thread = wake.thread { wakers[thread].signal() }
        if wake.startMonitor { monitorSignal.signal() }
    }

    private func work(_ index: Int) {
        var wasWoken = false
        var finishedJob = false
        // A starting thread joins the idle ones, unless jobs already wait and the limit lets it take one: the
        // limit holds from the first job (eight threads starting under a burst all took jobs before).
        let starts = state.withLock { state -> Bool in
            if state.isStopping || (state.waiting > 0 && state.awake < runningLimit) {
                state.awake += 1
                return true
            }
            state.idle.append(index)
            return false
        }
        // Jobs that came before this thread was idle found no thread to wake: the monitor looks after them.
        if !starts { perform(state.withLock { nextWake(&$0, now: DispatchTime.now().uptimeNanoseconds) }) }
        if !starts {
            wakers[index].wait()
            wasWoken = true
        }
        while true {
            enum Next { case run(@Sendable () -> Void, Wake), sleep, end }
            let now = DispatchTime.now().uptimeNanoseconds
            let next = state.withLock { state -> Next in
                if finishedJob {
                    state.running -= 1
                    state.startedAt[index] = 0
                }
                if wasWoken { state.isWakePending = false }
                if let job = state.take() {
                    state.running += 1
                    state.startedAt[index] = now
                    return .run(job, nextWake(&state, now: now))
                }
                if state.isStopping { return .end }
                state.idle.append(index)
                state.awake -= 1
                return .sleep
            }
            switch next {
            case .run(let job, let wake):
                perform(wake)
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

    /// While jobs wait behind the limit: every `stallNanoseconds`, wakes a thread if a running job has stalled.
    private func watch() {
        while true {
            monitorSignal.wait()
            while true {
                usleep(useconds_t(max(50, stallNanoseconds / 1000)))
                let now = DispatchTime.now().uptimeNanoseconds
                let (wake, keepWatching) = state.withLock { state -> (Int?, Bool) in
                    if state.isStopping { return (nil, false) }
                    guard state.waiting > 0 else {
                        state.isMonitoring = false
                        return (nil, false)
                    }
                    guard !state.isWakePending, !state.idle.isEmpty,
                          state.working(now: now, stall: stallNanoseconds) < runningLimit else { return (nil, true) }
                    state.isWakePending = true
                    state.awake += 1
                    return (state.idle.popLast(), true)
                }
                if let wake { wakers[wake].signal() }
                if !keepWatching { break }
            }
            if state.withLock({ $0.isStopping }) { return }
        }
    }
}
