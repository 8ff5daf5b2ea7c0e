import DuradoraHTTP
import Synchronization

/// The body of a track response, as the pull iterator the response writer drives (`BodyStream`): the writer asks
/// for the next chunk only when the socket has taken everything before it, so a listener who reads slowly holds
/// the source back instead of filling a buffer.
///
/// - A stored file (`init(region:)`) yields file regions of at most `sliceLength` bytes; the writer sends them with
///   `sendfile(2)`, zero-copy. The length is known: `Content-Length`.
/// - `multipart/byteranges` (`init(parts:)`) yields the HTTP library's part heads and file regions.
/// - A body of unknown length (`init(chunks:)`, such as an on-the-fly transcode) yields byte chunks as its
///   producer makes them; the writer frames them with chunked encoding (or, for HTTP/1.0, ends them with the
///   close), through the same path.
public final class TrackStream: BodyStream {
    /// The most one pull hands out of a file: one listener's pull stays bounded whatever the range asked for.
    public static let sliceLength: Int64 = 1 << 20

    private enum Source {
        case file(FileRegion)
        case parts(any BodyStream)
        case chunks(@Sendable () throws -> [UInt8]?)
        case finished
    }

    public let contentLength: Int64?
    // `next()` is called from one queue at a time, but the type must be Sendable: the lock keeps that honest.
    private let source: Mutex<Source>

    /// The bytes of `region`, in slices.
    public init(region: FileRegion) {
        contentLength = region.length
        source = Mutex(.file(region))
    }

    /// Another body stream's chunks, as they are (e.g. `MultipartByteRangesStream`).
    public init(parts: any BodyStream) {
        contentLength = parts.contentLength
        source = Mutex(.parts(parts))
    }

    /// Bytes of unknown total length: `produce` is called once per pull and returns nil at the end. It runs on
    /// the connection's queue, so each call must be a bounded step (a file read, one encoder frame batch).
    public init(chunks produce: @escaping @Sendable () throws -> [UInt8]?) {
        contentLength = nil
        source = Mutex(.chunks(produce))
    }

    public func next() throws -> BodyChunk? {
        try source.withLock { source in
            switch source {
            case .file(let region):
                guard region.length > 0 else {
                    source = .finished
                    return nil
                }
                let slice = min(region.length, Self.sliceLength)
                source = .file(FileRegion(file: region.file, offset: region.offset + slice, length: region.length - slice))
                return .file(FileRegion(file: region.file, offset: region.offset, length: slice))
            case .parts(let parts):
                guard let chunk = try parts.next() else {
                    source = .finished
                    return nil
                }
                return chunk
            case .chunks(let produce):
                guard let bytes = try produce() else {
                    source = .finished
                    return nil
                }
                return .bytes(bytes)
            case .finished:
                return nil
            }
        }
    }
}
