import Dispatch

/// Timeouts, shutdown and closing: the ways a connection ends.
extension Connection {
    /// Waits for request bytes under one absolute deadline, `read_timeout` after the window opened: re-arming an
    /// open window keeps its deadline, so a client cannot stretch it by trickling bytes (slowloris). A head must be
    /// complete by then; a body must have brought `minBodyBytesPerWindow` in the window (see `checkTimeout`).
    func armReadWindow() {
        if timeoutKind == .read && deadline.load(ordering: .relaxed) != 0 { return }
        windowBytes = 0
        arm(.read)
    }

    func arm(_ kind: TimeoutKind) {
        timeoutKind = kind
        let seconds: Double = switch kind {
        case .none: 0
        case .idle: server.configuration.idleTimeoutSeconds
        case .read: server.configuration.readTimeoutSeconds
        case .write: server.configuration.idleTimeoutSeconds
        }
        let value = kind == .none ? 0 : loop.batchStartNanoseconds + UInt64(seconds * 1e9)
        deadline.store(value, ordering: .relaxed)
    }

    /// Called by the server's sweep when the deadline passed; re-checks on the loop.
    func checkTimeout(now: UInt64) {
        loop.execute { [self] in
            let due = deadline.load(ordering: .relaxed)
            guard due != 0, now >= due else { return }
            switch (state, timeoutKind) {
            case (.closed, _), (_, .none):
                return
            case (.awaitingHead, .read):
                let error = HTTPParseError(.requestTimeout, code: "request_timeout", "The request head did not arrive in time.")
                refuse(error)
            case (.exchange(let exchange), .read) where !exchange.isBodyDone:
                // A window without a byte is a stalled body whatever the minimum rate (0 keeps only this rule).
                if windowBytes > 0 && windowBytes >= server.configuration.minBodyBytesPerWindow {
                    windowBytes = 0
                    return arm(.read)  // fast enough: a new window
                }
                exchange.request.body.fail(.timeout)
                exchange.isBodyDone = true
                exchange.keepAlive = false
                arm(.none)
                process()
            default:
                close()  // idle keep-alive, or a client that stopped reading our response
            }
        }
    }

    /// Server shutdown: idle connections close now, busy ones after their current exchange.
    func beginShutdown() {
        loop.execute { [self] in
            isShuttingDown = true
            switch state {
            case .awaitingHead: if parser.isBetweenMessages { close() }
            case .exchange(let exchange): exchange.keepAlive = false
            case .closed: break
            }
        }
    }

    func forceClose() {
        loop.execute { [self] in close() }
    }

    func close() {
        if case .closed = state { return }
        if case .exchange(let exchange) = state {
            // A handler still running gets `.disconnected` from the body; its answer will find the connection closed.
            exchange.request.body.fail(.disconnected)
        }
        state = .closed
        deadline.store(0, ordering: .relaxed)
        isReading = false
        isWaitingToWrite = false
        loop.deregister(socket.descriptor)
        socket.shutdownWrite()
        socket.close()
        server.connectionClosed(self)
    }

    func isClosed(_ state: State) -> Bool {
        if case .closed = state { return true }
        return false
    }

    func setReading(_ wanted: Bool) {
        isReading = wanted && !peerClosedRead && !isClosed(state)
        // Bytes that arrived while we were not reading raised no new event: go and get them.
        if isReading && mayRead { scheduleRead() }
    }

    func setWaitingToWrite(_ wanted: Bool) {
        isWaitingToWrite = wanted && !isClosed(state)
    }
}
