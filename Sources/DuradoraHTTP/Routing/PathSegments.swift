/// A request path cut into its segments for matching, as byte ranges of one text: the path itself, or, when it
/// holds escapes, its segments percent-decoded and joined (a malformed escape is kept as sent, and then matches no
/// literal). `/a/b/` and `/a/b` give the same segments; empty segments are dropped.
///
/// Ranges, not `Substring`s: making a `Substring` checks its bounds against the string's UTF-8 (~200 instructions
/// a segment, callgrind), and the tree compares bytes anyway. A `/` is ASCII, so ranges fall on character
/// boundaries.
struct PathSegments {
    private(set) var text: String
    private(set) var ranges: [Range<Int>] = []

    init(path: String) {
        text = path
        ranges = Self.cut(&text)
        guard PercentDecoding.mayHoldEscapes(path) else { return }
        // Rare: decode each segment, and join them again with the ranges of the decoded text.
        var decoded = ""
        var decodedRanges: [Range<Int>] = []
        let utf8 = Array(path.utf8)
        for range in ranges {
            let raw = String(decoding: utf8[range], as: UTF8.self)
            let segment = PercentDecoding.decode(Substring(raw)) ?? raw
            let start = decoded.utf8.count
            decoded += segment
            decodedRanges.append(start..<decoded.utf8.count)
        }
        text = decoded
        ranges = decodedRanges
    }

    var count: Int { ranges.count }

    /// Whether `path` is its own segments joined, as `cut` and the decoding would give them back: no escape, no
    /// empty segment, no trailing slash (but `/`). The router looks such a path up whole (`RoutePattern.literalPath`).
    static func isPlain(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            guard bytes.first == UInt8(ascii: "/") else { return false }
            if bytes.count == 1 { return true }
            if bytes[bytes.count - 1] == UInt8(ascii: "/") { return false }
            var previous: UInt8 = 0
            for byte in bytes {
                if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "/") && previous == byte { return false }
                previous = byte
            }
            return true
        }
    }

    /// Calls `body` with the text's bytes (contiguous for a native string; copied once otherwise).
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Segment `index`, decoded, as a `String` (a captured parameter).
    func string(_ index: Int) -> String {
        withBytes { String(decoding: UnsafeBufferPointer(rebasing: $0[ranges[index]]), as: UTF8.self) }
    }

    private static func cut(_ text: inout String) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        text.withUTF8 { bytes in
            var start = 0
            for offset in 0...bytes.count where offset == bytes.count || bytes[offset] == UInt8(ascii: "/") {
                if offset > start { ranges.append(start..<offset) }
                start = offset + 1
            }
        }
        return ranges
    }
}
