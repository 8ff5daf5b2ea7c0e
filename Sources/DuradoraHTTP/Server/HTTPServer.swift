import Dispatch
import Foundation
import Synchronization

/// A plain handler for every request, run on a worker: returns the response and the route label for logs/metrics.
public typealias Responder = @Sendable (Request) -> (response: Response, route: String)

/// State shared by the listener, the connections and the sweep.
final class ServerCore: @unchecked Sendable {
    let configuration: ServerConfiguration
    /// Called on the event loop for each request head: answers inline routes at once, or returns worker work.
    let route: @Sendable (Request) -> RoutedRequest
    let observer: (@Sendable (ExchangeRecord) -> Void)?
    let workers: WorkerPool
    /// Connections are spread over these, round-robin: a fixed set of event loops like NIO's, opened by
    /// `openEventLoops()` before the first connection. Their serial queues have no target, so they run on
    /// Dispatch's overcommitting pool: socket I/O never waits behind code that blocks threads of the
    /// width-limited default pool (Swift concurrency, other libraries).
    private(set) var eventLoops: [EventLoop] = []
    /// One per event loop, same index (see `CommonHeadLines`).
    private(set) var headLines: [CommonHeadLines] = []
    private let connections = Mutex<[Int: Connection]>([:])
    /// Open connections per peer address, for `maxConnectionsPerAddress`; guarded by the `connections` lock.
    private var perAddress: [String: Int] = [:]
    private let nextId = Atomic<Int>(0)
    private let requestCounter = Atomic<UInt64>(0)
    /// `<random hex>-`: every request id starts with it, so ids from two runs of the server do not collide.
    private let requestPrefix = Array((String(UInt32.random(in: .min ... .max), radix: 16) + "-").utf8)
    let drained = DispatchSemaphore(value: 0)
    let isDraining = Atomic<Bool>(false)

    init(configuration: ServerConfiguration, route: @escaping @Sendable (Request) -> RoutedRequest,
         observer: (@Sendable (ExchangeRecord) -> Void)?) {
        self.configuration = configuration
        self.route = route
        self.observer = observer
        self.workers = WorkerPool(threadCount: configuration.workerThreads, maxQueued: configuration.maxQueuedRequests)
    }

    /// Called once by `HTTPServer.start()`, before the listener admits anyone.
    func openEventLoops() throws {
        guard eventLoops.isEmpty else { return }
        let count = configuration.eventLoops > 0 ? configuration.eventLoops : Processors.available
        eventLoops = try (0..<max(1, count)).map { index throws(SocketError) in try EventLoop(label: "duradora.loop.\(index)") }
        headLines = eventLoops.map { _ in CommonHeadLines(serverName: configuration.serverName) }
    }

    /// The prefix and a counter in hex, written as bytes into the string's own storage (at most 25 bytes; up to
    /// 15 the string is stored inline, without an allocation): interpolation cost two intermediate Strings.
    func makeRequestId() -> String {
        var number = requestCounter.wrappingAdd(1, ordering: .relaxed).newValue
        var digits = 1
        while number >> (4 * digits) != 0 && digits < 16 { digits += 1 }
        return String(unsafeUninitializedCapacity: requestPrefix.count + digits) { buffer in
            _ = buffer.initialize(from: requestPrefix)
            for position in stride(from: requestPrefix.count + digits - 1, through: requestPrefix.count, by: -1) {
                buffer[position] = Self.hexDigits[Int(number & 0xF)]
                number >>= 4
            }
            return requestPrefix.count + digits
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    var openConnections: Int { connections.withLock { $0.count } }
    var allConnections: [Connection] { connections.withLock { Array($0.values) } }

    /// Registers a new connection, or returns false when `max_connections` is reached, or the peer's own share
    /// (`maxConnectionsPerAddress`): one address cannot take every slot the server has.
    func admit(socket: Socket, peer: String) -> Bool {
        let id = nextId.wrappingAdd(1, ordering: .relaxed).newValue
        let connection = Connection(id: id, socket: socket, peer: peer, server: self)
        let capped = configuration.maxConnectionsPerAddress > 0
            && !(IPAddress(peer).map(configuration.trustedProxies.contains) ?? false)
        let admitted = connections.withLock { table -> Bool in
            guard table.count < configuration.maxConnections else { return false }
            if capped {
                let open = perAddress[peer, default: 0]
                guard open < configuration.maxConnectionsPerAddress else { return false }
                perAddress[peer] = open + 1
            }
            table[id] = connection
            return true
        }
        if admitted { connection.start() }
        return admitted
    }

    func connectionClosed(_ connection: Connection) {
        let remaining = connections.withLock { table -> Int in
            guard table.removeValue(forKey: connection.id) != nil else { return table.count }
            if let open = perAddress[connection.peer] {
                perAddress[connection.peer] = open > 1 ? open - 1 : nil
            }
            return table.count
        }
        if remaining == 0 && isDraining.load(ordering: .relaxed) { drained.signal() }
    }

    func report(exchange: Exchange, completed: Bool, eventLoop: Int) {
        guard let observer, exchange.request.method.rawValue != "-" || exchange.writer != nil else { return }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds &- exchange.startedAt) / 1e9
        observer(ExchangeRecord(
            requestId: exchange.request.id, method: exchange.request.method, target: exchange.request.loggableTarget,
            route: exchange.route, status: exchange.writer?.status.code ?? 0, bytesSent: exchange.writer?.bodyBytesSent ?? 0,
            durationSeconds: elapsed, remoteAddress: exchange.request.remoteAddress, completed: completed,
            eventLoop: eventLoop))
    }
}

/// Our HTTP/1.1 server: a listener, connections on epoll event loops, handlers on a worker pool.
public final class HTTPServer: @unchecked Sendable {
    private let core: ServerCore
    private let listener: Mutex<Listener?> = Mutex(nil)
    /// Set in `start`, cancelled in `shutdown`; both are called from the owner's thread.
    private var sweep: DispatchSourceTimer?

