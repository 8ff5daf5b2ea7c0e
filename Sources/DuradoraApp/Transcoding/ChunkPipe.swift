import Foundation

/// A bounded hand-over of bytes from an encoder thread to one listener: the encoder blocks (on its own thread)
/// while `capacity` bytes wait unsent, so a listener slower than real time holds the encoder back instead of
/// filling memory. The listener side never blocks: it asks `isReady(orCall:)` and is woken when bytes arrive.
final class ChunkPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var buffered = 0
    private var isClosed = false
    private var isFinished = false
    private var failure: (any Error)?
    private var waiter: (@Sendable () -> Void)?
    let capacity: Int

    init(capacity: Int = 256 << 10) {
        self.capacity = capacity
    }

    // MARK: The encoder's side

    /// Queues `bytes`, waiting while the buffer is full; false once the listener has gone (stop encoding).
    func push(_ bytes: [UInt8]) -> Bool {
        condition.lock()
        while buffered >= capacity && !isClosed { condition.wait() }
        guard !isClosed else {
            condition.unlock()
            return false
        }
        chunks.append(bytes)
        buffered += bytes.count
        let wake = waiter
        waiter = nil
        condition.unlock()
        wake?()
        return true
    }

    /// The encoder is done: `error` nil for a complete stream.
    func finish(_ error: (any Error)?) {
        condition.lock()
        isFinished = true
        failure = error
        let wake = waiter
        waiter = nil
        condition.unlock()
        wake?()
    }

    // MARK: The listener's side

    func isReady(orCall wake: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !chunks.isEmpty || isFinished { return true }
        waiter = wake
        return false
    }

    /// The next chunk; nil at the end; throws the encoder's error once the bytes before it are out.
    func pop() throws -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        if !chunks.isEmpty {
            let chunk = chunks.removeFirst()
            buffered -= chunk.count
            condition.broadcast()
            return chunk
        }
        if let failure { throw failure }
        return nil
    }

    /// The listener is gone: the encoder's next push returns false.
    func close() {
        condition.lock()
        isClosed = true
        chunks = []
        buffered = 0
        condition.broadcast()
        condition.unlock()
    }
}
