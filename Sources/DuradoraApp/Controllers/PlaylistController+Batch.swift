import Foundation

/// Several entry edits in one transaction, for APIs that send them together (Subsonic's `createPlaylist` and
/// `updatePlaylist`): either every removal and addition happens, or none.
extension PlaylistController {
    /// Removes the entries at `removing` (indexes into the entries the caller sees, as Subsonic counts them;
    /// every visible entry when `removingAll`), then appends `appending` in order. Each added track must be one
    /// the caller may see (404 `Song` otherwise); an index out of range is 422.
    public func editEntries(
        playlistID: UUID, caller: User, removing indexes: [Int] = [], removingAll: Bool = false, appending trackIDs: [UUID]
    ) throws -> PlaylistView {
        let (playlist, entries) = try database.write { transaction -> (Playlist, [PlaylistEntry]) in
            var playlist = try Self.editable(id: playlistID, caller: caller, in: transaction)
            let visible = try transaction.playlists.entries(of: playlistID).filter { TrackController.canSee($0.track, caller) }
            var removals = removingAll ? visible : []
            for index in Set(indexes) where !removingAll {
                guard visible.indices.contains(index) else {
                    throw APIError.invalidField("songIndexToRemove", "must be between 0 and \(visible.count - 1)")
                }
                removals.append(visible[index])
            }
            // From the bottom up, so the positions still to be removed do not shift.
            for entry in removals.sorted(by: { $0.position > $1.position }) {
                try transaction.playlists.deleteEntry(id: entry.id, playlistID: playlistID)
            }
            var position = try transaction.playlists.entryCount(of: playlistID)
            let now = clock.now().sqliteRounded
            for trackID in trackIDs {
                guard let track = try transaction.tracks.find(id: trackID), TrackController.canSee(track, caller) else {
                    throw APIError.notFound("Song")
                }
                try transaction.playlists.insertEntry(
                    id: UUID(), playlistID: playlistID, trackID: track.id, at: position, addedAt: now)
                position += 1
            }
            playlist.updatedAt = now
            try transaction.playlists.touch(id: playlistID, at: now)
            return (playlist, try transaction.playlists.entries(of: playlistID))
        }
        return Self.view(playlist, entries, caller)
    }
}
