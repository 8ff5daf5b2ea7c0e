import Foundation
import Synchronization

/// A sliding one-minute window of login attempts per key (a username, a client address). An attempt is refused
/// when any of its keys already saw `limit` attempts in the last `window` seconds; refused attempts are not counted,
/// so a client that keeps hammering gets in again once its old attempts age out.
///
/// Memory is bounded by the number of keys seen within one window: stale keys are swept as the table grows.
///
/// With a `shared` database (several instances behind a balancer) the attempts are counted there instead, so a
/// guesser spread over N instances gets one budget, not N (writes no cache depends on: `writeUnobserved`).
public final class LoginThrottle: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private let clock: TimeSource
    private let state = Mutex<State>(State())
    private let shared: (any Database)?

    private struct State {
        var attempts: [String: [Date]] = [:]
        /// Sweep stale keys when the table reaches this size (doubles with the live key count).
        var sweepAt = 1024
    }

    public init(limit: Int, window: TimeInterval = 60, clock: TimeSource = .system, shared: (any Database)? = nil) {
        self.limit = max(limit, 1)
        self.window = window
        self.clock = clock
        self.shared = shared
    }

    /// Records an attempt for every key and returns nil, or — when a key is over the limit — records nothing and
    /// returns the whole seconds (at least 1) until that key's oldest attempt leaves the window. Throws only when
    /// a shared database cannot be reached.
    public func attempt(_ keys: [String]) throws -> Int? {
        let now = clock.now()
        let horizon = now.addingTimeInterval(-window)
        if let shared {
            return try shared.writeUnobserved { transaction in
                let recent = try keys.map { try transaction.loginAttempts.attempts(key: $0, after: horizon) }
                if let wait = refusal(recent, horizon: horizon) { return wait }
                for key in keys { try transaction.loginAttempts.record(key: key, at: now) }
                return nil
            }
        }
        return state.withLock { state in
            var recent: [[Date]] = []
            for key in keys {
                let kept = (state.attempts[key] ?? []).filter { $0 > horizon }
                state.attempts[key] = kept.isEmpty ? nil : kept
                recent.append(kept)
            }
            if let wait = refusal(recent, horizon: horizon) { return wait }
            for key in keys { state.attempts[key, default: []].append(now) }
            if state.attempts.count >= state.sweepAt {
                state.attempts = state.attempts.filter { $0.value.last.map { $0 > horizon } ?? false }
                state.sweepAt = max(1024, state.attempts.count * 2)
            }
            return nil
        }
    }

    /// The whole seconds until the fullest key's oldest attempt leaves the window; nil when every key may try.
    private func refusal(_ recent: [[Date]], horizon: Date) -> Int? {
        var wait: TimeInterval = 0
        for attempts in recent where attempts.count >= limit {
            if let oldest = attempts.first { wait = max(wait, oldest.timeIntervalSince(horizon)) }
        }
        return wait > 0 ? max(1, Int(wait.rounded(.up))) : nil
    }

    /// The keys of a login attempt: the username (any letter case) and the client address. Names longer than any
    /// valid username are cut, so a flood of huge names cannot grow the table's memory by much.
    public static func keys(username: String, address: String) -> [String] {
        let name = String(username.lowercased().prefix(AccountRules.usernameLengths.upperBound + 1))
        return ["user:" + name, "addr:" + address]
    }
}
