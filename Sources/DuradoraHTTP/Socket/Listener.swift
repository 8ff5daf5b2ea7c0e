#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// A non-blocking listening socket whose read source accepts connections until `EAGAIN`.
/// When the process runs out of descriptors it still answers: a reserved descriptor is freed, the pending
/// connection is accepted, told 503 and closed, and the reserve is taken again — never a crash or a busy loop.
final class Listener: @unchecked Sendable {
    /// Called on the listener's queue for each accepted connection.
    typealias AcceptHandler = (_ socket: Socket, _ peer: String) -> Void

    let port: Int
    private let socket: Socket
    private let queue = DispatchQueue(label: "duradora.accept")
    private var source: DispatchSourceRead?
    private var reserveDescriptor: Int32 = -1

    init(host: String, port: Int, backlog: Int32 = 1024) throws(SocketError) {
        let address = try SocketAddress.resolve(host: host, port: port)
        let descriptor = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .make("socket") }
        let socket = Socket(descriptor: descriptor)
        try socket.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
        if address.family == AF_INET6 {
            // "::" serves IPv4 too unless the system forbids dual-stack sockets.
            try? socket.setOption(level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 0)
        }
        var storage = address.storage
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, address.length) }
        }
        guard bound == 0 else { throw .make("bind") }
        guard listen(descriptor, backlog) == 0 else { throw .make("listen") }
        try socket.setNonBlocking()
        self.socket = socket
        self.port = SocketAddress.localPort(of: descriptor)
        reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    deinit {
        if reserveDescriptor >= 0 { Glibc.close(reserveDescriptor) }
    }

    /// Starts accepting; `refusal` is the raw response written to connections refused for lack of descriptors.
    func start(refusal: [UInt8], onAccept: @escaping AcceptHandler) {
        let source = DispatchSource.makeReadSource(fileDescriptor: socket.descriptor, queue: queue)
        source.setEventHandler { [weak self] in self?.acceptPending(refusal: refusal, onAccept: onAccept) }
        source.setCancelHandler { [socket] in socket.close() }
        self.source = source
        source.resume()
    }

    /// Stops accepting and closes the listening socket. Idempotent.
    func stop() {
        queue.sync {
            source?.cancel()
            source = nil
        }
    }

    private func acceptPending(refusal: [UInt8], onAccept: AcceptHandler) {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    SystemCalls.accept4(socket.descriptor, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            if descriptor >= 0 {
                let accepted = Socket(descriptor: descriptor)
                accepted.setNoDelay()
                onAccept(accepted, SocketAddress.describe(storage))
                continue
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO: continue
            case EMFILE, ENFILE: refuseWithReserve(refusal)
            default: return  // EAGAIN: drained; anything else: try again on the next event
            }
            return
        }
    }

    private func refuseWithReserve(_ refusal: [UInt8]) {
        guard reserveDescriptor >= 0 else { return }
        Glibc.close(reserveDescriptor)
        let descriptor = SystemCalls.accept4(socket.descriptor, nil, nil, Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue))
        if descriptor >= 0 {
            refusal.withUnsafeBytes { _ = send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            Glibc.close(descriptor)
        }
        reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }
}
