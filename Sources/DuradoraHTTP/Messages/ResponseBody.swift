#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor that closes itself when the last reference goes. Responses keep it open for their
/// whole life, so a file replaced or unlinked while it is being sent still produces the bytes it started with.
public final class OpenFile: Sendable {
    public let descriptor: Int32
    /// Size of the file when it was opened.
    public let size: Int64
    /// Modification time (seconds since 1970) when it was opened.
    public let modificationTime: Int64

    /// Opens `path` read-only. Throws `FileOpenError` when the file is missing or is not a regular file.
    public init(path: String) throws(FileOpenError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileOpenError(path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            let code = errno
            close(fd)
            throw FileOpenError(path: path, errno: code == 0 ? EISDIR : code)
        }
        descriptor = fd
        size = Int64(info.st_size)
        modificationTime = Int64(info.st_mtim.tv_sec)
    }

    deinit { close(descriptor) }
}

public struct FileOpenError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let errno: Int32
    public var isNotFound: Bool { errno == ENOENT }
    public var description: String { "cannot open \(path): \(String(cString: strerror(errno)))" }
}

/// A byte range of an open file, sent with `sendfile(2)`.
public struct FileRegion: Sendable {
    public let file: OpenFile
    public let offset: Int64
    public let length: Int64
    public init(file: OpenFile, offset: Int64 = 0, length: Int64? = nil) {
        self.file = file
        self.offset = offset
        self.length = length ?? (file.size - offset)
    }
}

/// One piece of a streamed body.
public enum BodyChunk: Sendable {
    case bytes([UInt8])
    case file(FileRegion)

    public var count: Int64 {
        switch self {
        case .bytes(let bytes): Int64(bytes.count)
        case .file(let region): region.length
        }
    }
}

/// A pull iterator of body chunks. The response writer asks for the next chunk only when the socket can take
/// more, so a slow reader never makes the server buffer a whole body. `next()` is called from one queue at a
/// time and must not block for long (no network waits; a file read or a bounded encode step is fine).
public protocol BodyStream: AnyObject, Sendable {
    /// Total bytes this stream yields, when known: sent as `Content-Length`; nil means chunked encoding.
    var contentLength: Int64? { get }
    /// The next chunk, or nil at the end.
    func next() throws -> BodyChunk?
}

/// A body stream whose next chunk may not exist yet (bytes an encoder is still making). Before each `next()` the
/// writer asks `isReady(orCall:)`; on false it stops writing, and the stream calls `wake` once (from any thread)
/// when a chunk or the end is there. The connection's queue never waits for the producer.
public protocol PacedBodyStream: BodyStream {
    func isReady(orCall wake: @escaping @Sendable () -> Void) -> Bool
}

/// What a response carries after its head.
public enum ResponseBody: Sendable {
    case empty
    case bytes([UInt8])
    case file(FileRegion)
    case stream(any BodyStream)

    /// The length to announce, or nil when only chunked framing can describe it.
    public var contentLength: Int64? {
        switch self {
        case .empty: 0
        case .bytes(let bytes): Int64(bytes.count)
        case .file(let region): region.length
        case .stream(let stream): stream.contentLength
        }
    }
}
