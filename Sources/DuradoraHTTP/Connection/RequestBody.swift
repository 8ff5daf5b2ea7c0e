import Foundation

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
public final class RequestBody: @unchecked Sendable {
    /// Hooks the connection installs; called without the lock held, from the reading thread.
    struct Hooks {
        /// First read of a body the client holds back for `Expect: 100-continue`.
        var willRead: (@Sendable () -> Void)?
        /// Buffered bytes fell under the low-water mark: the connection may read the socket again.
        var drained: (@Sendable () -> Void)?
    }

    static let highWater = 1 << 20
    private static let lowWater = 256 << 10

    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var buffered = 0
    private var finished = false
    private var failure: RequestBodyError?
    private var hasStartedReading = false
    private var hooks: Hooks
    private let timeout: Double
    /// The declared length, when the request had `Content-Length`.
    public let expectedLength: Int64?

    init(expectedLength: Int64?, timeout: Double, hooks: Hooks) {
        self.expectedLength = expectedLength
        self.timeout = timeout
        self.hooks = hooks
    }

    /// A body that is already complete (tests, requests without a body).
    public convenience init(bytes: [UInt8] = []) {
        self.init(expectedLength: Int64(bytes.count), timeout: 1, hooks: Hooks())
        if !bytes.isEmpty { push(bytes) }
        finish()
    }

    // MARK: - Producer side (the connection)

    var isOverHighWater: Bool {
        condition.lock()
        defer { condition.unlock() }
        return buffered >= Self.highWater
    }

    func push(_ bytes: [UInt8]) {
        condition.lock()
        chunks.append(bytes)
        buffered += bytes.count
        condition.signal()
        condition.unlock()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func fail(_ error: RequestBodyError) {
        condition.lock()
        if !finished && failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    var isComplete: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finished && buffered == 0
    }

    // MARK: - Consumer side (a handler on a worker thread)

    /// The next piece of the body, or nil at its end. Blocks the calling worker (never an I/O queue) until
    /// bytes arrive, the body ends, the client goes away or the read timeout passes.
    public func read() throws(RequestBodyError) -> [UInt8]? {
        var notifyWillRead: (@Sendable () -> Void)?
        condition.lock()
        if !hasStartedReading {
            hasStartedReading = true
            notifyWillRead = hooks.willRead
        }
        condition.unlock()
        notifyWillRead?()

        condition.lock()
        var deadline = Date(timeIntervalSinceNow: timeout)
        while chunks.isEmpty && !finished && failure == nil {
            if !condition.wait(until: deadline) {
                if chunks.isEmpty && !finished && failure == nil {
                    failure = .timeout
                }
                deadline = Date(timeIntervalSinceNow: timeout)
            }
        }
        if chunks.isEmpty {
            let failure = self.failure
            condition.unlock()
            if let failure { throw failure }
            return nil
        }
        let chunk = chunks.removeFirst()
        let before = buffered
        buffered -= chunk.count
        let drained = before >= Self.lowWater && buffered < Self.lowWater ? hooks.drained : nil
        condition.unlock()
        drained?()
        return chunk
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
        condition.lock()
        defer { condition.unlock() }
        return hasStartedReading
    }

    /// Empties the buffer without a reader (the handler answered without reading the body).
    func discardBuffered() -> Int {
        condition.lock()
        defer { condition.unlock() }
        let count = buffered
        chunks.removeAll()
        buffered = 0
        return count
    }
}
