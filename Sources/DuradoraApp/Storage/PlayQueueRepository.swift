import Foundation

/// A user's saved play queue (Subsonic `savePlayQueue`/`getPlayQueue`): resume listening on another device.
public struct PlayQueue: Sendable, Equatable {
    public var trackIDs: [UUID]
    /// The track playing when it was saved (one of `trackIDs`, or nil).
    public var currentID: UUID?
    public var positionMilliseconds: Int
    public var changedAt: Date
    /// The client that saved it (Subsonic's `c`).
    public var changedBy: String

    public init(trackIDs: [UUID], currentID: UUID?, positionMilliseconds: Int, changedAt: Date, changedBy: String) {
        self.trackIDs = trackIDs
        self.currentID = currentID
        self.positionMilliseconds = positionMilliseconds
        self.changedAt = changedAt
        self.changedBy = changedBy
    }
}

/// Saved play queues, whatever the backend. Get one from `DatabaseTransaction.playQueues`.
public protocol PlayQueueRepository {
    /// The user's queue (entries whose tracks were deleted are gone); nil when none was saved.
    func find(userID: UUID) throws -> PlayQueue?

    /// Replaces the user's queue; an empty `trackIDs` deletes it. Throws `StorageError.notFound` when a track
    /// or the user does not exist.
    func save(_ queue: PlayQueue, userID: UUID) throws
}
