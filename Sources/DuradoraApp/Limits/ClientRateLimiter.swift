import Foundation
import Synchronization

/// A token bucket per key (a client address): each key may spend `perMinute` requests in a burst, and earns them
/// back at `perMinute` a minute. Unlike `LoginThrottle` (which counts every attempt, good and bad, over a sliding
/// window), this only meters cost: it is meant for routes that are expensive to serve — uploads that transcode,
/// live transcoded streams.
///
/// Memory is bounded by the keys active within one refill period: full buckets are swept as the table grows.
public final class ClientRateLimiter: Sendable {
    public let perMinute: Int
    private let clock: TimeSource
    private let state = Mutex<State>(State())

    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        /// Sweep full buckets when the table reaches this size (doubles with the live key count).
        var sweepAt = 1024
    }

    public init(perMinute: Int, clock: TimeSource = .system) {
        self.perMinute = max(perMinute, 1)
        self.clock = clock
    }

    private var refillPerSecond: Double { Double(perMinute) / 60 }

    /// Takes one token for `key` and returns nil, or — when the bucket is empty — takes nothing and returns the
    /// whole seconds (at least 1) until a token is back.
    public func take(_ key: String) -> Int? {
        let now = clock.now()
        let capacity = Double(perMinute)
        let rate = refillPerSecond
        return state.withLock { state in
            var bucket = state.buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let earned = max(0, now.timeIntervalSince(bucket.updated)) * rate
            bucket.tokens = min(capacity, bucket.tokens + earned)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                state.buckets[key] = bucket
                return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
            }
            bucket.tokens -= 1
            state.buckets[key] = bucket
            if state.buckets.count >= state.sweepAt {
                state.buckets = state.buckets.filter { _, bucket in
                    bucket.tokens + now.timeIntervalSince(bucket.updated) * rate < capacity
                }
                state.sweepAt = max(1024, state.buckets.count * 2)
            }
            return nil
        }
    }
}
