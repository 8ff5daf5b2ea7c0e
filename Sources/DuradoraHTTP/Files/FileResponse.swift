/// Builds the response for serving a whole file with conditional and Range requests (RFC 9110 §13, §14):
/// 200, 206 (one range, or `multipart/byteranges`), 304, 412 or 416.
///
/// HEAD is answered like GET (same status and headers, Range included); the server core drops the body.
/// Range applies to GET and HEAD only.
public enum FileResponse {
    /// Header fields a 304 may repeat from the caller's extra headers (RFC 9110 §15.4.5).
    static let notModifiedHeaders: [HTTPHeader] = [.cacheControl, .vary, "Expires", "Content-Location"]

    /// - Parameters:
    ///   - file: the open file; its `size` is the representation length.
    ///   - etag: the current strong entity tag (e.g. `EntityTag.make(size:modificationTime:)`).
    ///   - lastModified: seconds since 1970; nil means `file.modificationTime`.
    ///   - headers: extra response headers, such as `Cache-Control` and `Content-Disposition`.
    public static func make(
        file: OpenFile, method: HTTPMethod, requestHeaders: HTTPHeaders, etag: EntityTag,
        lastModified: Int64? = nil, contentType: String, headers extra: HTTPHeaders = HTTPHeaders()
    ) -> Response {
        switch evaluate(length: file.size, method: method, requestHeaders: requestHeaders, etag: etag,
                        lastModified: lastModified ?? file.modificationTime, headers: extra) {
        case .answered(let response): return response
        case .proceed(let headers, let range): return make(file: file, range: range, contentType: contentType, headers: headers)
        }
    }

    /// The same rules for bytes that are not an open file here (an object in a remote store), decided before any
    /// byte is read: either the whole answer (304, 412, 416), or what to send — the status, the headers, and the
    /// range (nil: the whole representation). The caller makes the body; a HEAD (or an empty range) gets
    /// `LengthOnlyBody`. Several ranges are answered with the whole representation (RFC 9110 §14.2 lets a server
    /// ignore Range): a remote part per range would cost one request each.
    ///
    /// (A decision rather than a body closure: the closure form crashed the 6.3.1 optimizer in release builds.)
    public static func decide(
        length: Int64, lastModified: Int64, method: HTTPMethod, requestHeaders: HTTPHeaders, etag: EntityTag,
        contentType: String, headers extra: HTTPHeaders = HTTPHeaders()
    ) -> RemoteDecision {
        switch evaluate(length: length, method: method, requestHeaders: requestHeaders, etag: etag,
                        lastModified: lastModified, headers: extra) {
        case .answered(let response):
            return .answered(response)
        case .proceed(var headers, let outcome):
            headers[.contentType] = contentType
            switch outcome {
            case .unsatisfiable:
                return .answered(unsatisfiable(length: length, headers: headers))
            case .satisfiable(let ranges) where ranges.count == 1:
                headers[.contentRange] = "bytes \(ranges[0].lowerBound)-\(ranges[0].upperBound)/\(length)"
                return .send(status: .partialContent, headers: headers, range: ranges[0])
            case .satisfiable, .ignored:
                return .send(status: .ok, headers: headers, range: nil)
            }
        }
    }

    public enum RemoteDecision {
        /// Complete: send it as it is.
        case answered(Response)
        /// Send `range` (nil: everything) with this status and these headers.
        case send(status: HTTPStatus, headers: HTTPHeaders, range: ClosedRange<Int64>?)
    }

    /// What the validators decide before any byte is read.
    private enum Evaluation {
        /// 304 or 412, complete.
        case answered(Response)
        /// Send the representation: these headers (validators, `Accept-Ranges`, the caller's) and this Range outcome.
        case proceed(HTTPHeaders, ByteRange.Outcome)
    }

    private static func evaluate(
        length: Int64, method: HTTPMethod, requestHeaders: HTTPHeaders, etag: EntityTag, lastModified: Int64,
        headers extra: HTTPHeaders
    ) -> Evaluation {
        var validators = HTTPHeaders()
        validators[.etag] = etag.description
        validators[.lastModified] = HTTPDate.format(lastModified)

        let outcome = ConditionalRequest.evaluate(
            method: method, headers: requestHeaders, etag: etag, lastModified: lastModified)
        switch outcome {
        case .notModified:
            var headers = validators
            for field in extra where notModifiedHeaders.contains(field.name) { headers.add(field.name, field.value) }
            return .answered(Response(status: .notModified, headers: headers))
        case .preconditionFailed:
            return .answered(Response.error(
                .preconditionFailed, code: "precondition_failed",
                message: "A precondition of the request does not hold for the current file.", headers: validators))
        case .proceed(let isRangeAllowed):
            var headers = validators
            headers[.acceptRanges] = "bytes"
            for field in extra { headers.add(field.name, field.value) }
            let usesRange = isRangeAllowed && (method == .get || method == .head)
            return .proceed(headers, usesRange ? ByteRange.evaluate(requestHeaders[.range], length: length) : .ignored)
        }
    }

    private static func make(file: OpenFile, range: ByteRange.Outcome, contentType: String, headers: HTTPHeaders) -> Response {
        var headers = headers
        switch range {
        case .unsatisfiable:
            return unsatisfiable(length: file.size, headers: headers)
        case .satisfiable(let ranges) where ranges.count == 1:
            let range = ranges[0]
            headers[.contentType] = contentType
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(file.size)"
            let region = FileRegion(file: file, offset: range.lowerBound, length: range.upperBound - range.lowerBound + 1)
            return Response(status: .partialContent, headers: headers, body: .file(region))
        case .satisfiable(let ranges):
            let stream = MultipartByteRangesStream(
                file: file, ranges: ranges, contentType: contentType, boundary: MultipartByteRangesStream.makeBoundary())
            // Many tiny ranges cost more in part heads than the file itself: send the file instead.
            guard let length = stream.contentLength, length <= 2 * file.size else {
                return full(file: file, contentType: contentType, headers: headers)
            }
            headers[.contentType] = stream.multipartContentType
            return Response(status: .partialContent, headers: headers, body: .stream(stream))
        case .ignored:
            return full(file: file, contentType: contentType, headers: headers)
        }
    }

    /// 416 with `Content-Range: bytes */LEN`.
    static func unsatisfiable(length: Int64, headers: HTTPHeaders) -> Response {
        var headers = headers
        headers[.contentRange] = "bytes */\(length)"
        return Response.error(
            .rangeNotSatisfiable, code: "range_not_satisfiable",
            message: "The requested range is not satisfiable for a representation of \(length) bytes.", headers: headers)
    }

    private static func full(file: OpenFile, contentType: String, headers: HTTPHeaders) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .file(FileRegion(file: file)))
    }
}
