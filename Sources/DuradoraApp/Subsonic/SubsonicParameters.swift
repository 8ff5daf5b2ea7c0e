import DuradoraHTTP
import Foundation

/// A Subsonic request's parameters: the query string and an `application/x-www-form-urlencoded` body together
/// (py-sonic and py-opensonic POST every call; DSub once put parameters in the query of a POST). A repeated name
/// is a list (`songId=1&songId=2`); the first value wins where one is expected.
struct SubsonicParameters: Sendable {
    /// A form of parameters is small; a play queue or playlist of a few thousand ids still fits.
    static let maxBodyBytes = 1 << 20

    private let items: [(name: String, value: String)]

    init(_ items: [(name: String, value: String)]) {
        self.items = items
    }

    /// Reads the query and, for a form POST, the body. A body over the limit is refused (error 0).
    init(request: Request) throws {
        var items = request.queryItems
        if request.method == .post, Self.isForm(request) {
            let bytes: [UInt8]
            switch Result(catching: { () throws(RequestBodyError) -> [UInt8] in
                try request.body.collect(limit: Self.maxBodyBytes)
            }) {
            case .success(let collected): bytes = collected
            case .failure(.tooLarge): throw SubsonicError(code: .generic, message: "The request body is too large.")
            case .failure(let error): throw error
            }
            items += URLEncodedForm(parsing: bytes).fields.map { (name: $0.name, value: $0.value) }
        }
        self.items = items
    }

    private static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
    }

    func string(_ name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    func strings(_ name: String) -> [String] {
        items.filter { $0.name == name }.map(\.value)
    }

    func contains(_ name: String) -> Bool {
        items.contains { $0.name == name }
    }

    func required(_ name: String) throws(SubsonicError) -> String {
        guard let value = string(name) else { throw .missing(name) }
        return value
    }

    /// A whole number; nil when absent or empty; error 0 naming the parameter when it is not one.
    func int(_ name: String) throws(SubsonicError) -> Int? {
        guard let text = string(name), !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw .invalid(name, "must be a whole number, got \"\(text)\"") }
        return value
    }

    /// `count`-like parameters: the default when absent, clamped to `range`.
    func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(SubsonicError) -> Int {
        min(max(try int(name) ?? value, range.lowerBound), range.upperBound)
    }

    /// `true/True/1` and `false/False/0` (py-sonic and knuckles send Python's spelling); nil when absent.
    func bool(_ name: String) throws(SubsonicError) -> Bool? {
        guard let text = string(name), !text.isEmpty else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw .invalid(name, "must be true or false, got \"\(text)\"")
        }
    }

    /// The client's name (`c`), for the play queue's `changedBy`.
    var client: String { string("c") ?? "" }
}
