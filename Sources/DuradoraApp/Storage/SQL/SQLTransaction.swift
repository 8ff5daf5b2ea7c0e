/// The `DatabaseTransaction` of one connection of either backend: hands out repositories bound to that
/// connection. Lives only for one `read`/`write` closure. Reached as `any DatabaseTransaction`, so its getters are
/// generic code: `@_specialize` gives SQLite a copy that makes its repositories with static metadata (see
/// `SQLSession`).
struct SQLTransaction<Session: SQLSession>: DatabaseTransaction {
    let connection: Session

    var users: any UserRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLUserRepository(connection: connection) }
    }
    var tokens: any TokenRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLTokenRepository(connection: connection) }
    }
    var tracks: any TrackRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLTrackRepository(connection: connection) }
    }
    var playlists: any PlaylistRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLPlaylistRepository(connection: connection) }
    }
    var appPasswords: any AppPasswordRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLAppPasswordRepository(connection: connection) }
    }
    var playQueues: any PlayQueueRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLPlayQueueRepository(connection: connection) }
    }
    var randomTracks: any RandomTrackRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLRandomTrackRepository(connection: connection) }
    }
    var library: any LibraryRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLLibraryRepository(connection: connection) }
    }
    var listening: any ListeningRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLListeningRepository(connection: connection) }
    }
    var externalIdentities: any ExternalIdentityRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLExternalIdentityRepository(connection: connection) }
    }
    var shares: any ShareRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLShareRepository(connection: connection) }
    }
    var loginAttempts: any LoginAttemptRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLLoginAttemptRepository(connection: connection) }
    }
    var leases: any LeaseRepository {
        @_specialize(where Session == SQLiteConnection) get { SQLLeaseRepository(connection: connection) }
    }
}
