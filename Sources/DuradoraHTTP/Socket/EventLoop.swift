#if canImport(Glibc)
import Glibc
#endif
import CEpoll
import Dispatch
import Synchronization

/// What a socket registered with an `EventLoop` is told.
protocol EventLoopClient: AnyObject {
    /// Called on the loop's queue with what the kernel reported since the last call (edge-triggered: every
    /// event means "something changed", and the client reads or writes until it would block). `hungUp`: the
    /// peer closed its side or the socket failed; reading goes on to the end-of-stream or the error.
    func socketEvents(readable: Bool, writable: Bool, hungUp: Bool)

    /// Called on the loop's queue once the batch of events in which the client called `writeAfterBatch` is handled.
    func writeDeferredResponse()
}

/// One event loop: an epoll instance of ours, watched by one Dispatch read source on a serial queue.
///
/// Why not one Dispatch source per socket: on Linux, libdispatch's manager thread owns the epoll set, and every
/// event of every source costs a hop from that thread plus an `ioctl(FIONREAD)` and two `epoll_ctl` re-arms
/// (measured with `strace -c`: more system calls than the request itself). Here, libdispatch watches only our
/// epoll descriptor; when it turns readable, the source's handler takes up to `batch` events with one
/// `epoll_wait` and hands them to their connections, all on this loop's queue. Sockets are registered once,
/// edge-triggered, for reading and writing alike, so nothing is re-armed per request.
///
/// Connections' own queues target `queue`, so a connection's blocks and this loop's handler never run at once:
/// the loop may call a connection directly.
///
/// Responses answered on the loop while it hands out a batch (inline routes, fast paths) are written when the
/// batch is done (`writeAfterBatch`), not one by one between the reads: a client on the same host (a reverse
/// proxy, a load generator) is then woken once for the batch instead of once per response, which on loopback
/// is an inter-processor interrupt paid by the sending side, and our code stays in the CPU's caches between
/// requests instead of alternating with the kernel's network stack. Measured on 64 connections of 64 KiB range
/// requests: 25.7k -> 30k requests/s, and 0.38 -> 0.05 interrupts per request on the client's CPU. The delay it
/// adds is bounded by one batch of parsing and routing.
final class EventLoop: @unchecked Sendable {
    let queue: DispatchQueue
    private let epoll: Int32
    private var source: DispatchSourceRead?
    /// Registered clients by descriptor; touched only on `queue`.
    private var clients: [Int32: EventLoopClient] = [:]
    private var events: UnsafeMutablePointer<epoll_event>
    private static let batch = 256
    /// The handler is handing out a batch of events (on `queue`).
    private(set) var isHandlingBatch = false
    private var deferredWrites: [EventLoopClient] = []
    /// Answers finished on worker threads, waiting to be taken up on `queue` (see `deliver`).
    private let deliveries = Mutex<[@Sendable () -> Void]>([])
    /// Where the loop's connections read their sockets into, one at a time (they never run at once), before their
    /// parsers copy the bytes. One buffer for the loop's life: a 64 KiB buffer allocated per read cost a
    /// `malloc` and, freed, glibc's `malloc_consolidate` (64 KiB is its threshold) on every request.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)

    init(label: String) throws(SocketError) {
        queue = DispatchQueue(label: label)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw .make("epoll_create1") }
        events = .allocate(capacity: Self.batch)
        let source = DispatchSource.makeReadSource(fileDescriptor: epoll, queue: queue)
        source.setEventHandler { [weak self] in self?.drain() }
        // libdispatch keeps its registration of the descriptor until the cancellation is processed, and keys it
        // by number: closing earlier lets a new descriptor with the same number (the next server's epoll set,
        // a socket) inherit a dead registration and never see an event. So the descriptor closes here, only.
        let descriptor = epoll
        source.setCancelHandler { _ = Glibc.close(descriptor) }
        source.resume()
        self.source = source
    }

    deinit {
        source?.cancel()
        events.deallocate()
        readBuffer.deallocate()
    }

    /// Starts watching `descriptor` for `client`. Call on `queue` (or a queue that targets it).
    func register(_ descriptor: Int32, for client: EventLoopClient) throws(SocketError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.fd = descriptor
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0 else { throw .make("epoll_ctl") }
        clients[descriptor] = client
    }

    /// Stops watching `descriptor`; call before closing it. Call on `queue` (or a queue that targets it).
    func deregister(_ descriptor: Int32) {
        guard clients.removeValue(forKey: descriptor) != nil else { return }
        var event = epoll_event()
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, &event)
    }

    /// Defers `client`'s write to the end of the current batch (see the type's comment). Call on `queue`, while
    /// `isHandlingBatch`; the client is called back with `writeDeferredResponse` exactly once.
    func writeAfterBatch(_ client: EventLoopClient) {
        deferredWrites.append(client)
    }

    /// Runs `completion` on `queue` (a worker's finished answer). Answers that finish while the loop is busy are
    /// taken up together, as one batch whose responses are written at its end, like those of a batch of socket
    /// events: one `queue.async` (a Dispatch wake-up) per batch of answers instead of one per answer, and the
    /// client is woken once for the batch. (Not yet measured on its own: bench/api.py's worker-path row will say.)
    func deliver(_ completion: @escaping @Sendable () -> Void) {
        let isFirst = deliveries.withLock { waiting in
            waiting.append(completion)
            return waiting.count == 1
        }
        if isFirst { queue.async { [self] in takeDeliveries() } }
    }

    private func takeDeliveries() {
        var taken: [@Sendable () -> Void] = []
        deliveries.withLock { waiting in swap(&taken, &waiting) }
        isHandlingBatch = true
        for completion in taken { completion() }
        finishBatch()
    }

    /// Ends a batch: the responses deferred by `writeAfterBatch` go out now.
    private func finishBatch() {
        isHandlingBatch = false
        let writes = deferredWrites
        deferredWrites.removeAll(keepingCapacity: true)
        for client in writes { client.writeDeferredResponse() }
    }

    /// Stops the loop's source (server shutdown, once its connections are gone).
    func stop() {
        queue.async { [self] in
            source?.cancel()
            source = nil
        }
    }

    private func drain() {
        while true {
            let count = epoll_wait(epoll, events, Int32(Self.batch), 0)
            guard count > 0 else { return }
            isHandlingBatch = true
            for index in 0..<Int(count) {
                let event = events[index]
                // A client closed by an earlier event of this batch is gone from the table: skip it.
                guard let client = clients[event.data.fd] else { continue }
                let failed = event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue | EPOLLRDHUP.rawValue) != 0
                client.socketEvents(
                    readable: failed || event.events & EPOLLIN.rawValue != 0,
                    writable: failed || event.events & EPOLLOUT.rawValue != 0, hungUp: failed)
            }
            finishBatch()
            if Int(count) < Self.batch { return }
        }
    }
}
