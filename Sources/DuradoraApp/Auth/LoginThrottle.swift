import Foundation
import Synchronization

/// A sliding one-minute window of login attempts per key (a username, a client address). An attempt is refused
/// when any of its keys already saw `limit` attempts in the last `window` seconds; refused attempts are not counted,
/// so a client that keeps hammering gets in again once its old attempts age out.
///
/// Memory is bounded by the number of keys seen within one window: stale keys are swept as the table grows.
public final class LoginThrottle: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private let clock: TimeSource
    private let state = Mutex<State>(State())

    private struct State {
        var attempts: [String: [Date]] = [:]
        /// Sweep stale keys when the table reaches this size (doubles with the live key count).
        var sweepAt = 1024
    }

    public init(limit: Int, window: TimeInterval = 60, clock: TimeSource = .system) {
        self.limit = max(limit, 1)
        self.window = window
        self.clock = clock
    }

    /// Records an attempt for every key and returns nil, or — when a key is over the limit — records nothing and
    /// returns the whole seconds (at least 1) until that key's oldest attempt leaves the window.
    public func attempt(_ keys: [String]) -> Int? {
        let now = clock.now()
        let horizon = now.addingTimeInterval(-window)
        return state.withLock { state in
            var wait: TimeInterval = 0
            for key in keys {
                let recent = (state.attempts[key] ?? []).filter { $0 > horizon }
                state.attempts[key] = recent.isEmpty ? nil : recent
                if recent.count >= limit, let oldest = recent.first {
                    wait = max(wait, oldest.timeIntervalSince(horizon))
                }
            }
            if wait > 0 { return max(1, Int(wait.rounded(.up))) }
            for key in keys { state.attempts[key, default: []].append(now) }
            if state.attempts.count >= state.sweepAt {
                state.attempts = state.attempts.filter { $0.value.last.map { $0 > horizon } ?? false }
                state.sweepAt = max(1024, state.attempts.count * 2)
            }
            return nil
        }
    }

    /// The keys of a login attempt: the username (any letter case) and the client address. Names longer than any
    /// valid username are cut, so a flood of huge names cannot grow the table's memory by much.
    public static func keys(username: String, address: String) -> [String] {
        let name = String(username.lowercased().prefix(AccountRules.usernameLengths.upperBound + 1))
        return ["user:" + name, "addr:" + address]
    }
}
