/// Range support for a representation of known length whose bytes are made on demand (a live transcode): 200 with
/// the whole, 206 for one range, 416 for none. Several ranges get the whole in a 200 (RFC 9110 §14.2 lets a server
/// ignore Range): each range would need a producer of its own. Such a representation carries no validators yet,
/// so no If-Range can match (the whole is sent, RFC 9110 §13.1.5) and the other conditional headers do not apply;
/// once its bytes are a file, serve it with `FileResponse`.
public enum GeneratedResponse {
    /// - Parameter body: makes the stream of one closed range of the representation; called for GET only (HEAD
    ///   gets the same head and no body, and nothing is produced).
    public static func make(
        length: Int64, method: HTTPMethod, requestHeaders: HTTPHeaders, contentType: String,
        headers extra: HTTPHeaders = HTTPHeaders(), body: (ClosedRange<Int64>) throws -> any BodyStream
    ) rethrows -> Response {
        var headers = extra
        headers[.acceptRanges] = "bytes"
        headers[.contentType] = contentType
        let outcome = requestHeaders.contains(.ifRange) ? .ignored : ByteRange.evaluate(requestHeaders[.range], length: length)
        let range: ClosedRange<Int64>
        let status: HTTPStatus
        switch outcome {
        case .unsatisfiable:
            return FileResponse.unsatisfiable(length: length, headers: headers)
        case .satisfiable(let ranges) where ranges.count == 1:
            range = ranges[0]
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(length)"
        case .satisfiable, .ignored:
            range = 0...(length - 1)
            status = .ok
        }
        let count = range.upperBound - range.lowerBound + 1
        let stream = method == .head ? LengthOnlyBody(length: count) : try body(range)
        return Response(status: status, headers: headers, body: .stream(stream))
    }
}

/// The body of a HEAD answer: a length for `Content-Length` (nil: chunked, length unknown), no bytes (the writer
/// never pulls it).
public final class LengthOnlyBody: BodyStream {
    public let contentLength: Int64?

    public init(length: Int64?) {
        contentLength = length
    }

    public func next() throws -> BodyChunk? { nil }
}
