/// The `; name=value` parameters of a header value such as Content-Type or Content-Disposition
/// (RFC 9110 §5.6.6), with RFC 8187 extended values (`filename*=UTF-8''%e2%82%ac.wav`) decoded.
///
/// Names are compared ignoring ASCII case. Looking up `name` returns the value of `name*` when both are present,
/// as RFC 6266 §4.3 asks: the extended form carries the exact (non-ASCII) text, the plain one a fallback.
public struct HeaderParameters: Sendable, Equatable, Sequence {
    public struct Parameter: Sendable, Equatable {
        /// Lower-cased, without the trailing `*` of an extended parameter.
        public let name: String
        /// Unquoted and unescaped; for an extended parameter, percent-decoded in its charset.
        public let value: String
        /// Written as `name*=charset'language'value`.
        public let isExtended: Bool
    }

    /// In the order written.
    public private(set) var parameters: [Parameter] = []

    public init() {}

    public var count: Int { parameters.count }
    public var isEmpty: Bool { parameters.isEmpty }
    public func makeIterator() -> IndexingIterator<[Parameter]> { parameters.makeIterator() }

    /// The value of `name` (any case); the extended `name*` wins over a plain `name`.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return parameters.first { $0.name == key && $0.isExtended }?.value
            ?? parameters.first { $0.name == key }?.value
    }

    /// Parses parameters from the scanner's position to the end of the value.
    /// Duplicate names are refused: two `boundary` or two `filename` parameters make a message ambiguous.
    init(scanning scanner: inout HeaderValueScanner) throws(HeaderValueError) {
        while true {
            scanner.skipWhitespace()
            if scanner.isAtEnd { return }
            guard scanner.consume(UInt8(ascii: ";")) else { throw HeaderValueError("expected ';' between parameters") }
            scanner.skipWhitespace()
            if scanner.isAtEnd || scanner.peek == UInt8(ascii: ";") { continue }
            guard let rawName = scanner.token() else { throw HeaderValueError("expected a parameter name") }
            scanner.skipWhitespace()
            guard scanner.consume(UInt8(ascii: "=")) else {
                throw HeaderValueError("parameter '\(rawName)' has no value")
            }
            scanner.skipWhitespace()
            let rawValue: String
            if scanner.peek == UInt8(ascii: "\"") {
                rawValue = try scanner.quotedString()
            } else if let token = scanner.token() {
                rawValue = token
            } else {
                throw HeaderValueError("parameter '\(rawName)' has an invalid value")
            }
            let isExtended = rawName.hasSuffix("*")
            let name = String(isExtended ? rawName.dropLast() : rawName[...]).lowercased()
            let value = isExtended ? try Self.decodeExtendedValue(rawValue, parameter: rawName) : rawValue
            if parameters.contains(where: { $0.name == name && $0.isExtended == isExtended }) {
                throw HeaderValueError("parameter '\(rawName)' appears twice")
            }
            parameters.append(Parameter(name: name, value: value, isExtended: isExtended))
        }
    }

    /// RFC 8187 §3.2: `charset "'" [ language ] "'" value-chars`, charset UTF-8 or ISO-8859-1.
    static func decodeExtendedValue(_ text: String, parameter: String) throws(HeaderValueError) -> String {
        let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw HeaderValueError("parameter '\(parameter)' is not charset'language'value") }
        var bytes: [UInt8] = []
        var iterator = parts[2].utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(\.hexDigitValue), let low = iterator.next().flatMap(\.hexDigitValue) else {
                    throw HeaderValueError("parameter '\(parameter)' has a malformed percent escape")
                }
                bytes.append(high << 4 | low)
            } else if byte == UInt8(ascii: "'") || !HeaderValueScanner.isTokenByte(byte) {
                throw HeaderValueError("parameter '\(parameter)' has an invalid character")
            } else {
                bytes.append(byte)
            }
        }
        switch parts[0].lowercased() {
        case "utf-8":
            guard let value = String(validating: bytes, as: UTF8.self) else {
                throw HeaderValueError("parameter '\(parameter)' is not valid UTF-8")
            }
            return value
        case "iso-8859-1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default:
            throw HeaderValueError("parameter '\(parameter)' uses unsupported charset '\(parts[0])'")
        }
    }
}
