import Foundation

/// Adding, removing and reordering entries. Each edit is one write transaction (the database runs one at a time),
/// so concurrent edits of one playlist never lose an entry and positions stay 0, 1, 2, … throughout.
extension PlaylistController {
    /// `POST /api/v1/playlists/{id}/tracks`: the track at `position` (0 is the top; nil or the entry count: the
    /// end). The track must be one the caller may see; otherwise, like an unknown one, it is a 422 on `track_id`.
    public func addEntry(playlistID: UUID, caller: User, trackID: UUID, position: Int?) throws -> PlaylistEntry {
        try database.write { transaction in
            _ = try Self.editable(id: playlistID, caller: caller, in: transaction)
            guard let track = try transaction.tracks.find(id: trackID), TrackController.canSee(track, caller) else {
                throw APIError.invalidField("track_id", "no track with this id is visible to you")
            }
            let count = try transaction.playlists.entryCount(of: playlistID)
            let position = position ?? count
            guard (0...count).contains(position) else {
                throw APIError.invalidField("position", "must be between 0 and \(count) (the number of entries)")
            }
            let entry = PlaylistEntry(id: UUID(), position: position, track: track)
            let now = clock.now().sqliteRounded
            try transaction.playlists.insertEntry(
                id: entry.id, playlistID: playlistID, trackID: trackID, at: position, addedAt: now)
            try transaction.playlists.touch(id: playlistID, at: now)
            return entry
        }
    }

    /// `DELETE /api/v1/playlists/{id}/tracks/{entry_id}`: one entry; those after it move up one place.
    public func removeEntry(playlistID: UUID, entryID: UUID, caller: User) throws {
        try database.write { transaction in
            _ = try Self.editable(id: playlistID, caller: caller, in: transaction)
            do {
                try transaction.playlists.deleteEntry(id: entryID, playlistID: playlistID)
            } catch StorageError.notFound {
                throw APIError.notFound("Playlist entry")
            }
            try transaction.playlists.touch(id: playlistID, at: clock.now().sqliteRounded)
        }
    }

    /// `PUT /api/v1/playlists/{id}/tracks`: the new order, as every entry id the caller sees, each once.
    /// 422 when the list repeats an id (never a permutation); 409 `stale_entries` when it is not exactly the
    /// current entries (someone added or removed one meanwhile): nothing changes then. Entries whose tracks the
    /// caller can no longer see keep their places; the listed ones fill the other places in the given order.
    public func reorder(playlistID: UUID, caller: User, entryIDs: [UUID]) throws -> PlaylistView {
        guard Set(entryIDs).count == entryIDs.count else {
            throw APIError.invalidField("entry_ids", "must list each entry once; an id appears twice")
        }
        let (playlist, entries) = try database.write { transaction -> (Playlist, [PlaylistEntry]) in
            var playlist = try Self.editable(id: playlistID, caller: caller, in: transaction)
            let entries = try transaction.playlists.entries(of: playlistID)
            let visible = entries.filter { TrackController.canSee($0.track, caller) }
            guard Set(visible.map(\.id)) == Set(entryIDs) else {
                throw APIError.conflict(
                    "stale_entries",
                    "entry_ids must be exactly the playlist's current \(visible.count) entries; reload it and try again.")
            }
            let slots = visible.map(\.position)
            let moves = zip(entryIDs, slots).map { (entryID: $0, position: $1) }
            try transaction.playlists.setPositions(moves, playlistID: playlistID)
            playlist.updatedAt = clock.now().sqliteRounded
            try transaction.playlists.touch(id: playlistID, at: playlist.updatedAt)
            let newPositions = Dictionary(uniqueKeysWithValues: moves.map { ($0.entryID, $0.position) })
            let reordered = entries.map { entry in
                PlaylistEntry(id: entry.id, position: newPositions[entry.id] ?? entry.position, track: entry.track)
            }.sorted { $0.position < $1.position }
            return (playlist, reordered)
        }
        return Self.view(playlist, entries, caller)
    }
}
