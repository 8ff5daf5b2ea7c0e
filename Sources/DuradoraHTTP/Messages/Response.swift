import Foundation

/// A response a handler returns. The writer adds `Date`, framing, `Connection`, `X-Request-Id` and
/// `X-Content-Type-Options`, so handlers only say what is theirs to say.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: ResponseBody

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static let jsonContentType = "application/json; charset=utf-8"

    /// A JSON response; keys are sorted so output is stable.
    public static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders()) throws -> Response {
        var headers = headers
        headers[.contentType] = jsonContentType
        return Response(status: status, headers: headers, body: .bytes(Array(try JSONCoding.encoder.encode(value))))
    }

    /// A JSON response whose bytes are written already (without `JSONEncoder`, for the answers every request pays for).
    public static func json(bytes: [UInt8], status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders()) -> Response {
        var headers = headers
        headers[.contentType] = jsonContentType
        return Response(status: status, headers: headers, body: .bytes(bytes))
    }

    /// A plain text response.
    public static func text(_ text: String, status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .bytes(Array(text.utf8)))
    }

    /// The contract's error shape: `{"error": {"code": …, "message": …}}`.
    public static func error(_ status: HTTPStatus, code: String, message: String, headers: HTTPHeaders = HTTPHeaders()) -> Response {
        var headers = headers
        headers[.contentType] = jsonContentType
        let body = "{\"error\":{\"code\":\(JSONCoding.quote(code)),\"message\":\(JSONCoding.quote(message))}}"
        return Response(status: status, headers: headers, body: .bytes(Array(body.utf8)))
    }
}

/// The one JSON configuration the server uses.
public enum JSONCoding {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func makeDecoder() -> JSONDecoder { JSONDecoder() }

    /// A JSON string literal for `text`, escaped per RFC 8259.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
