import Foundation
import Testing
@testable import DuradoraApp

@Suite struct RFC3339Tests {
    /// The hand-written log formatter agrees with Foundation's ISO 8601 style to within a millisecond
    /// (rounding of the binary fraction), before and after 1970 and at leap days; it parses back.
    @Test func formatsLikeFoundation() throws {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [0, -0.001, -86_400.5, 951_782_400.999, 1_700_000_000.25, 4_102_444_799.999]
        let random = (0..<2000).map { _ in Double(Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator)) / 1000 }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            let ours = RFC3339.fastString(from: date)
            let theirs = date.formatted(style)
            #expect(ours.count == 24 && ours.hasSuffix("Z"), "\(ours)")
            let parsed = try #require(RFC3339.date(from: ours))
            let reference = try #require(RFC3339.date(from: theirs))
            #expect(abs(parsed.timeIntervalSince(reference)) <= 0.0011, "\(ours) vs \(theirs)")
            #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.0011)
        }
    }

    @Test func logDurationsHaveTwoDecimals() {
        #expect(AccessLog.milliseconds(0.0123456) == "12.35")
        #expect(AccessLog.milliseconds(0.00001) == "0.01")
        #expect(AccessLog.milliseconds(1.5) == "1500.00")
        #expect(AccessLog.milliseconds(0) == "0.00")
    }
}
