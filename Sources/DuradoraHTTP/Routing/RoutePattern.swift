/// A path pattern such as `/api/v1/tracks/{id}/stream`. Literal segments match exactly (case-sensitive);
/// `{name}` captures one non-empty segment. A trailing slash on the request path is ignored.
public struct RoutePattern: Hashable, Sendable, CustomStringConvertible {
    enum Segment: Hashable, Sendable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    public let description: String

    public init(_ pattern: String) {
        description = pattern
        segments = RoutePattern.split(pattern).map { segment in
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            return .literal(String(segment))
        }
    }

    /// Splits a path into segments; `/a/b/` and `/a/b` give the same segments.
    static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// The captured parameters when `segments` (already percent-decoded) match, else nil.
    func match(_ pathSegments: [String]) -> [String: String]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, value) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let literal):
                guard literal == value else { return nil }
            case .parameter(let name):
                guard !value.isEmpty else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }

    /// Literal segments first, so `/playlists/shared/{token}` wins over `/playlists/{id}/{x}` shapes.
    var specificity: Int {
        segments.reduce(0) { total, segment in
            if case .literal = segment { return total * 2 + 1 }
            return total * 2
        }
    }
}
