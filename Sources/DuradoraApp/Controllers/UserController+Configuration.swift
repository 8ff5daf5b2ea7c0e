import Foundation

extension UserController {
    /// The controller as `[auth]` configures it, over `database`; `trackAudio` is where a deleted user's tracks'
    /// audio is removed from (the CLI, which deletes no user, has none). Shared by the server and the CLI.
    static func make(
        configuration: Configuration, database: any Database, trackAudio: TrackAudioStore? = nil,
        clock: TimeSource = .system
    ) throws -> UserController {
        let auth = configuration.auth
        let tokens = TokenService(
            database: database,
            configuration: .init(accessTTL: TimeInterval(auth.accessTTLSeconds), refreshTTL: TimeInterval(auth.refreshTTLSeconds)),
            clock: clock)
        // The two enums list the same libsodium presets under the same names.
        let cost = PasswordHasher.Cost(rawValue: auth.passwordHashCost.rawValue) ?? .interactive
        return UserController(
            database: database, tokens: tokens, hasher: try PasswordHasher(cost: cost),
            throttle: LoginThrottle(limit: auth.loginAttemptsPerMinute, clock: clock,
                                    shared: database.isShared ? database : nil),
            settings: Settings(
                openRegistration: auth.openRegistration,
                keepTracksOfDeletedUsers: configuration.library.keepTracksOfDeletedUsers),
            clock: clock, trackAudio: trackAudio)
    }
}
