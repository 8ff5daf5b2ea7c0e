/// A Content-Disposition value: `form-data; name="file"; filename="a.wav"` (RFC 6266, RFC 7578 §4.2).
public struct ContentDisposition: Sendable, Equatable {
    /// Lower-cased disposition type: `form-data`, `attachment`, `inline`.
    public let type: String
    public let parameters: HeaderParameters

    /// Parses a header value; throws when it is not `token *( OWS ";" OWS parameter )`.
    public init(parsing value: String) throws(HeaderValueError) {
        var scanner = HeaderValueScanner(value)
        scanner.skipWhitespace()
        guard let type = scanner.token() else {
            throw HeaderValueError("'\(value)' is not a content disposition")
        }
        self.type = type.lowercased()
        self.parameters = try HeaderParameters(scanning: &scanner)
    }

    /// The `name` parameter (the form field's name).
    public var name: String? { parameters["name"] }

    /// The `filename` parameter; `filename*` (RFC 8187, exact non-ASCII text) wins over `filename`.
    public var filename: String? { parameters["filename"] }
}
