/// Boyer–Moore–Horspool search for a fixed byte pattern (a multipart delimiter, `\r\n--boundary`).
///
/// On random data it inspects about one byte in every `pattern.count`, so long boundaries make it faster.
/// It also reports where a possible partial match starts at the end of the input, so a streaming caller knows
/// how many bytes it must hold back until more input arrives.
struct DelimiterSearch: Sendable {
    /// The result of one search.
    struct Match: Equatable {
        /// Where the whole pattern starts; or, when `isComplete` is false, where a prefix of the pattern runs to
        /// the end of the input (the input's count when no suffix of it can start the pattern).
        let index: Int
        let isComplete: Bool
    }

    let pattern: [UInt8]
    /// For each byte value: how far the window may move when that byte is under the window's last position.
    private let shifts: [Int]

    /// `pattern` must not be empty.
    init(_ pattern: [UInt8]) {
        precondition(!pattern.isEmpty, "DelimiterSearch needs a non-empty pattern")
        self.pattern = pattern
        var shifts = [Int](repeating: pattern.count, count: 256)
        for (offset, byte) in pattern.dropLast().enumerated() {
            shifts[Int(byte)] = pattern.count - 1 - offset
        }
        self.shifts = shifts
    }

    /// Finds the first complete match in `input`, or else the earliest partial match at its end.
    func find(in input: UnsafeBufferPointer<UInt8>) -> Match {
        guard let base = input.baseAddress else { return Match(index: 0, isComplete: false) }
        let count = input.count
        return pattern.withUnsafeBufferPointer { patternBuffer in
            shifts.withUnsafeBufferPointer { shiftBuffer in
                let needle = patternBuffer.baseAddress.unsafelyUnwrapped
                let shift = shiftBuffer.baseAddress.unsafelyUnwrapped
                let length = patternBuffer.count
                let last = needle[length - 1]
                var position = 0
                while position + length <= count {
                    let byte = base[position + length - 1]
                    if byte == last && Self.equal(base + position, needle, length - 1) {
                        return Match(index: position, isComplete: true)
                    }
                    position &+= shift[Int(byte)]
                }
                // No complete match. A partial one can only start within the last length - 1 bytes.
                var candidate = max(0, count - length + 1)
                while candidate < count {
                    if base[candidate] == needle[0] && Self.equal(base + candidate, needle, count - candidate) {
                        return Match(index: candidate, isComplete: false)
                    }
                    candidate += 1
                }
                return Match(index: count, isComplete: false)
            }
        }
    }

    @inline(__always)
    private static func equal(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index < count {
            if lhs[index] != rhs[index] { return false }
            index &+= 1
        }
        return true
    }
}
