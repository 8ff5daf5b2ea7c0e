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
    /// path (it was 4% of a cached range request), and stepping `utf8` indices one by one still cost ~50
    /// instructions a byte. A `/` is ASCII, so the slices fall on character boundaries.
    static func split(_ path: String) -> [Substring] {
        var segments: [Substring] = []
        segments.reserveCapacity(8)
        let utf8 = path.utf8
        let scanned: Void? = utf8.withContiguousStorageIfAvailable { bytes in
            var start = 0
            for offset in 0...bytes.count where offset == bytes.count || bytes[offset] == UInt8(ascii: "/") {
                if offset > start {
                    // O(1) on a native string: its indices are byte offsets.
                    let lower = utf8.index(utf8.startIndex, offsetBy: start)
                    segments.append(path[lower..<utf8.index(lower, offsetBy: offset - start)])
                }
                start = offset + 1
            }
        }
        if scanned == nil {  // a bridged string (never on Linux)
            segments = path.split(separator: "/", omittingEmptySubsequences: true)
        }
        return segments
    }

    /// The path's segments, percent-decoded (a malformed escape is kept as sent, and then matches no literal).
    static func decodedSegments(_ path: String) -> [Substring] {
        let segments = split(path)
        // Paths rarely hold escapes: then the segments are slices of the path, with nothing copied.
        guard PercentDecoding.mayHoldEscapes(path) else { return segments }
        return segments.map { Substring(PercentDecoding.decode($0) ?? String($0)) }
    }

    /// The captured parameters of `pathSegments`, which the router's tree already matched to this pattern (so the
    /// literals are not compared again).
    func captures(_ pathSegments: [Substring]) -> [(name: String, value: String)] {
        var parameters: [(name: String, value: String)] = []
        for (segment, value) in zip(segments, pathSegments) {
            if case .parameter(let name) = segment { parameters.append((name: name, value: String(value))) }
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
