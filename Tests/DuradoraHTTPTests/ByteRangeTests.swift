import Testing
@testable import DuradoraHTTP

@Suite struct ByteRangeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let header: String
        let length: Int64
        let expected: ByteRange.Outcome
        var testDescription: String { "\(header) / \(length)" }
        init(_ header: String, _ length: Int64, _ expected: ByteRange.Outcome) {
            self.header = header
            self.length = length
            self.expected = expected
        }
        init(_ header: String, _ expected: ByteRange.Outcome) { self.init(header, 1000, expected) }
    }

    static let valid: [Case] = [
        Case("bytes=0-499", .satisfiable([0...499])),
        Case("bytes=500-999", .satisfiable([500...999])),
        Case("bytes=0-0", .satisfiable([0...0])),
        Case("bytes=0-1", .satisfiable([0...1])),  // Safari's probe
        Case("bytes=999-999", .satisfiable([999...999])),
        // Open range runs to the end, never clamped to a chunk size.
        Case("bytes=0-", 50_000_000, .satisfiable([0...49_999_999])),
        Case("bytes=9500-", 10_000, .satisfiable([9500...9999])),
        // Suffix: the final n bytes; more than the length means all of it.
        Case("bytes=-500", .satisfiable([500...999])),
        Case("bytes=-1", .satisfiable([999...999])),
        Case("bytes=-1000", .satisfiable([0...999])),
        Case("bytes=-5000", .satisfiable([0...999])),
        // Last-pos beyond the end is clamped.
        Case("bytes=900-5000", .satisfiable([900...999])),
        Case("bytes=0-99999999999999999999999999", .satisfiable([0...999])),
        Case("bytes=-99999999999999999999999999", .satisfiable([0...999])),
        // Unit is case-insensitive; whitespace around the value and commas is fine; empty elements are skipped.
        Case("Bytes=0-9", .satisfiable([0...9])),
        Case("  bytes=0-9 \t", .satisfiable([0...9])),
        Case("bytes=0-9 , 20-29", .satisfiable([0...9, 20...29])),
        Case("bytes=0-9,,20-29,", .satisfiable([0...9, 20...29])),
        // Several ranges keep the client's order; overlapping and adjacent ones merge.
        Case("bytes=500-599,0-99", .satisfiable([500...599, 0...99])),
        Case("bytes=0-99,50-149", .satisfiable([0...149])),
        Case("bytes=0-99,100-199", .satisfiable([0...199])),
        Case("bytes=0-99,101-199", .satisfiable([0...99, 101...199])),
        Case("bytes=100-199,0-99,500-599", .satisfiable([0...199, 500...599])),
        Case("bytes=500-599,0-9,550-", .satisfiable([500...999, 0...9])),
        Case("bytes=0-0,0-0,0-0,0-0", .satisfiable([0...0])),
        Case("bytes=-100,0-", .satisfiable([0...999])),
        // Unsatisfiable specs are dropped when another one is satisfiable.
        Case("bytes=2000-3000,0-9", .satisfiable([0...9])),
    ]

    static let unsatisfiable: [Case] = [
        Case("bytes=1000-", .unsatisfiable),
        Case("bytes=1000-2000", .unsatisfiable),
        Case("bytes=99999999999999999999999-", .unsatisfiable),
        Case("bytes=-0", .unsatisfiable),
        Case("bytes=1000-1001,-0", .unsatisfiable),
        // A zero-length file has nothing to select.
        Case("bytes=0-", 0, .unsatisfiable),
        Case("bytes=0-0", 0, .unsatisfiable),
        Case("bytes=-10", 0, .unsatisfiable),
    ]

    static let ignored: [Case] = [
        Case("", .ignored),
        Case("bytes=", .ignored),
        Case("bytes=,", .ignored),
        Case("bytes", .ignored),
        Case("0-10", .ignored),
        Case("items=0-10", .ignored),
        Case("bytes =0-10", .ignored),
        Case("bytes=5-3", .ignored),
        Case("bytes=0-9,5-3", .ignored),
        Case("bytes=-", .ignored),
        Case("bytes=a-b", .ignored),
        Case("bytes=1-2-3", .ignored),
        Case("bytes=+1-5", .ignored),
        Case("bytes=-+5", .ignored),
        Case("bytes=0 -9", .ignored),
        Case("bytes=0- 9", .ignored),
        Case("bytes=0x10-0x20", .ignored),
        Case("bytes=--5", .ignored),
        Case("bytes=0-9;", .ignored),
        Case("bytes=١-٢", .ignored),  // non-ASCII digits
    ]

    @Test(arguments: valid + unsatisfiable + ignored)
    func evaluatesRangeHeader(_ test: Case) {
        #expect(ByteRange.evaluate(test.header, length: test.length) == test.expected)
    }

    @Test func missingHeaderIsIgnored() {
        #expect(ByteRange.evaluate(nil, length: 10) == .ignored)
    }

    @Test func sixteenDisjointRangesAreServed() {
        let header = "bytes=" + (0..<16).map { "\($0 * 10)-\($0 * 10 + 4)" }.joined(separator: ",")
        guard case .satisfiable(let ranges) = ByteRange.evaluate(header, length: 1000) else {
            Issue.record("expected satisfiable")
            return
        }
        #expect(ranges.count == 16)
        #expect(ranges.last == 150...154)
    }

    @Test func seventeenDisjointRangesAreIgnored() {
        let header = "bytes=" + (0..<17).map { "\($0 * 10)-\($0 * 10 + 4)" }.joined(separator: ",")
        #expect(ByteRange.evaluate(header, length: 1000) == .ignored)
    }

    @Test func manyOverlappingRangesCoalesceIntoOne() {
        let header = "bytes=" + (0..<90).map { "\($0)-\($0 + 10)" }.joined(separator: ",")
        #expect(ByteRange.evaluate(header, length: 1000) == .satisfiable([0...99]))
    }

    @Test func tooManySpecifiersAreIgnoredEvenWhenTheyOverlap() {
        let header = "bytes=" + Array(repeating: "0-0", count: ByteRange.maximumSpecifiers + 1).joined(separator: ",")
        #expect(ByteRange.evaluate(header, length: 1000) == .ignored)
        let atLimit = "bytes=" + Array(repeating: "0-0", count: ByteRange.maximumSpecifiers).joined(separator: ",")
        #expect(ByteRange.evaluate(atLimit, length: 1000) == .satisfiable([0...0]))
    }

    @Test func selectedBytesNeverExceedTheLength() {
        let header = "bytes=0-,0-,-1000,500-,0-999,1-998"
        guard case .satisfiable(let ranges) = ByteRange.evaluate(header, length: 1000) else {
            Issue.record("expected satisfiable")
            return
        }
        #expect(ranges.reduce(0) { $0 + $1.count } == 1000)
    }

    @Test func coalescingMergesARangeThatBridgesTwoEarlierOnes() {
        #expect(ByteRange.coalesce([0...9, 20...29, 40...49, 5...25]) == [0...29, 40...49])
        #expect(ByteRange.coalesce([40...49, 20...29, 0...9, 5...45]) == [0...49])
        #expect(ByteRange.coalesce([40...49, 0...9]) == [40...49, 0...9])
    }
}
