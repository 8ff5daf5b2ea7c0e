import Dispatch
import Synchronization

/// One client connection: a small state machine run on its event loop's thread, driven by the loop's socket
/// events (edge-triggered: each event means "something changed", so the connection reads or writes until the
/// socket would block) and the server's timeout sweep. Requests are answered one at a time in order, so
/// pipelined requests simply wait in the parser's buffer. Nothing here blocks.
final class Connection: @unchecked Sendable, EventLoopClient, RequestBodyOwner {
    enum State {
        case awaitingHead
        case exchange(Exchange)
        case closed
    }

    let id: Int
    let socket: Socket
    /// The socket's peer address (no port); `Request.remoteAddress` is the client behind it (`TrustedProxies`).
    let peer: String
    let loop: EventLoop
    /// Which of the server's event loops `loop` is (for per-loop state: `headLines`, metrics' shards).
    let loopIndex: Int
    /// `loop`'s common head lines (used on the loop only, like everything here).
    private let headLines: CommonHeadLines
    // Strong: a handler still running on a worker after shutdown may come back to this connection and its server.
    let server: ServerCore
    var parser: RequestParser
    var state = State.awaitingHead
    /// We want to read (not while a request body is over its high-water mark, nor while a response is going).
    var isReading = false
    /// We wait for the socket to take more of a response.
    var isWaitingToWrite = false
    /// The kernel may have bytes for us: set by a readable event, cleared when a read would block.
    var mayRead = true
    private var isReadScheduled = false
    /// The kernel said the peer closed (or the socket failed): read on to the end-of-stream, short reads or not.
    private var peerHungUp = false
    /// `process()` is running (further down this call stack).
    private var isProcessing = false
    var peerClosedRead = false
    var isShuttingDown = false
    private var interim: [UInt8] = []
    /// Uptime in nanoseconds after which the sweep calls `timeoutFired`; 0 = no deadline.
    let deadline = Atomic<UInt64>(0)
    enum TimeoutKind { case none, idle, read, write }
    var timeoutKind = TimeoutKind.none
    /// Body bytes received since the current read window opened.
    var windowBytes = 0

    private static let maxDiscardBytes = 1 << 20

    init(id: Int, socket: Socket, peer: String, server: ServerCore) {
        self.id = id
        self.socket = socket
        self.peer = peer
        self.server = server
        self.parser = RequestParser(limits: server.configuration.limits)
        loopIndex = id % server.eventLoops.count
        self.loop = server.eventLoops[loopIndex]
        headLines = server.headLines[loopIndex]
    }

    func start() {
        loop.execute { [self] in
            do {
                try loop.register(socket.descriptor, for: self)
            } catch {
                state = .closed
                socket.close()
                server.connectionClosed(self)
                return
            }
            setReading(true)
            arm(.idle)
        }
    }

    /// From the event loop: see `EventLoopClient`.
    func socketEvents(readable: Bool, writable: Bool, hungUp: Bool) {
        if readable { mayRead = true }
        if hungUp { peerHungUp = true }
        if writable && isWaitingToWrite { handleWritable() }
        if readable && isReading { handleReadable() }
    }

    // MARK: - Reading

    private func handleReadable() {
        guard !isClosed(state), isReading else { return }
        switch socket.feed(&parser, through: loop.readBuffer, reads: 4, peerHungUp: peerHungUp) {
        case .mayHaveMore:
            break
        case .drained:
            mayRead = false
        case .endOfStream:
            peerClosedRead = true
            mayRead = false
        }
        process()
        if isReading && mayRead { scheduleRead() }
    }

    /// Reads later, in the loop's next batch: for bytes the kernel already announced (edge-triggered events do not repeat).
    func scheduleRead() {
        guard !isReadScheduled else { return }
        isReadScheduled = true
        loop.execute { [self] in
            isReadScheduled = false
            if isReading && mayRead { handleReadable() }
        }
    }

