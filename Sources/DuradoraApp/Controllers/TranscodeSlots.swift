import Synchronization

/// The bounded transcode queue of `audio.max_concurrent_transcodes`: a counter of busy slots. Uploads that find
/// every slot busy are refused (503 with `Retry-After`) instead of piling up threads, memory and temp files.
public final class TranscodeSlots: Sendable {
    public let capacity: Int
    private let busy = Mutex(0)

    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Takes a slot if one is free. Every successful call must be paired with one `release()`.
    public func tryAcquire() -> Bool {
        busy.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
    }

    public func release() {
        busy.withLock { count in count = max(count - 1, 0) }
    }

    public var busyCount: Int { busy.withLock { $0 } }
}
