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

    /// Splits a pattern into its segments (the same cut as `PathSegments`, without decoding).
    static func split(_ pattern: String) -> [Substring] {
        pattern.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// The captured parameters of `pathSegments`, which the router's tree already matched to this pattern (so the
    /// literals are not compared again).
    func captures(_ path: PathSegments) -> [(name: String, value: String)] {
        var parameters: [(name: String, value: String)] = []
        for (index, segment) in segments.enumerated() where index < path.count {
            if case .parameter(let name) = segment { parameters.append((name: name, value: path.string(index))) }
        }
        return parameters
    }

    /// The one path this pattern matches in plain form (see `PathSegments.isPlain`) when it has no parameter:
    /// its literals joined, `/` for none at all.
    var literalPath: String? {
        var texts: [String] = []
        for segment in segments {
            guard case .literal(let text) = segment else { return nil }
            texts.append(text)
        }
        return "/" + texts.joined(separator: "/")
    }

    /// Literal segments first, so `/playlists/shared/{token}` wins over `/playlists/{id}/{x}` shapes.
    var specificity: Int {
        segments.reduce(0) { total, segment in
            if case .literal = segment { return total * 2 + 1 }
            return total * 2
        }
    }
}
