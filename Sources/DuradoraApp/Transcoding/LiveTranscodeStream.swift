import DuradoraHTTP
import Synchronization

/// The body of a live transcode response: one byte range of the stream, from the shared encode's growing file
/// (file regions, `sendfile`) or from a private encode started at the range (a `ChunkPipe`). Pulled only when the
/// socket can take more and never blocking: when the bytes are not there yet, the writer is woken once they are.
/// A failed encode makes `next()` throw, so the connection closes before `Content-Length` is reached and the
/// response never looks complete. Letting go of the stream (the listener left) detaches it from its encode.
final class LiveTranscodeStream: PacedBodyStream {
    enum Source {
        case job(TranscodeJob)
        case pipe(ChunkPipe)
    }

    let contentLength: Int64?
    private let source: Source
    private let onClose: @Sendable () -> Void
    /// The next byte to send and the last one, as stream offsets (job source).
    private let position: Mutex<Int64>
    private let end: Int64

    /// - Parameters:
    ///   - range: the bytes to send (the whole stream's length is always known: `StreamLayout`).
    ///   - onClose: runs once, when the stream is released (bookkeeping of listeners).
    init(source: Source, range: ClosedRange<Int64>, onClose: @escaping @Sendable () -> Void) {
        self.source = source
        self.contentLength = range.upperBound - range.lowerBound + 1
        self.position = Mutex(range.lowerBound)
        self.end = range.upperBound
        self.onClose = onClose
    }

    deinit {
        switch source {
        case .job(let job): job.detach()
        case .pipe(let pipe): pipe.close()
        }
        onClose()
    }

    func isReady(orCall wake: @escaping @Sendable () -> Void) -> Bool {
        switch source {
        case .pipe(let pipe):
            return pipe.isReady(orCall: wake)
        case .job(let job):
            let offset = position.withLock { $0 }
            if offset > end { return true }
            if case .waiting = job.availability(at: offset, wake: wake) { return false }
            return true
        }
    }

    func next() throws -> BodyChunk? {
        switch source {
        case .pipe(let pipe):
            return try pipe.pop().map(BodyChunk.bytes)
        case .job(let job):
            return try position.withLock { offset -> BodyChunk? in
                guard offset <= end else { return nil }
                switch job.availability(at: offset) {
                case .failed:
                    throw AudioError.decode("the transcode failed")
                case .waiting:
                    return .bytes([])   // not reached through the writer, which asks isReady first
                case .bytes(let written):
                    let upTo = min(written, end + 1, offset + TrackStream.sliceLength)
                    // The encode finished before the range's end: cut short, never passed off as complete.
                    guard upTo > offset else { throw AudioError.decode("the transcode ended early") }
                    let region = FileRegion(file: job.file, offset: offset, length: upTo - offset)
                    offset = upTo
                    return .file(region)
                }
            }
        }
    }
}
