/// The `DatabaseTransaction` of a SQLite connection: hands out repositories bound to that connection.
/// Lives only for one `read`/`write` closure.
struct SQLiteTransaction: DatabaseTransaction {
    let connection: SQLiteConnection

    var users: any UserRepository { SQLiteUserRepository(connection: connection) }
    var tokens: any TokenRepository { SQLiteTokenRepository(connection: connection) }
    var tracks: any TrackRepository { SQLiteTrackRepository(connection: connection) }
    var playlists: any PlaylistRepository { SQLitePlaylistRepository(connection: connection) }
    var appPasswords: any AppPasswordRepository { SQLiteAppPasswordRepository(connection: connection) }
    var playQueues: any PlayQueueRepository { SQLitePlayQueueRepository(connection: connection) }
    var randomTracks: any RandomTrackRepository { SQLiteRandomTrackRepository(connection: connection) }
    var library: any LibraryRepository { SQLiteLibraryRepository(connection: connection) }
    var listening: any ListeningRepository { SQLiteListeningRepository(connection: connection) }
    var externalIdentities: any ExternalIdentityRepository { SQLiteExternalIdentityRepository(connection: connection) }
    var shares: any ShareRepository { SQLiteShareRepository(connection: connection) }
    var loginAttempts: any LoginAttemptRepository { SQLiteLoginAttemptRepository(connection: connection) }
    var leases: any LeaseRepository { SQLiteLeaseRepository(connection: connection) }
}
