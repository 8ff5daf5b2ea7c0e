#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// IMF-fixdate formatting and parsing (RFC 9110 §5.6.7), without Foundation's slow formatters.
public enum HTTPDate {
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for a time in seconds since 1970.
    public static func format(_ seconds: Int64) -> String {
        // The same few values come again and again (now, a file's mtime): keep the last one formatted.
        if let cached = lastFormatted.withLock({ $0.seconds == seconds ? $0.text : nil }) { return cached }
        let text = formatNow(seconds)
        lastFormatted.withLock { $0 = (seconds, text) }
        return text
    }

    private static let lastFormatted = Mutex<(seconds: Int64, text: String?)>((0, nil))

    private static func formatNow(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(dayNames[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(monthNames[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// The current time formatted for the `Date` header.
    public static func now() -> String { format(Int64(time(nil))) }

    /// Parses IMF-fixdate, and the obsolete RFC 850 and asctime forms that RFC 9110 §5.6.7 requires recipients
    /// to accept. Returns nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        var day: Int?, month: Int?, year: Int?, clock: Substring?
        if words.count == 6, words[5] == "GMT", words[0].hasSuffix(",") {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            day = Int(words[1]); month = monthIndex(words[2]); year = Int(words[3]); clock = words[4]
        } else if words.count == 4, words[3] == "GMT", words[0].hasSuffix(",") {
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years within 50 years of now; we take 19xx/20xx)
            let date = words[1].split(separator: "-")
            guard date.count == 3, let shortYear = Int(date[2]) else { return nil }
            day = Int(date[0]); month = monthIndex(date[1]); clock = words[2]
            year = date[2].count == 2 ? (shortYear < 70 ? 2000 + shortYear : 1900 + shortYear) : shortYear
        } else if words.count == 5 {
            // asctime: Sun Nov  6 08:49:37 1994
            month = monthIndex(words[1]); day = Int(words[2]); clock = words[3]; year = Int(words[4])
        }
        guard let day, let month, let year, let clock, (1...31).contains(day), year >= 1970 else { return nil }
        let hms = clock.split(separator: ":")
        guard hms.count == 3, hms.allSatisfy({ $0.count == 2 }),
              let hour = Int(hms[0]), let minute = Int(hms[1]), let second = Int(hms[2]),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Int64(timegm(&parts))
    }

    private static func monthIndex(_ name: Substring) -> Int? {
        monthNames.firstIndex { $0 == name }
    }
}
