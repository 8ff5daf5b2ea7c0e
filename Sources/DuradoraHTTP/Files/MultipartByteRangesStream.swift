import Foundation

/// A `multipart/byteranges` body (RFC 9110 §14.6): per range a small part head, then the file region, then the
/// closing delimiter. The part heads are built up front (there are at most `ByteRange.maximumRanges`), so the
/// length is exact and the file bytes still go out as regions (`sendfile`).
public final class MultipartByteRangesStream: BodyStream, @unchecked Sendable {
    public let boundary: String
    public let contentLength: Int64?
    private let chunks: [BodyChunk]
    // `next()` is called from one queue at a time, but the type must be Sendable; the lock keeps that honest.
    private let lock = NSLock()
    private var index = 0

    /// - Parameters:
    ///   - ranges: disjoint ranges within the file, in the order to send them.
    ///   - contentType: the representation's type, repeated in each part.
    public init(file: OpenFile, ranges: [ClosedRange<Int64>], contentType: String, boundary: String) {
        self.boundary = boundary
        var chunks: [BodyChunk] = []
        for (position, range) in ranges.enumerated() {
            let head = (position == 0 ? "" : "\r\n") + "--\(boundary)\r\n"
                + "Content-Type: \(contentType)\r\n"
                + "Content-Range: bytes \(range.lowerBound)-\(range.upperBound)/\(file.size)\r\n\r\n"
            chunks.append(.bytes(Array(head.utf8)))
            chunks.append(.file(FileRegion(file: file, offset: range.lowerBound, length: range.upperBound - range.lowerBound + 1)))
        }
        chunks.append(.bytes(Array("\r\n--\(boundary)--\r\n".utf8)))
        self.chunks = chunks
        self.contentLength = chunks.reduce(0) { $0 + $1.count }
    }

    /// The `Content-Type` of the whole response.
    public var multipartContentType: String { "multipart/byteranges; boundary=\(boundary)" }

    public func next() throws -> BodyChunk? {
        lock.lock()
        defer { lock.unlock() }
        guard index < chunks.count else { return nil }
        index += 1
        return chunks[index - 1]
    }

    /// A boundary that cannot plausibly occur in the file: a fixed prefix and 128 random bits.
    public static func makeBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let hex = String(high, radix: 16) + String(low, radix: 16)
        return "duradora-" + hex
    }
}
