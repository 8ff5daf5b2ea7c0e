#if canImport(Glibc)
import Glibc
#endif
import CEpoll
import Dispatch
import Synchronization

/// What a socket registered with an `EventLoop` is told.
protocol EventLoopClient: AnyObject {
    /// Called on the loop with what the kernel reported since the last call (edge-triggered: every event means
    /// "something changed", and the client reads or writes until it would block). `hungUp`: the peer closed its
    /// side or the socket failed; reading goes on to the end-of-stream or the error.
    func socketEvents(readable: Bool, writable: Bool, hungUp: Bool)

    /// Called on the loop once the batch in which the client called `writeAfterBatch` is handled.
    func writeDeferredResponse()
}

/// One event loop: an epoll instance of ours, waited on by one long-running block on a Dispatch queue of its own.
///
/// Why the block waits in `epoll_wait` itself: a Dispatch read source on the epoll descriptor (this loop's earlier
/// design) costs, per wake-up, libdispatch's manager thread returning from its own `epoll_wait`, a `futex` to wake a
/// queue thread, an `epoll_ctl` re-arm and a context switch between the two threads, before our `epoll_wait` even
/// runs (`strace -c`: 5.9 system calls per `/health` request, against 3.1 now). Here the loop's thread sleeps in
/// our `epoll_wait` and runs what it returns. Per-socket Dispatch sources were worse still: an `ioctl(FIONREAD)` and
/// two `epoll_ctl` per event. Sockets are registered once, edge-triggered, for reading and writing alike, so nothing
/// is re-armed per request.
///
/// Work from other threads (a worker's finished answer, the accept queue's new connection, the timeout sweep) comes
/// in through `execute`: a locked list, and an `eventfd` written only when the loop sleeps, so a busy loop takes a
/// whole batch of answers with one lock and no system call. Everything a connection does runs on this thread, one
/// block at a time: the loop may call a connection directly, and connections share `readBuffer`.
///
/// Responses answered amid a batch (events, or tasks: inline routes, fast paths, workers' answers) are written when
/// the batch is done (`writeAfterBatch`), not one by one between the reads: a client on the same host (a reverse
/// proxy, a load generator) is then woken once for the batch instead of once per response, which on loopback is an
/// inter-processor interrupt paid by the sending side, and our code stays in the CPU's caches between requests
/// instead of alternating with the kernel's network stack. Measured on 64 connections of 64 KiB range requests:
/// 25.7k -> 30k requests/s, and 0.38 -> 0.05 interrupts per request on the client's CPU. The delay it adds is
/// bounded by one batch of parsing and routing.
final class EventLoop: @unchecked Sendable {
    private let epoll: Int32
    /// Written by `execute` to end the loop's `epoll_wait` (registered level-triggered under `wakeKey`).
    private let wake: Int32
    private static let wakeKey: UInt64 = .max
    /// Registered clients by descriptor; touched only on the loop's thread.
    private var clients: [Int32: EventLoopClient] = [:]
    private let events: UnsafeMutablePointer<epoll_event>
    private static let batch = 256
    /// A batch of events or tasks is being handed out (on the loop's thread).
    private(set) var isHandlingBatch = false
    /// `DispatchTime.now()`'s uptime when the current batch began: one clock reading a batch, for what needs no
    /// more precision than that (timeouts of seconds, when an exchange began), not three a request.
    private(set) var batchStartNanoseconds = DispatchTime.now().uptimeNanoseconds
    private var deferredWrites: [EventLoopClient] = []
    /// The batch's deferred writes while `finishBatch` hands them out.
    private var writing: [EventLoopClient] = []
    /// Worker wake-ups for jobs queued amid the batch (`wakeAfterBatch`).
    private var deferredWakes: [(pool: WorkerPool, wake: WorkerPool.Wake)] = []

    /// What other threads hand the loop, and whether it must be woken to see it.
    private struct Inbox {
        var tasks: [@Sendable () -> Void] = []
        /// The loop is in (or about to enter) a blocking `epoll_wait`.
        var isSleeping = false
        /// `wake` was written and not yet read.
        var isWoken = false
        var isStopping = false
    }
    private let inbox = Mutex(Inbox())

    /// Where the loop's connections read their sockets into, one at a time (they never run at once), before their
    /// parsers copy the bytes. One buffer for the loop's life: a 64 KiB buffer allocated per read cost a
    /// `malloc` and, freed, glibc's `malloc_consolidate` (64 KiB is its threshold) on every request.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)

    init(label: String) throws(SocketError) {
        // Both descriptors are made and joined before any property is set: a class whose init throws after every
        // property is set runs its deinit, which closes them, and closing them here as well would close numbers
        // another thread may have been given meanwhile.
        (epoll, wake) = try Self.openDescriptors()
        events = .allocate(capacity: Self.batch)
        // The block holds the loop until `stop()` ends it; a queue of its own gets a thread of its own (Dispatch's
        // overcommitting pool), so the other loops and Dispatch's shared threads never wait for this one.
        DispatchQueue(label: label, qos: .userInitiated).async { [self] in run() }
    }

