import Dispatch
import Synchronization

/// Who is told of a body's reading (the connection): called from the reading thread, without locks held.
protocol RequestBodyOwner: AnyObject, Sendable {
    /// The first read of a body the client may hold back for `Expect: 100-continue`.
    func bodyWillRead()
    /// Buffered bytes fell under the low-water mark: the connection may read the socket again.
    func bodyDrained()
}

/// Why reading a request body failed.
public enum RequestBodyError: Error, Sendable, Equatable {
    /// The client closed the connection before the body ended.
    case disconnected
    /// No body bytes arrived within the read timeout.
    case timeout
    /// The body is longer than the caller's limit.
    case tooLarge(limit: Int)
    /// The framing was broken (bad chunk, …): carries the parser's verdict.
    case malformed(HTTPParseError)
}

/// The pipe between a connection (which pushes body bytes as the parser yields them) and a handler on a worker
/// thread (which pulls them). It holds at most `highWater` bytes: above that the connection stops reading the
/// socket until the handler catches up, so a fast client never makes the server buffer a whole upload.
///
/// Its state sits behind a `Mutex` (no allocation); the semaphore a reader sleeps on is made by the first read
/// that has to wait. Every request has a body object, and most have no body: an `NSCondition` here cost three
/// allocations (the object, its pthread mutex and condition) and their teardown on each of them (callgrind).
public final class RequestBody: @unchecked Sendable {

    static let highWater = 1 << 20
    private static let lowWater = 256 << 10

    private struct State {
        var chunks: [[UInt8]] = []
        var buffered = 0
        var finished = false
        var failure: RequestBodyError?
        var hasStartedReading = false
        /// A reader sleeps on `waiter` and must be signalled once (cleared by whoever signals it).
        var isReaderWaiting = false
        var waiter: DispatchSemaphore?
    }

    private let state = Mutex(State())
    /// Told when the reader starts and when it drains the buffer (without the lock held, from the reading
    /// thread). An object, not two closures: those were two allocations on every request, most of which have no
    /// body at all. Strong, not weak: a weak reference gives the connection a side table, and from then on every
    /// retain and release of it takes the runtime's slow path (callgrind). The cycle this makes (connection →
    /// exchange → request → body → connection) ends when the connection moves to its next request or closes.
    private let owner: (any RequestBodyOwner)?
    private let timeout: Double
    /// The declared length, when the request had `Content-Length`.
    public let expectedLength: Int64?

    init(expectedLength: Int64?, timeout: Double, owner: (any RequestBodyOwner)?) {
        self.expectedLength = expectedLength
        self.timeout = timeout
        self.owner = owner
    }

    /// The body of every request without one (no Content-Length, no Transfer-Encoding): ended, empty, shared.
    /// Its connection never pushes to it or finishes it, so only a handler's reads touch its lock.
    public static let none: RequestBody = {
        let body = RequestBody(expectedLength: nil, timeout: 1, owner: nil)  // no length was declared
        body.finish()
        return body
    }()

    /// A body that is already complete (tests, requests without a body).
    public convenience init(bytes: [UInt8] = []) {
        self.init(expectedLength: Int64(bytes.count), timeout: 1, owner: nil)
        if !bytes.isEmpty { push(bytes) }
        finish()
    }

    // MARK: - Producer side (the connection)

    var isOverHighWater: Bool {
        state.withLock { $0.buffered >= Self.highWater }
    }

    func push(_ bytes: [UInt8]) {
        update { state in
            state.chunks.append(bytes)
            state.buffered += bytes.count
        }
    }

    func finish() {
        update { $0.finished = true }
    }

    func fail(_ error: RequestBodyError) {
        update { state in
            if !state.finished && state.failure == nil { state.failure = error }
        }
    }

    /// Changes the state and wakes a waiting reader.
    private func update(_ change: (inout State) -> Void) {
        let sleeper = state.withLock { state -> DispatchSemaphore? in
            change(&state)
            guard state.isReaderWaiting else { return nil }
            state.isReaderWaiting = false
            return state.waiter
        }
        sleeper?.signal()
    }

    var isComplete: Bool {
        state.withLock { $0.finished && $0.buffered == 0 }
    }

    // MARK: - Consumer side (a handler on a worker thread)

    /// The next piece of the body, or nil at its end. Blocks the calling worker (never an I/O queue) until
    /// bytes arrive, the body ends, the client goes away or the read timeout passes.
    public func read() throws(RequestBodyError) -> [UInt8]? {
        let isFirstRead = state.withLock { state -> Bool in
            guard !state.hasStartedReading else { return false }
            state.hasStartedReading = true
            return true
        }
        if isFirstRead { owner?.bodyWillRead() }

        enum Step {
            case chunk([UInt8], drained: Bool)
            case end
            case failed(RequestBodyError)
            case wait(DispatchSemaphore)
        }
        var deadline = DispatchTime.now() + timeout
        while true {
            let step = state.withLock { state -> Step in
                if !state.chunks.isEmpty {
                    let chunk = state.chunks.removeFirst()
                    let before = state.buffered
                    state.buffered -= chunk.count
                    return .chunk(chunk, drained: before >= Self.lowWater && state.buffered < Self.lowWater)
                }
                if let failure = state.failure { return .failed(failure) }
                if state.finished { return .end }
                let waiter = state.waiter ?? DispatchSemaphore(value: 0)
                state.waiter = waiter
                state.isReaderWaiting = true
                return .wait(waiter)
            }
            switch step {
            case .chunk(let chunk, let drained):
                if drained { owner?.bodyDrained() }
                return chunk
            case .end:
                return nil
            case .failed(let failure):
                throw failure
            case .wait(let waiter):
                guard waiter.wait(timeout: deadline) == .timedOut else { continue }
                let isSignalOnItsWay = state.withLock { state -> Bool in
                    guard state.isReaderWaiting else { return true }
                    state.isReaderWaiting = false
                    if state.chunks.isEmpty && !state.finished && state.failure == nil { state.failure = .timeout }
                    return false
                }
                // A producer cleared the flag just as the wait ran out: take its signal, so the next wait does not
                // return at once for a stale one.
                if isSignalOnItsWay { waiter.wait() }
                deadline = DispatchTime.now() + timeout
            }
        }
    }

    /// Reads the whole body into memory, refusing more than `limit` bytes (413 for the caller).
    public func collect(limit: Int) throws(RequestBodyError) -> [UInt8] {
        if let expectedLength, expectedLength > Int64(limit) { throw .tooLarge(limit: limit) }
        var result: [UInt8] = []
        while let chunk = try read() {
            if result.count + chunk.count > limit { throw .tooLarge(limit: limit) }
            result.append(contentsOf: chunk)
        }
        return result
    }

    /// Whether a handler has asked for the body (for `Expect: 100-continue` bookkeeping).
    var wasRead: Bool {
        state.withLock { $0.hasStartedReading }
    }

    /// Empties the buffer without a reader (the handler answered without reading the body).
    func discardBuffered() -> Int {
        state.withLock { state in
            let count = state.buffered
            state.chunks.removeAll()
            state.buffered = 0
            return count
        }
    }
}
