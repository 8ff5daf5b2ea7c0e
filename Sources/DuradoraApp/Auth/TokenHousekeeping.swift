import Dispatch

/// Deletes expired tokens now and then, so the tokens table does not grow with every login forever.
/// (Revoked refresh tokens stay until they expire: reuse of one must still be recognised.) Owned and stopped by
/// `Application`, from the thread that starts and stops it.
final class TokenHousekeeping {
    private let queue = DispatchQueue(label: "duradora.token-housekeeping")
    private let timer: any DispatchSourceTimer

    /// Starts sweeping at once and then every `intervalSeconds`.
    init(tokens: TokenService, log: AccessLog, intervalSeconds: Int = 3600) {
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: .seconds(intervalSeconds), leeway: .seconds(60))
        timer.setEventHandler {
            do {
                let deleted = try tokens.deleteExpired()
                if deleted > 0 { log.log(.debug, "deleted expired tokens", [("count", "\(deleted)")]) }
            } catch {
                log.log(.warning, "token housekeeping failed", [("error", String(describing: error))])
            }
        }
        timer.resume()
    }

    /// Stops the timer and waits for a sweep in progress, so the database can be closed right after.
    func stop() {
        timer.cancel()
        queue.sync {}
    }
}
