#if canImport(Glibc)
import Glibc
#endif

/// Linux calls that Glibc's Swift module hides behind `_GNU_SOURCE`, bound by symbol name as C functions.
enum SystemCalls {
    typealias Accept4 = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    /// `accept4(2)`: accept and set `SOCK_NONBLOCK | SOCK_CLOEXEC` in one call (no race with exec, no extra fcntl).
    static let accept4: Accept4 = {
        guard let symbol = dlsym(nil, "accept4") else { fatalError("accept4 is missing from the C library") }
        return unsafeBitCast(symbol, to: Accept4.self)
    }()
}