    /// Pulls parser events as far as the current state allows.
    func process() {
        // A response finished inside this loop (an inline answer, written at once) must not start the next
        // round from within itself: a pipelined burst of such requests would nest one call per request and
        // overflow the stack. The loop below picks the next request up instead.
        if isProcessing { return }
        isProcessing = true
        defer { isProcessing = false }
        while true {
            switch state {
            case .closed:
                return
            case .awaitingHead:
                let idle = parser.isBetweenMessages && parser.bufferedByteCount == 0
                if isShuttingDown && idle { return close() }
                do {
                    guard let event = try parser.next() else {
                        if peerClosedRead { return close() }
                        setReading(true)
                        if idle { arm(.idle) } else { armReadWindow() }
                        return
                    }
                    guard case .head(let head) = consume event else { continue }
                    startExchange(head)
                } catch {
                    refuse(error)  // the loop goes on: closes once the refusal is written, or waits to write it
                }
            case .exchange(let exchange):
                if !exchange.isBodyDone {
                    if !exchange.isDiscardingBody && exchange.request.body.isOverHighWater {
                        setReading(false)
                        arm(.none)
                        return  // the body's drained hook calls process() again
                    }
                    if !pullBodyEvent(exchange) { return }
                    continue
                }
                guard exchange.isResponseDone else {
                    setReading(false)
                    arm(exchange.writer == nil ? .none : .write)
                    return
                }
                finish(exchange)
                guard exchange.keepAlive, !isShuttingDown, !peerClosedRead || parser.bufferedByteCount > 0 else {
                    return close()
                }
                state = .awaitingHead
                arm(.none)  // the next head gets a window of its own
            }
        }
    }

    /// Handles one body event; false when the parser needs more bytes (reading has been arranged).
    private func pullBodyEvent(_ exchange: Exchange) -> Bool {
        let body = exchange.request.body
        do {
            guard let event = try parser.next() else {
                if peerClosedRead {
                    body.fail(.disconnected)
                    exchange.isBodyDone = true
                    exchange.keepAlive = false
                    return true
                }
                // A client waiting for 100-continue sends nothing until asked: no timeout until then.
                let waitsForContinue = exchange.request.head.expectsContinue && !exchange.sentContinue
                setReading(true)
                if waitsForContinue { arm(.none) } else { armReadWindow() }
                return false
            }
            switch event {
            case .body(let bytes):
                windowBytes += bytes.count
                if exchange.isDiscardingBody {
                    exchange.discardedBytes += bytes.count
                    if exchange.discardedBytes > Self.maxDiscardBytes {
                        exchange.isBodyDone = true
                        exchange.keepAlive = false
                    }
                } else {
                    body.push(bytes)
                }
            case .end:
                body.finish()
                exchange.isBodyDone = true
            case .head:
                break  // cannot happen before .end
            }
        } catch {
            body.fail(.malformed(error))
            exchange.isBodyDone = true
            exchange.keepAlive = false
        }
        return true
    }

    private func startExchange(_ head: consuming RequestHead) {
        arm(.none)  // the head's window closes; the body opens its own when it waits for bytes
        let expected: Int64? = if case .length(let length) = head.framing { length } else { nil }
        // Most requests have no body at all: they share one that has ended, and this connection never touches it.
        let isBodiless = head.framing == .none
        let body = isBodiless ? RequestBody.none
            : RequestBody(expectedLength: expected, timeout: server.configuration.readTimeoutSeconds, owner: self)
        let client = server.configuration.trustedProxies.clientAddress(peer: peer, headers: head.headers)
        // The head moves into the request (consumed, not copied: a copy retained and released its four strings).
        let request = Request(head: head, body: body, remoteAddress: client, id: server.makeRequestId())
        let exchange = Exchange(request: request, keepAlive: request.head.keepAlive && !isShuttingDown,
                                startedAt: loop.batchStartNanoseconds)
        state = .exchange(exchange)
        if isBodiless {
            // The only body event of a request without a body is `.end`: taken now, the exchange has its whole
            // request whoever answers it (an inline route answers here and now, see Router.getInline).
            _ = try? parser.next()
            exchange.isBodyDone = true
        }
        let answer: @Sendable () -> (response: Response, route: String)
        switch server.route(request) {
        case .answered(let response, let route):
            return handlerFinished(exchange, response: response, route: route)
        case .onWorker(let work):
            answer = work
        }
        let (accepted, wake) = server.workers.submitWakingLater { [self] in
            let (response, route) = answer()
            loop.execute { self.handlerFinished(exchange, response: response, route: route) }
        }
        // Amid a batch, the thread is woken when the batch ends (see `WorkerPool.submitWakingLater`).
        loop.wakeAfterBatch(server.workers, wake)
        if !accepted {
            exchange.keepAlive = false
            let response = Response.error(.serviceUnavailable, code: "overloaded",
                                          message: "The server is busy; try again shortly.", headers: [.retryAfter: "1"])
            handlerFinished(exchange, response: response, route: "rejected")
        }
    }

