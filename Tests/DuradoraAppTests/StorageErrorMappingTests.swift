import Foundation
import Testing
@testable import DuradoraApp

/// Both backends answer a taken key and a missing referenced row with the same `StorageError`, repository by
/// repository (SQLite from its constraint codes, PostgreSQL from SQLSTATE 23505/23503), and leave the
/// transaction usable after it.
@Suite struct StorageErrorMappingTests {
    private let now = Date(timeIntervalSince1970: 1_700_000_000)

    private func track(owner: UUID?) -> Track {
        Track(id: UUID(), ownerID: owner, metadata: TrackMetadata(title: "T", artist: "A", album: "B"),
              visibility: .public, status: .empty, createdAt: now, updatedAt: now)
    }

    @Test(arguments: Backend.allCases) func takenKeysAreConflictsAndMissingRowsNotFound(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let missing = UUID()
        try test.database.write { (tx: any DatabaseTransaction) throws in
            let user = try tx.users.create(username: "owner", role: .user, passwordHash: nil, createdAt: now)
            let token = StoredToken(id: UUID(), userID: user.id, kind: .api, hash: [7], familyID: nil, expiresAt: nil,
                                    revokedAt: nil, createdAt: now, lastUsedAt: nil)
            try tx.tokens.insert(token)
            var twin = token
            twin.id = UUID()
            #expect(throws: StorageError.conflict(field: "token")) { try tx.tokens.insert(twin) }
            var orphan = token
            (orphan.id, orphan.userID, orphan.hash) = (UUID(), missing, [8])
            #expect(throws: StorageError.notFound) { try tx.tokens.insert(orphan) }

            let password = AppPassword(id: UUID(), userID: user.id, name: "phone", sealed: [1], lookupHash: [2], createdAt: now)
            try tx.appPasswords.insert(password)
            #expect(throws: StorageError.conflict(field: "app_password")) {
                try tx.appPasswords.insert(AppPassword(id: UUID(), userID: user.id, name: "x", sealed: [1], lookupHash: [2],
                                                       createdAt: now))
            }
            #expect(throws: StorageError.notFound) {
                try tx.appPasswords.insert(AppPassword(id: UUID(), userID: missing, name: "x", sealed: [1], lookupHash: [3],
                                                       createdAt: now))
            }

            try tx.externalIdentities.link(provider: "p", subject: "s", userID: user.id, createdAt: now)
            #expect(throws: StorageError.conflict(field: "external_identity")) {
                try tx.externalIdentities.link(provider: "p", subject: "s", userID: user.id, createdAt: now)
            }

            let song = track(owner: user.id)
            try tx.tracks.insert(song)
            #expect(throws: StorageError.conflict(field: "id")) { try tx.tracks.insert(song) }
            #expect(throws: StorageError.notFound) { try tx.tracks.insert(track(owner: missing)) }
            #expect(throws: StorageError.notFound) { try tx.tracks.update(track(owner: user.id)) }

            let playlist = Playlist(id: UUID(), ownerID: user.id, ownerName: "", name: "P", description: nil,
                                    visibility: .private, shareToken: nil, createdAt: now, updatedAt: now)
            try tx.playlists.insert(playlist)
            #expect(throws: StorageError.conflict(field: "id")) { try tx.playlists.insert(playlist) }
            var stray = playlist
            (stray.id, stray.ownerID) = (UUID(), missing)
            #expect(throws: StorageError.notFound) { try tx.playlists.insert(stray) }
            #expect(throws: StorageError.notFound) {
                try tx.playlists.insertEntry(id: UUID(), playlistID: playlist.id, trackID: missing, at: 0, addedAt: now)
            }

            #expect(throws: StorageError.notFound) {
                try tx.shares.create(Share(id: UUID(), token: "t", ownerID: user.id, description: nil, createdAt: now,
                                           expiresAt: nil, trackIDs: [missing]))
            }
            #expect(throws: StorageError.notFound) {
                try tx.playQueues.save(PlayQueue(trackIDs: [missing], currentID: nil, positionMilliseconds: 0,
                                                 changedAt: now, changedBy: "c"), userID: user.id)
            }
            #expect(throws: StorageError.notFound) { try tx.listening.star(.albums, id: missing, userID: user.id, at: now) }
            try tx.listening.star(.tracks, id: song.id, userID: user.id, at: now)
            try tx.listening.star(.tracks, id: song.id, userID: user.id, at: now)  // a second star keeps the first
            #expect(throws: StorageError.notFound) { try tx.library.setCover("x", ofAlbum: missing) }

            // Every failure above undid only itself: the rows written in between are all there.
            #expect(try tx.playlists.entryCount(of: playlist.id) == 0)
            #expect(try tx.listening.starredTracks(userID: user.id, limit: 10).map(\.id) == [song.id])
        }
        try test.database.read { (tx: any DatabaseTransaction) throws in
            #expect(try tx.users.count() == 1)
            #expect(try tx.tracks.count() == 1)
            let owner = try #require(try tx.users.find(username: "owner"))
            #expect(try tx.appPasswords.list(userID: owner.id).count == 1)
            #expect(try tx.externalIdentities.user(provider: "p", subject: "s")?.username == "owner")
        }
    }
}
