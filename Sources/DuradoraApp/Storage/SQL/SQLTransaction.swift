/// The `DatabaseTransaction` of one connection of either backend: hands out repositories bound to that
/// connection. Lives only for one `read`/`write` closure.
struct SQLTransaction<Session: SQLSession>: DatabaseTransaction {
    let connection: Session

    var users: any UserRepository { SQLUserRepository(connection: connection) }
    var tokens: any TokenRepository { SQLTokenRepository(connection: connection) }
    var tracks: any TrackRepository { SQLTrackRepository(connection: connection) }
    var playlists: any PlaylistRepository { SQLPlaylistRepository(connection: connection) }
    var appPasswords: any AppPasswordRepository { SQLAppPasswordRepository(connection: connection) }
    var playQueues: any PlayQueueRepository { SQLPlayQueueRepository(connection: connection) }
    var randomTracks: any RandomTrackRepository { SQLRandomTrackRepository(connection: connection) }
    var library: any LibraryRepository { SQLLibraryRepository(connection: connection) }
    var listening: any ListeningRepository { SQLListeningRepository(connection: connection) }
    var externalIdentities: any ExternalIdentityRepository { SQLExternalIdentityRepository(connection: connection) }
    var shares: any ShareRepository { SQLShareRepository(connection: connection) }
    var loginAttempts: any LoginAttemptRepository { SQLLoginAttemptRepository(connection: connection) }
    var leases: any LeaseRepository { SQLLeaseRepository(connection: connection) }
}
