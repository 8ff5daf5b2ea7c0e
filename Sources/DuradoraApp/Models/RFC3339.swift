import Foundation
import Synchronization

/// RFC 3339 UTC timestamps as the API sends them: `2024-05-01T12:34:56.789Z`.
public enum RFC3339 {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// Formats with millisecond precision, in UTC.
    public static func string(from date: Date) -> String {
        date.formatted(withFraction)
    }

    /// The same format by hand with `gmtime_r`, for the access log: Foundation's formatters cost microseconds per
    /// call and the log writes one timestamp per request. Milliseconds are rounded from the double (Foundation
    /// truncates its binary fraction, so the two can differ in the last digit).
    public static func fastString(from date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let second = milliseconds.floorDivided(by: 1000)
        let fraction = Int(milliseconds - second * 1000)
        // The part up to the seconds changes once a second: formatted then, reused for every line in between.
        let prefix = secondPrefix.withLock { cache in
            if cache.second != second || cache.text.isEmpty { cache = (second, formatSecond(second)) }
            return cache.text
        }
        let digits = String(fraction)
        return prefix + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    private static let secondPrefix = Mutex<(second: Int64, text: String)>((0, ""))

    /// `2024-05-01T12:34:56.`
    private static func formatSecond(_ second: Int64) -> String {
        var seconds = time_t(second)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
    }

    /// Parses a timestamp with or without fractional seconds; nil when it is not RFC 3339.
    public static func date(from string: String) -> Date? {
        (try? withFraction.parse(string)) ?? (try? withoutFraction.parse(string))
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (dates before 1970 too).
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
