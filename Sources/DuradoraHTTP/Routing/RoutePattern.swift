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
    ///
    /// By UTF-8 bytes, not `Character`s: `String.split` runs grapheme breaking over every byte of every request
    /// path (it was 4% of a cached range request). A `/` is ASCII, so the slices fall on character boundaries.
    static func split(_ path: String) -> [Substring] {
        var segments: [Substring] = []
        segments.reserveCapacity(8)
        let utf8 = path.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                if index != start { segments.append(path[start..<index]) }
                index = utf8.index(after: index)
                start = index
            } else {
                index = utf8.index(after: index)
            }
        }
        if start != utf8.endIndex { segments.append(path[start..<utf8.endIndex]) }
        return segments
    }

    /// The path's segments, percent-decoded (a malformed escape is kept as sent, and then matches no literal).
    static func decodedSegments(_ path: String) -> [Substring] {
        let segments = split(path)
        // Paths rarely hold escapes: then the segments are slices of the path, with nothing copied.
        guard PercentDecoding.mayHoldEscapes(path) else { return segments }
        return segments.map { Substring(PercentDecoding.decode($0) ?? String($0)) }
    }

    /// The captured parameters when `segments` (already percent-decoded) match, else nil.
    func match(_ pathSegments: [Substring]) -> [String: String]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, value) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let literal):
                guard literal == value else { return nil }
            case .parameter(let name):
                guard !value.isEmpty else { return nil }
                parameters[name] = String(value)
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
