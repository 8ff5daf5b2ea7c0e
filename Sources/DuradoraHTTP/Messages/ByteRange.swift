/// Evaluates a `Range` header value against a representation's length (RFC 9110 §14.1.1, §14.2).
///
/// Abuse defences, all using the RFC's "a server MAY ignore the Range header field":
/// - more than `maximumSpecifiers` range-specs in the header → `.ignored` (we do no work on them);
/// - overlapping or adjacent ranges are coalesced, so the selected bytes never exceed the length;
/// - more than `maximumRanges` ranges left after coalescing → `.ignored` (the client gets a plain 200).
/// Ignoring (a 200 with the whole file) is friendlier than 416 to a confused client and no more costly to us
/// than an honest request for the whole file.
public enum ByteRange {
    /// What to do with the Range header.
    public enum Outcome: Equatable, Sendable {
        /// No Range header, a unit other than `bytes`, invalid syntax, or too many ranges: serve 200 in full.
        case ignored
        /// 206 with these ranges (closed, within `0..<length`, disjoint, not adjacent, in request order).
        case satisfiable([ClosedRange<Int64>])
        /// No range-spec selects any byte: 416 with `Content-Range: bytes */LEN`.
        case unsatisfiable
    }

    /// Range-specs allowed in one header before it is ignored without further parsing.
    public static let maximumSpecifiers = 100
    /// Ranges allowed after coalescing; more make the header ignored.
    public static let maximumRanges = 16

    /// Evaluates `value` (the whole field value, e.g. `bytes=0-99, -500`) for a representation of `length` bytes.
    /// A zero-length representation has no satisfiable range (there is no `Content-Range` for zero bytes).
    public static func evaluate(_ value: String?, length: Int64) -> Outcome {
        guard let value, let specs = parseSpecifiers(value) else { return .ignored }
        var selected: [ClosedRange<Int64>] = []
        for spec in specs {
            if let range = spec.resolve(length: length) { selected.append(range) }
        }
        guard !selected.isEmpty else { return .unsatisfiable }
        let coalesced = coalesce(selected)
        guard coalesced.count <= maximumRanges else { return .ignored }
        return .satisfiable(coalesced)
    }

    /// A syntactically valid range-spec, before it meets a length.
    enum Specifier: Equatable {
        /// `first-last` or `first-` (`last` nil: to the end).
        case from(first: Int64, last: Int64?)
        /// `-count`: the final `count` bytes.
        case suffix(count: Int64)

        /// The bytes this spec selects, or nil when it selects none.
        func resolve(length: Int64) -> ClosedRange<Int64>? {
            guard length > 0 else { return nil }
            switch self {
            case .from(let first, let last):
                guard first < length else { return nil }
                return first...min(last ?? (length - 1), length - 1)
            case .suffix(let count):
                guard count > 0 else { return nil }
                return max(0, length - count)...(length - 1)
            }
        }
    }

    /// Parses `bytes=spec, spec, …`; nil when the unit is not `bytes` or any spec is malformed.
    /// Optional whitespace is allowed around the whole value and around commas; empty list elements are skipped
    /// (RFC 9110 §5.6.1.2). Works on the bytes: a player sends one of these with every seek.
    static func parseSpecifiers(_ value: String) -> [Specifier]? {
        struct Malformed: Error {}
        var value = value
        return value.withUTF8 { bytes -> [Specifier]? in
            var start = 0
            while start < bytes.count, HTTPSyntax.isWhitespace(bytes[start]) { start += 1 }
            let unit = start..<min(start + 5, bytes.count)
            guard HTTPSyntax.equalsIgnoringCase(bytes, unit, "bytes"), unit.upperBound < bytes.count,
                  bytes[unit.upperBound] == UInt8(ascii: "=") else { return nil }
            var specs: [Specifier] = []
            do {
                try HTTPSyntax.forEachListElement(bytes, (unit.upperBound + 1)..<bytes.count) { (element) throws(Malformed) in
                    guard specs.count < maximumSpecifiers,
                          let spec = parseSpecifier(UnsafeBufferPointer(rebasing: bytes[element]))
                    else { throw Malformed() }
                    specs.append(spec)
                }
            } catch {
                return nil
            }
            return specs.isEmpty ? nil : specs
        }
    }

    private static func parseSpecifier(_ utf8: UnsafeBufferPointer<UInt8>) -> Specifier? {
        guard let dash = utf8.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let firstDigits = utf8[..<dash]
        let lastDigits = utf8[(dash + 1)...]
        if firstDigits.isEmpty {
            guard let count = parseDigits(lastDigits) else { return nil }
            return .suffix(count: count)
        }
        guard let first = parseDigits(firstDigits) else { return nil }
        if lastDigits.isEmpty { return .from(first: first, last: nil) }
        guard let last = parseDigits(lastDigits), last >= first else { return nil }
        return .from(first: first, last: last)
    }

    /// `1*DIGIT` as a non-negative number, saturating at `Int64.max` (a huge last-pos still means "to the end").
    private static func parseDigits(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int64.max : sum
        }
        return value
    }

    /// Merges overlapping and adjacent ranges. Each merged range takes the place of the earliest range it absorbed,
    /// so disjoint ranges keep the order the client asked for (RFC 9110 §15.3.7.2).
    static func coalesce(_ ranges: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        var result: [ClosedRange<Int64>] = []
        for range in ranges {
            var merged = range
            var position: Int?
            while let index = result.firstIndex(where: { touches($0, merged) }) {
                merged = min(merged.lowerBound, result[index].lowerBound)...max(merged.upperBound, result[index].upperBound)
                result.remove(at: index)
                position = min(position ?? index, index)
            }
            result.insert(merged, at: position ?? result.count)
        }
        return result
    }

    private static func touches(_ a: ClosedRange<Int64>, _ b: ClosedRange<Int64>) -> Bool {
        // Adjacent when one ends right before the other starts; upperBound < Int64.max since ranges end at length - 1.
        a.lowerBound <= b.upperBound + 1 && b.lowerBound <= a.upperBound + 1
    }
}
