import Foundation
import Synchronization

/// Who is playing what, in memory: one entry per user, replaced by their next "now playing", gone when they finish
/// the track or when it would have ended (its duration plus a minute; ten minutes without one). Lost on restart,
/// like every client's idea of "now".
public final class NowPlayingBoard: Sendable {
    public struct Entry: Sendable, Equatable {
        public var user: User
        public var track: Track
        public var startedAt: Date
    }

    private let entries = Mutex<[UUID: Entry]>([:])

    public init() {}

    func start(_ track: Track, by user: User, at date: Date) {
        entries.withLock { $0[user.id] = Entry(user: user, track: track, startedAt: date) }
    }

    func finish(_ trackID: UUID, by user: User) {
        entries.withLock { entries in
            if entries[user.id]?.track.id == trackID { entries[user.id] = nil }
        }
    }

    /// Entries still playing at `date`, latest first (expired ones are dropped).
    func entries(at date: Date) -> [Entry] {
        entries.withLock { entries in
            entries = entries.filter { date < $0.value.startedAt.addingTimeInterval(Self.lifetime(of: $0.value.track)) }
            return entries.values.sorted { $0.startedAt > $1.startedAt }
        }
    }

    private static func lifetime(of track: Track) -> TimeInterval {
        track.audio.map { $0.durationSeconds + 60 } ?? 600
    }
}
