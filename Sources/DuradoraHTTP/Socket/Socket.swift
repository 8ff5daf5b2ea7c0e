#if canImport(Glibc)
import Glibc
#endif

/// The result of a non-blocking read or write.
enum IOResult: Equatable {
    case transferred(Int)
    case wouldBlock
    case endOfFile
}

/// One non-blocking socket file descriptor. Not thread-safe: a connection uses it from its own queue only.
/// Every syscall on sockets lives in this folder.
final class Socket {
    let descriptor: Int32
    private(set) var isClosed = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close() }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = Glibc.close(descriptor)
    }

    func setNonBlocking() throws(SocketError) {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else { throw .make("fcntl") }
    }

    func setOption(level: Int32, name: Int32, value: Int32) throws(SocketError) {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw .make("setsockopt")
        }
    }

    /// Disables Nagle's algorithm: responses leave as soon as they are written (no 40 ms delayed-ACK stalls).
    func setNoDelay() {
        try? setOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
    }

    /// `recv`, not `read`: a socket read through the file layer paid for it (the file position lookup, the
    /// iterator set-up) on every request (perf: ~2 % of a `/health` request's kernel time beside nginx's `recv`).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> IOResult {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return .transferred(count) }
            if count == 0 { return .endOfFile }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: throw .make("recv")
            }
        }
    }

    /// Writes one buffer (a head and its small body, the usual response): `send`, with no vector to build.
    func write(_ buffer: UnsafeRawBufferPointer) throws(SocketError) -> IOResult {
        guard buffer.count > 0 else { return .transferred(0) }
        return try sending("send") { send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Writes from several buffers in one syscall; `moreFollows` sets MSG_MORE (a per-call TCP_CORK), so a head
    /// followed by a small `sendfile` leaves in the same segment.
    func write(_ buffers: [UnsafeRawBufferPointer], moreFollows: Bool = false) throws(SocketError) -> IOResult {
        var vectors: [iovec] = []
        vectors.reserveCapacity(buffers.count)
        for buffer in buffers where buffer.count > 0 {
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), iov_len: buffer.count))
        }
        if vectors.isEmpty { return .transferred(0) }
        let flags = Int32(MSG_NOSIGNAL) | (moreFollows ? Int32(MSG_MORE) : 0)
        return try sending("sendmsg") {
            vectors.withUnsafeMutableBufferPointer { vectorBuffer -> Int in
                var message = msghdr()
                message.msg_iov = vectorBuffer.baseAddress
                message.msg_iovlen = vectorBuffer.count
                return sendmsg(descriptor, &message, flags)
            }
        }
    }

    /// Runs a `send`-like call (`call` names it in errors) again when interrupted: the bytes it took, or
    /// `.wouldBlock` when the socket's buffer is full.
    private func sending(_ call: String, _ attempt: () -> Int) throws(SocketError) -> IOResult {
        while true {
            let count = attempt()
            if count >= 0 { return .transferred(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: throw .make(call)
            }
        }
    }

    /// Sends up to `count` bytes of `file` starting at `offset` without copying them through user space.
    func sendFile(_ file: Int32, offset: Int64, count: Int) throws(SocketError) -> IOResult {
        var position = off_t(offset)
        while true {
            let sent = Glibc.sendfile(descriptor, file, &position, count)
            if sent > 0 { return .transferred(sent) }
            if sent == 0 { return .endOfFile }  // the file shrank under us
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: throw .make("sendfile")
            }
        }
    }

    /// Half-closes the sending side so the peer sees our last bytes before the FIN.
    func shutdownWrite() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
    }
}