    /// An epoll set with a non-blocking eventfd in it (level-triggered, under `wakeKey`).
    private static func openDescriptors() throws(SocketError) -> (epoll: Int32, wake: Int32) {
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw .make("epoll_create1") }
        let wake = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wake >= 0 else {
            _ = Glibc.close(epoll)
            throw .make("eventfd")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = wakeKey
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, wake, &event) == 0 else {
            let error = SocketError.make("epoll_ctl")
            _ = Glibc.close(wake)
            _ = Glibc.close(epoll)
            throw error
        }
        return (epoll, wake)
    }

    deinit {
        _ = Glibc.close(wake)
        _ = Glibc.close(epoll)
        events.deallocate()
        readBuffer.deallocate()
    }

    /// Starts watching `descriptor` for `client`. Call on the loop.
    func register(_ descriptor: Int32, for client: EventLoopClient) throws(SocketError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.u64 = UInt64(UInt32(bitPattern: descriptor))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0 else { throw .make("epoll_ctl") }
        clients[descriptor] = client
    }

    /// Stops watching `descriptor`; call before closing it. Call on the loop.
    func deregister(_ descriptor: Int32) {
        guard clients.removeValue(forKey: descriptor) != nil else { return }
        var event = epoll_event()
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, &event)
    }

    /// Defers `client`'s write to the end of the current batch (see the type's comment). Call on the loop, while
    /// `isHandlingBatch`; the client is called back with `writeDeferredResponse` exactly once.
    func writeAfterBatch(_ client: EventLoopClient) {
        deferredWrites.append(client)
    }

    /// Wakes a worker thread for jobs queued amid a batch once the batch's responses are written; outside a batch,
    /// at once. Call on the loop.
    func wakeAfterBatch(_ pool: WorkerPool, _ wake: WorkerPool.Wake) {
        guard wake.isNeeded else { return }
        if isHandlingBatch { deferredWakes.append((pool, wake)) } else { pool.perform(wake) }
    }

    /// Runs `task` on the loop, after what is already queued, as part of the loop's next batch. From any thread;
    /// from the loop itself it costs no system call (the loop looks at its inbox before it sleeps).
    func execute(_ task: @escaping @Sendable () -> Void) {
        post { $0.tasks.append(task) }
    }

    /// Ends the loop (server shutdown, once its connections are gone). The loop's thread returns.
    func stop() {
        post { $0.isStopping = true }
    }

    /// Changes the inbox, and writes `wake` if the loop sleeps and nobody has woken it yet.
    private func post(_ change: (inout Inbox) -> Void) {
        let mustWake = inbox.withLock { inbox in
            change(&inbox)
            guard inbox.isSleeping, !inbox.isWoken else { return false }
            inbox.isWoken = true
            return true
        }
        if mustWake {
            var one: UInt64 = 1
            _ = Glibc.write(wake, &one, 8)
        }
    }

    private func run() {
        var tasks: [@Sendable () -> Void] = []
        while true {
            // Sleep only with an empty inbox: a task queued before `isSleeping` is set is seen here, one queued
            // after it writes `wake`.
            let timeout: Int32 = inbox.withLock { inbox in
                if inbox.isStopping { return -2 }
                inbox.isSleeping = inbox.tasks.isEmpty
                return inbox.isSleeping ? -1 : 0
            }
            if timeout == -2 { return }
            let count = epoll_wait(epoll, events, Int32(Self.batch), timeout)
            batchStartNanoseconds = DispatchTime.now().uptimeNanoseconds
            var wasWoken = false
            inbox.withLock { inbox in
                inbox.isSleeping = false
                swap(&tasks, &inbox.tasks)
            }
            isHandlingBatch = true
            for index in 0..<max(0, Int(count)) {
                let event = events[index]
                if event.data.u64 == Self.wakeKey {
                    wasWoken = true
                    continue
                }
                // A client closed by an earlier event of this batch is gone from the table: skip it.
                guard let client = clients[Int32(bitPattern: UInt32(truncatingIfNeeded: event.data.u64))] else { continue }
                let failed = event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue | EPOLLRDHUP.rawValue) != 0
                client.socketEvents(
                    readable: failed || event.events & EPOLLIN.rawValue != 0,
                    writable: failed || event.events & EPOLLOUT.rawValue != 0, hungUp: failed)
            }
            if wasWoken {
                var value: UInt64 = 0
                _ = Glibc.read(wake, &value, 8)
                inbox.withLock { $0.isWoken = false }
            }
            for task in tasks { task() }
            tasks.removeAll(keepingCapacity: true)
            finishBatch()
        }
    }

    /// Ends a batch: the responses deferred by `writeAfterBatch` go out now.
    private func finishBatch() {
        isHandlingBatch = false
        // Swapped with a spare list, not copied: a copy made `removeAll(keepingCapacity:)` allocate a new buffer
        // for every batch.
        swap(&deferredWrites, &writing)
        for client in writing { client.writeDeferredResponse() }
        writing.removeAll(keepingCapacity: true)
        for (pool, wake) in deferredWakes { pool.perform(wake) }
        deferredWakes.removeAll(keepingCapacity: true)
    }
}
