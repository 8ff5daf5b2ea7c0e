#if canImport(Glibc)
import Glibc
#endif

/// The head lines every response carries with the same value: `Date` (formatted once a second), `Server` and
/// `X-Content-Type-Options`, kept as ready bytes that the writer copies in one piece. One per event loop, used only
/// on that loop's queue (connections' queues target it), so it needs no lock: a shared one was contended by every
/// loop on every response.
final class CommonHeadLines: @unchecked Sendable {
    private let fixed: [UInt8]
    private var second: time_t = -1
    private var lines: [UInt8] = []

    init(serverName: String) {
        fixed = Array("Server: \(serverName)\r\nX-Content-Type-Options: nosniff\r\n".utf8)
    }

    /// The lines as of now.
    func current() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            lines = Array("Date: \(HTTPDate.format(Int64(now)))\r\n".utf8) + fixed
        }
        return lines
    }
}
