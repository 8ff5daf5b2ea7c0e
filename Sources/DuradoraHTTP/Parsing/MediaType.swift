/// A media type with parameters, as in `Content-Type: multipart/form-data; boundary="abc def"` (RFC 9110 §8.3.1).
public struct MediaType: Sendable, Equatable, CustomStringConvertible {
    /// Lower-cased, e.g. `multipart`.
    public let type: String
    /// Lower-cased, e.g. `form-data`.
    public let subtype: String
    public let parameters: HeaderParameters

    /// Parses a header value; throws when it is not `type "/" subtype *( OWS ";" OWS parameter )`.
    public init(parsing value: String) throws(HeaderValueError) {
        var scanner = HeaderValueScanner(value)
        scanner.skipWhitespace()
        guard let type = scanner.token(), scanner.consume(UInt8(ascii: "/")), let subtype = scanner.token() else {
            throw HeaderValueError("'\(value)' is not a media type (type/subtype)")
        }
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        self.parameters = try HeaderParameters(scanning: &scanner)
    }

    /// `type/subtype` without parameters, lower-cased: `audio/mpeg`.
    public var essence: String { "\(type)/\(subtype)" }

    /// The `charset` parameter, lower-cased.
    public var charset: String? { parameters["charset"]?.lowercased() }

    /// The `boundary` parameter of a multipart type.
    public var boundary: String? { parameters["boundary"] }

    /// `type/subtype; name=value…`, values quoted when they are not tokens (for logs and messages).
    public var description: String {
        parameters.reduce(essence) { text, parameter in
            let value = parameter.value
            if !value.isEmpty, value.utf8.allSatisfy(HeaderValueScanner.isTokenByte) {
                return text + "; \(parameter.name)=\(value)"
            }
            var quoted = ""
            for character in value {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return text + "; \(parameter.name)=\"\(quoted)\""
        }
    }
}
