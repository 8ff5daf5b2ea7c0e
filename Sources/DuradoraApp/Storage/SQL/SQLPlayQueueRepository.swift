import Foundation

/// `PlayQueueRepository` on one connection of either backend, inside the caller's transaction.
struct SQLPlayQueueRepository<Session: SQLSession>: PlayQueueRepository {
    let connection: Session

    @_specialize(where Session == SQLiteConnection)
    func find(userID: UUID) throws -> PlayQueue? {
        guard let head = try connection.queryFirst(
            "SELECT current_id, position_ms, changed_at, changed_by FROM play_queues WHERE user_id = ?", [userID],
            row: { row in
                (current: try row.string(named: "current_id").flatMap(UUID.init(uuidString:)),
                 position: try row.int(named: "position_ms"), changedAt: try row.date(named: "changed_at"),
                 changedBy: try row.string(named: "changed_by") ?? "")
            })
        else { return nil }
        let ids = try connection.query(
            "SELECT track_id FROM play_queue_entries WHERE user_id = ? ORDER BY position", [userID]
        ) { try $0.uuid(named: "track_id") }
        return PlayQueue(trackIDs: ids, currentID: head.current, positionMilliseconds: head.position,
                         changedAt: head.changedAt, changedBy: head.changedBy)
    }

    @_specialize(where Session == SQLiteConnection)
    func save(_ queue: PlayQueue, userID: UUID) throws {
        // Entries go with their queue (ON DELETE CASCADE).
        try connection.execute("DELETE FROM play_queues WHERE user_id = ?", [userID])
        guard !queue.trackIDs.isEmpty else { return }
        try connection.guarded(conflictField: nil) {
            try connection.execute(
                "INSERT INTO play_queues (user_id, current_id, position_ms, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)",
                [userID, queue.currentID, queue.positionMilliseconds, queue.changedAt, queue.changedBy])
            for (position, trackID) in queue.trackIDs.enumerated() {
                try connection.execute(
                    "INSERT INTO play_queue_entries (user_id, position, track_id) VALUES (?, ?, ?)",
                    [userID, position, trackID])
            }
        }
    }
}