    /// From the handler's thread (see `RequestBodyOwner`).
    func bodyWillRead() {
        loop.execute { [self] in sendContinueIfNeeded() }
    }

    /// From the handler's thread (see `RequestBodyOwner`).
    func bodyDrained() {
        loop.execute { [self] in process() }
    }

    private func sendContinueIfNeeded() {
        guard case .exchange(let exchange) = state, exchange.request.head.expectsContinue,
              !exchange.sentContinue, exchange.writer == nil else { return }
        exchange.sentContinue = true
        interim.append(contentsOf: Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        flush()
        process()
    }

    // MARK: - Writing

    private func handlerFinished(_ exchange: Exchange, response: Response, route: String) {
        guard case .exchange(let current) = state, current === exchange else { return }
        exchange.route = route
        if !exchange.isBodyDone {
            exchange.isDiscardingBody = true
            _ = exchange.request.body.discardBuffered()
            exchange.request.body.fail(.disconnected)
            // The client still holds its body back for 100-continue: it may never send it, so close after.
            if exchange.request.head.expectsContinue && !exchange.sentContinue { exchange.keepAlive = false }
        }
        exchange.writer = ResponseWriter(
            response: response, requestMethod: exchange.request.method, version: exchange.request.head.version,
            keepAlive: exchange.keepAlive && !isShuttingDown, requestId: exchange.request.id,
            commonLines: headLines.current())
        exchange.keepAlive = exchange.writer?.keepAlive ?? false
        if exchange.writer?.mayWaitForBody == true {
            exchange.writer?.wake = { [weak self] in
                guard let self else { return }
                loop.execute { self.flush() }
            }
        }
        // Answered on the loop amid a batch of events: written with the batch's other responses (see EventLoop).
        if loop.isHandlingBatch { return loop.writeAfterBatch(self) }
        flush()
    }

    /// From the event loop, after the batch in which `handlerFinished` deferred the write.
    func writeDeferredResponse() {
        flush()
    }

    private func handleWritable() {
        setWaitingToWrite(false)
        flush()
    }

    /// Writes interim bytes, then the current response, as far as the socket allows.
    private func flush() {
        guard case .exchange(let exchange) = state else { return }
        do {
            if !interim.isEmpty {
                let result = try interim.withUnsafeBytes { try socket.write($0) }
                if case .transferred(let count) = result { interim.removeFirst(count) }
                if !interim.isEmpty { return waitForWritable() }
            }
            guard let writer = exchange.writer, !exchange.isResponseDone else { return }
            switch try writer.pump(socket) {
            case .finished:
                exchange.isResponseDone = true
                process()
            case .wouldBlock:
                waitForWritable()
            case .waitingForBody:
                break  // the body's wake-up flushes again
            }
        } catch {
            server.report(exchange: exchange, completed: false, eventLoop: loopIndex)
            close()
        }
    }

    /// After a write that would block: the next writable event (the kernel sends one when space frees) resumes.
    private func waitForWritable() {
        setWaitingToWrite(true)
        arm(.write)
    }

    private func finish(_ exchange: Exchange) {
        server.report(exchange: exchange, completed: true, eventLoop: loopIndex)
    }

    /// Answers a request the parser refused, then closes.
    func refuse(_ error: HTTPParseError) {
        let head = RequestHead(method: HTTPMethod("-"), target: "-", path: "-", query: nil, version: .http1_1,
                               headers: HTTPHeaders(), framing: .none, keepAlive: false, expectsContinue: false)
        let request = Request(head: head, body: RequestBody.none, remoteAddress: peer, id: server.makeRequestId())
        let exchange = Exchange(request: request, keepAlive: false, startedAt: loop.batchStartNanoseconds)
        exchange.isBodyDone = true
        state = .exchange(exchange)
        setReading(false)
        handlerFinished(exchange, response: error.response, route: "rejected")
    }

}
