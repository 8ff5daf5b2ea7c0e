#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed socket call with the errno it left, captured before anything can overwrite it.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// Captures the current errno for `call`. Use it immediately after the failing syscall.
    static func make(_ call: String) -> SocketError {
        SocketError(call: call, errno: Glibc.errno)
    }

    /// The peer went away: the connection ends quietly, it is not a server fault.
    public var isDisconnect: Bool {
        errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN || errno == ETIMEDOUT
    }

    public var description: String { "\(call): \(String(cString: strerror(errno))) (errno \(errno))" }
}
