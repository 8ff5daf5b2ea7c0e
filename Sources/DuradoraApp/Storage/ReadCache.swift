import Dispatch
import Synchronization

/// A small in-memory cache of values derived from database reads, emptied by every write transaction.
///
/// The rule that keeps it correct: take a `ticket()` *before* the reads a value comes from, and `store` it with
/// that ticket. A write that ends after the ticket was taken empties the cache and voids the ticket, so the value
/// is dropped; once `Database.write` has returned, no entry predates it. Other processes' commits (the CLI on the
/// same file) reach the observers a little later (about a second with SQLite). Entries also expire after
/// `maxAge`, for any writer a backend does not report.
///
/// Every write empties everything (a token's touch, a playlist edit): writes are rare next to reads, and knowing
/// which writes could change which entries is exactly the kind of cleverness that leaks a private track.
final class ReadCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    struct Ticket: Sendable {
        fileprivate let generation: UInt64
    }

    private struct Entry {
        let value: Value
        let storedAt: UInt64
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [Key: Entry] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let maxAgeNanoseconds: UInt64

    /// - Parameters:
    ///   - capacity: entries at most; storing into a full cache first drops the oldest entry.
    ///   - maxAge: seconds an entry is used at most.
    init(capacity: Int, maxAge: Double) {
        self.capacity = max(capacity, 1)
        self.maxAgeNanoseconds = UInt64(max(maxAge, 0) * 1e9)
    }

    /// Registers the cache with `database`, so each of its writes empties the cache.
    func invalidate(onWritesTo database: any Database) {
        database.observeWrites { [weak self] in self?.invalidateAll() }
    }

    /// Take before reading what will be stored.
    func ticket() -> Ticket {
        Ticket(generation: state.withLock { $0.generation })
    }

    /// Stores `value` unless a write ended since `ticket` was taken.
    func store(_ value: Value, for key: Key, ticket: Ticket) {
        let now = Self.now()
        // Values dropped here may own resources (open files): release them outside the lock.
        let dropped: Entry? = state.withLock { state in
            guard state.generation == ticket.generation else { return nil }
            var evicted: Entry?
            if state.entries[key] == nil, state.entries.count >= capacity,
               let oldest = state.entries.min(by: { $0.value.storedAt < $1.value.storedAt }) {
                evicted = state.entries.removeValue(forKey: oldest.key)
            }
            let replaced = state.entries.updateValue(Entry(value: value, storedAt: now), forKey: key)
            return replaced ?? evicted
        }
        _ = dropped
    }

    /// The value for `key`, unless absent or too old.
    func value(for key: Key) -> Value? {
        let now = Self.now()
        let (value, expired): (Value?, Entry?) = state.withLock { state in
            guard let entry = state.entries[key] else { return (nil, nil) }
            guard now &- entry.storedAt <= maxAgeNanoseconds else { return (nil, state.entries.removeValue(forKey: key)) }
            return (entry.value, nil)
        }
        _ = expired
        return value
    }

    /// Empties the cache and voids every ticket taken so far.
    func invalidateAll() {
        let dropped = state.withLock { state in
            state.generation &+= 1
            defer { state.entries.removeAll() }
            return state.entries
        }
        _ = dropped
    }

    var count: Int { state.withLock { $0.entries.count } }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
