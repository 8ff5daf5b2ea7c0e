/// The `DatabaseTransaction` of a PostgreSQL connection: hands out repositories bound to that connection.
/// Lives only for one `read`/`write` closure.
struct PostgresTransaction: DatabaseTransaction {
    let connection: PostgresConnection

    var users: any UserRepository { PostgresUserRepository(connection: connection) }
    var tokens: any TokenRepository { PostgresTokenRepository(connection: connection) }
    var tracks: any TrackRepository { PostgresTrackRepository(connection: connection) }
    var playlists: any PlaylistRepository { PostgresPlaylistRepository(connection: connection) }
    var appPasswords: any AppPasswordRepository { PostgresAppPasswordRepository(connection: connection) }
    var playQueues: any PlayQueueRepository { PostgresPlayQueueRepository(connection: connection) }
    var randomTracks: any RandomTrackRepository { PostgresRandomTrackRepository(connection: connection) }
    var library: any LibraryRepository { PostgresLibraryRepository(connection: connection) }
    var listening: any ListeningRepository { PostgresListeningRepository(connection: connection) }
    var externalIdentities: any ExternalIdentityRepository { PostgresExternalIdentityRepository(connection: connection) }
    var shares: any ShareRepository { PostgresShareRepository(connection: connection) }
    var loginAttempts: any LoginAttemptRepository { PostgresLoginAttemptRepository(connection: connection) }
    var leases: any LeaseRepository { PostgresLeaseRepository(connection: connection) }
}
