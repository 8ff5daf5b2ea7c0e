import DuradoraHTTP

/// A response body proxied from S3: the object, or one byte range of it (Subsonic clients do not follow redirects
/// reliably, so the instance passes the bytes on itself). The GET blocks, so it runs on a thread of a small bounded
/// pool — never the connection's queue, never the handler's worker, which returns as soon as the head is known. It
/// fills a bounded `ChunkPipe`: the GET waits while the listener is behind, so a slow listener holds back the
/// download instead of filling memory, and the writer is woken when bytes arrive (as in `LiveTranscodeStream`).
///
/// Letting go of the stream (the listener left) closes the pipe: the GET's next piece is refused, the GET throws,
/// its connection to S3 closes and the pool's thread is free. An S3 failure mid-body makes `next()` throw once the
/// bytes before it are out, so the connection closes short of `Content-Length` and the response never looks whole.
final class S3ObjectStream: PacedBodyStream {
    let contentLength: Int64?
    private let pipe: ChunkPipe

    /// Bytes held between S3 and the socket per stream: a few pieces, so the socket has the next one at hand while
    /// the GET fetches more, and a thousand listeners cost about a gigabyte at the very worst.
    static let bufferCapacity = 4 * (256 << 10)

    /// Thrown by the GET's sink once the listener is gone: stops the GET; never seen by anyone.
    private struct ListenerGone: Error {}

    /// Starts proxying `range` (nil: all) of the object under `key`, which holds `size` bytes (from `info(key:)`,
    /// so `Content-Length` is known before the first byte). `range` must lie inside the object. Throws
    /// `APIError.unavailable` when `pool` has no room: the caller answers 503 rather than queueing without end.
    init(store: S3TrackStore, key: TrackObjectKey, range: ClosedRange<Int64>?, size: Int64, pool: WorkerPool) throws {
        let length = range.map { $0.upperBound - $0.lowerBound + 1 } ?? size
        let pipe = ChunkPipe(capacity: Self.bufferCapacity)
        contentLength = length
        self.pipe = pipe
        // The job holds the pipe and the store, never `self`: dropping the stream must be able to end it.
        let accepted = pool.submit {
            var remaining = length
            do {
                try store.read(key: key, range: range) { piece in
                    // An object that is not the size the head announced: cut short, never passed off as complete.
                    guard Int64(piece.count) <= remaining else { throw TrackObjectStoreError.truncated(store.objectKey(key)) }
                    remaining -= Int64(piece.count)
                    guard pipe.push(piece) else { throw ListenerGone() }
                }
                pipe.finish(remaining == 0 ? nil : TrackObjectStoreError.truncated(store.objectKey(key)))
            } catch is ListenerGone {
                // Nobody reads the pipe any more.
            } catch {
                pipe.finish(error)
            }
        }
        guard accepted else {
            throw APIError.unavailable("Every object store reader is busy; try again shortly.")
        }
    }

    deinit {
        pipe.close()
    }

    func isReady(orCall wake: @escaping @Sendable () -> Void) -> Bool {
        pipe.isReady(orCall: wake)
    }

    func next() throws -> BodyChunk? {
        try pipe.pop().map(BodyChunk.bytes)
    }
}
