/// Why a multipart/form-data body was refused, with the status to answer and a sentence for the client.
public struct MultipartError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The Content-Type is not multipart/form-data or is malformed.
        case notMultipart = "not_multipart"
        /// The Content-Type has no `boundary` parameter.
        case missingBoundary = "missing_boundary"
        /// The boundary is empty, longer than 70 characters or uses characters RFC 2046 does not allow.
        case invalidBoundary = "invalid_boundary"
        /// A boundary line is followed by something other than `--`, whitespace and CRLF.
        case malformedDelimiter = "malformed_delimiter"
        /// A part's header section does not parse, or lacks `Content-Disposition: form-data`.
        case malformedPartHeaders = "malformed_part_headers"
        /// A part has no `name` parameter.
        case missingName = "missing_name"
        /// A part's header section exceeds `MultipartLimits.maxHeaderBytes`.
        case partHeadersTooLarge = "part_headers_too_large"
        /// More parts than `MultipartLimits.maxParts`.
        case tooManyParts = "too_many_parts"
        /// The input ended before the closing `--boundary--`.
        case truncated = "truncated_multipart"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// 413 for the size and count limits, 400 for everything else.
    public var status: HTTPStatus {
        switch kind {
        case .partHeadersTooLarge, .tooManyParts: .contentTooLarge
        default: .badRequest
        }
    }

    /// snake_case code for the JSON error body.
    public var code: String { kind.rawValue }

    public var description: String { "\(status.code) \(code): \(message)" }
}
