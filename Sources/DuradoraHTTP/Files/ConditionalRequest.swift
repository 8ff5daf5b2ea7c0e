/// Evaluates the request preconditions of RFC 9110 §13.2.2 for a representation that exists, in the RFC's order:
/// If-Match, else If-Unmodified-Since → 412; If-None-Match, else If-Modified-Since → 304 (GET/HEAD) or 412;
/// then If-Range decides whether a Range header applies.
public enum ConditionalRequest {
    public enum Outcome: Equatable, Sendable {
        /// Serve the representation; `isRangeAllowed` is false when If-Range did not match (send 200 in full).
        case proceed(isRangeAllowed: Bool)
        /// 304 Not Modified.
        case notModified
        /// 412 Precondition Failed.
        case preconditionFailed
    }

    /// - Parameters:
    ///   - etag: the representation's current strong entity tag.
    ///   - lastModified: its modification time in seconds since 1970.
    public static func evaluate(method: HTTPMethod, headers: HTTPHeaders, etag: EntityTag, lastModified: Int64) -> Outcome {
        let isGetOrHead = method == .get || method == .head

        // Step 1 and 2: If-Match, or (only without it) If-Unmodified-Since.
        if headers.contains(.ifMatch) {
            guard let list = EntityTag.parseList(headers.values(.ifMatch)), list.contains(etag, weak: false) else {
                return .preconditionFailed
            }
        } else if let since = singleDate(headers, .ifUnmodifiedSince), lastModified > since {
            return .preconditionFailed
        }

        // Step 3 and 4: If-None-Match, or (only without it, and only for GET/HEAD) If-Modified-Since.
        if headers.contains(.ifNoneMatch) {
            if let list = EntityTag.parseList(headers.values(.ifNoneMatch)), list.contains(etag, weak: true) {
                return isGetOrHead ? .notModified : .preconditionFailed
            }
        } else if isGetOrHead, let since = singleDate(headers, .ifModifiedSince), lastModified <= since {
            return .notModified
        }

        // Step 5: If-Range, only meaningful with a Range header.
        guard headers.contains(.range), let ifRange = headers[.ifRange] else { return .proceed(isRangeAllowed: true) }
        return .proceed(isRangeAllowed: ifRangeMatches(ifRange, etag: etag, lastModified: lastModified))
    }

    /// If-Range (RFC 9110 §13.1.5): a strong tag that strongly matches, or a date equal to Last-Modified.
    /// Weak tags and anything unparsable never match.
    static func ifRangeMatches(_ value: String, etag: EntityTag, lastModified: Int64) -> Bool {
        let trimmed = value.trimmingHTTPWhitespace()
        if trimmed.hasPrefix("\"") || trimmed.hasPrefix("W/") {
            guard let tag = EntityTag.parse(trimmed) else { return false }
            return tag.strongMatches(etag)
        }
        return HTTPDate.parse(trimmed) == lastModified
    }

    /// The date in a header that appears exactly once; nil when absent, repeated or invalid (all mean "ignore").
    private static func singleDate(_ headers: HTTPHeaders, _ name: HTTPHeader) -> Int64? {
        let values = headers.values(name)
        guard values.count == 1 else { return nil }
        return HTTPDate.parse(values[0].trimmingHTTPWhitespace())
    }
}