    /// A server that runs `responder` on a worker for every request.
    public convenience init(configuration: ServerConfiguration, observer: (@Sendable (ExchangeRecord) -> Void)? = nil,
                            responder: @escaping Responder) {
        self.init(configuration: configuration, observer: observer, route: { request in .onWorker { responder(request) } })
    }

    /// A server that answers with `router` (its inline routes on the event loops, the rest on workers).
    public convenience init(configuration: ServerConfiguration, router: Router, observer: (@Sendable (ExchangeRecord) -> Void)? = nil) {
        self.init(configuration: configuration, observer: observer, route: { request in router.route(request) })
    }

    private init(configuration: ServerConfiguration, observer: (@Sendable (ExchangeRecord) -> Void)?,
                 route: @escaping @Sendable (Request) -> RoutedRequest) {
        core = ServerCore(configuration: configuration, route: route, observer: observer)
    }

    /// A server dropped without `shutdown` (or whose `start` failed after opening its loops) still ends its loops'
    /// threads: each holds a Dispatch thread for as long as it runs.
    deinit {
        core.eventLoops.forEach { $0.stop() }
    }

    /// Binds and starts accepting; returns the bound port (the kernel's choice when configured with 0).
    @discardableResult
    public func start() throws -> Int {
        // sendfile(2) has no MSG_NOSIGNAL: a client that hangs up mid-file would kill the process with SIGPIPE.
        // Ignoring it turns that into EPIPE, which the connection handles like any other reset.
        signal(SIGPIPE, SIG_IGN)
        let configuration = core.configuration
        try core.openEventLoops()
        let listener = try Listener(host: configuration.host, port: configuration.port)
        let refusalBody = #"{"error":{"code":"too_many_connections","message":"Too many open connections."}}"#
        let refusal = Array(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Retry-After: 1\r\nConnection: close\r\nContent-Length: \(refusalBody.utf8.count)\r\n\r\n" + refusalBody).utf8)
        let core = self.core
        listener.start(refusal: refusal) { socket, peer in
            if !core.admit(socket: socket, peer: peer) {
                refusal.withUnsafeBytes { _ = try? socket.write($0) }
                socket.close()
            }
        }
        self.listener.withLock { $0 = listener }
        startSweep()
        return listener.port
    }

    public var port: Int { listener.withLock { $0?.port ?? 0 } }
    public var openConnections: Int { core.openConnections }
    public var workerLoad: Int { core.workers.load }

    /// Stops accepting, lets in-flight exchanges finish within the grace period, closes the rest.
    public func shutdown(graceSeconds: Double? = nil) {
        let grace = graceSeconds ?? core.configuration.shutdownGraceSeconds
        listener.withLock { listener in
            listener?.stop()
            listener = nil
        }
        core.isDraining.store(true, ordering: .relaxed)
        let connections = core.allConnections
        if !connections.isEmpty {
            connections.forEach { $0.beginShutdown() }
            if core.drained.wait(timeout: .now() + grace) == .timedOut {
                core.allConnections.forEach { $0.forceClose() }
                _ = core.drained.wait(timeout: .now() + 1)
            }
        }
        sweep?.cancel()
        sweep = nil
        core.eventLoops.forEach { $0.stop() }
        core.workers.stop()
    }

    /// Once a second, asks connections whose deadline passed to check their timeout.
    private func startSweep() {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "duradora.sweep"))
        timer.schedule(deadline: .now() + 1, repeating: .milliseconds(500), leeway: .milliseconds(100))
        let core = self.core
        timer.setEventHandler {
            let now = DispatchTime.now().uptimeNanoseconds
            for connection in core.allConnections {
                let due = connection.deadline.load(ordering: .relaxed)
                if due != 0 && now >= due { connection.checkTimeout(now: now) }
            }
        }
        timer.resume()
        sweep = timer
    }
}
