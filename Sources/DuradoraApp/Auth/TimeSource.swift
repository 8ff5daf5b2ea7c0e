import Foundation

/// Where "now" comes from, so tests can move time (token expiry) without sleeping.
public struct TimeSource: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let system = TimeSource { Date() }

    /// Always `date`.
    public static func fixed(_ date: Date) -> TimeSource {
        TimeSource { date }
    }
}
