import DuradoraHTTP

/// `f`: the format of every answer of one request.
enum SubsonicFormat {
    /// The type the Subsonic specification gives XML answers, and error documents of binary endpoints.
    static let xmlContentType = "text/xml; charset=utf-8"
    static let jsonContentType = "application/json; charset=utf-8"
    static let javascriptContentType = "application/javascript; charset=utf-8"

    case xml
    case json
    case jsonp(callback: String)
    /// `f=jsonp` without a usable callback: answered as JSON with the problem.
    case invalidCallback(SubsonicError)

    init(_ parameters: SubsonicParameters) {
        switch parameters.string("f")?.lowercased() {
        case "json": self = .json
        case "jsonp":
            guard let callback = parameters.string("callback") else {
                self = .invalidCallback(.missing("callback"))
                return
            }
            self = Self.isValidCallback(callback)
                ? .jsonp(callback: callback)
                : .invalidCallback(.invalid("callback", "must be a JavaScript name (letters, digits, _, $ and dots)"))
        default: self = .xml
        }
    }

    func render(_ response: SubsonicResponse) -> Response {
        let (body, contentType): ([UInt8], String)
        switch self {
        case .xml: (body, contentType) = (SubsonicWriter.xml(response), Self.xmlContentType)
        case .json, .invalidCallback: (body, contentType) = (SubsonicWriter.json(response), Self.jsonContentType)
        case .jsonp(let callback):
            (body, contentType) = (SubsonicWriter.json(response, callback: callback), Self.javascriptContentType)
        }
        return Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"], body: .bytes(body))
    }

    /// A JSONP callback must be a plain JavaScript name path (`cb`, `jQuery123_456`, `app.handlers.cb`): anything
    /// else could inject script into the page that loads the answer.
    static func isValidCallback(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.unicodeScalars.first, !(("0"..."9").contains(first)) else { return false }
            return part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "$") }
        }
    }
}
