import Foundation

/// RFC 3339 UTC timestamps as the API sends them: `2024-05-01T12:34:56.789Z`.
public enum RFC3339 {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// Formats with millisecond precision, in UTC.
    public static func string(from date: Date) -> String {
        date.formatted(withFraction)
    }

    /// Parses a timestamp with or without fractional seconds; nil when it is not RFC 3339.
    public static func date(from string: String) -> Date? {
        (try? withFraction.parse(string)) ?? (try? withoutFraction.parse(string))
    }
}
