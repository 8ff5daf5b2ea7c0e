import Dispatch

/// One request/response on a connection, from its head to the last byte of its answer.
/// Touched only on its connection's queue; it crosses to a worker only as an identity to hand back.
final class Exchange: @unchecked Sendable {
    let request: Request
    /// Uptime in nanoseconds when its event loop's batch that read the head began.
    let startedAt: UInt64
    /// All body events were pulled from the parser (or the body was abandoned).
    var isBodyDone = false
    /// The handler answered and the response was fully written.
    var isResponseDone = false
    var writer: ResponseWriter?
    var route = "unmatched"
    var keepAlive: Bool
    var sentContinue = false
    /// The handler answered before the body ended: remaining body bytes are read and dropped, up to a limit.
    var isDiscardingBody = false
    var discardedBytes = 0

    init(request: Request, keepAlive: Bool, startedAt: UInt64) {
        self.request = request
        self.keepAlive = keepAlive
        self.startedAt = startedAt
    }
}
