#if canImport(Glibc)
import Glibc
#endif

/// The router's patterns as a tree of segments, so a request path finds its pattern in one walk down the tree
/// instead of being compared with every pattern of its length in turn (callgrind: 13 patterns tried, ~8 000
/// instructions, for `GET /api/v1/tracks/{id}`, most of them string comparisons of `api` and `v1`).
///
/// The answer is the one the ordered list gives: where several patterns match a path (a literal and a parameter
/// at the same place), the walk follows both and keeps the pattern that comes first in the router's order.
struct RouteTrie: Sendable {
    /// A literal segment's bytes and the node after it. Children are found by comparing bytes, not through a
    /// `[String: Int]`: looking a segment up there made a `String` of it (an allocation for an id) and hashed it.
    private struct Child: Sendable {
        let bytes: [UInt8]
        let node: Int
    }

    private struct Node: Sendable {
        var literals: [Child] = []
        var parameter: Int?
        /// The first (in the router's order) pattern that ends here.
        var pattern: Int?
    }

    private var nodes = [Node()]

    /// A tree of `patterns`, each known by its position in the list.
    init(_ patterns: [RoutePattern]) {
        for (position, pattern) in patterns.enumerated() {
            var node = 0
            for segment in pattern.segments {
                node = child(of: node, for: segment)
            }
            if nodes[node].pattern == nil { nodes[node].pattern = position }
        }
    }

    private mutating func child(of node: Int, for segment: RoutePattern.Segment) -> Int {
        switch segment {
        case .literal(let literal):
            let bytes = Array(literal.utf8)
            if let existing = nodes[node].literals.first(where: { $0.bytes == bytes }) { return existing.node }
            nodes.append(Node())
            nodes[node].literals.append(Child(bytes: bytes, node: nodes.count - 1))
        case .parameter:
            if let existing = nodes[node].parameter { return existing }
            nodes.append(Node())
            nodes[node].parameter = nodes.count - 1
        }
        return nodes.count - 1
    }

    private func literalChild(of node: Int, _ segment: UnsafeBufferPointer<UInt8>) -> Int? {
        for child in nodes[node].literals where child.bytes.count == segment.count {
            let same = child.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, segment.baseAddress!, segment.count) == 0 }
            if same { return child.node }
        }
        return nil
    }

    /// The position of the first pattern that matches `path`'s (percent-decoded) segments, if any.
    func firstMatch(_ path: PathSegments) -> Int? {
        var best: Int?
        path.withBytes { bytes in
            walk(from: 0, depth: 0, path.ranges, bytes, &best)
        }
        return best
    }

    private func walk(from node: Int, depth: Int, _ segments: [Range<Int>], _ bytes: UnsafeBufferPointer<UInt8>,
                      _ best: inout Int?) {
        guard depth < segments.count else {
            if let found = nodes[node].pattern, found < best ?? .max { best = found }
            return
        }
        let segment = UnsafeBufferPointer(rebasing: bytes[segments[depth]])
        if let next = literalChild(of: node, segment) {
            walk(from: next, depth: depth + 1, segments, bytes, &best)
        }
        // A parameter captures one non-empty segment (the path splitter never makes empty ones; this says why not).
        if let next = nodes[node].parameter, !segment.isEmpty {
            walk(from: next, depth: depth + 1, segments, bytes, &best)
        }
    }
}
