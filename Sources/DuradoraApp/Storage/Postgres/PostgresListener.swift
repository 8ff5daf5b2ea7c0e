import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The one LISTEN connection of a process: notifications from every instance's committed transactions, read by a
/// Dispatch read source on the connection's socket (no polling, no thread of its own).
///
/// PostgreSQL does not replay what a listener missed, so losing the connection means caches can no longer be
/// trusted: the listener reports `.lost` at once (callers bypass or drop their caches), reconnects with backoff,
/// LISTENs again and reports `.listening` (callers flush everything cached before, since what happened between
/// the two is unknown, and trust their caches again).
public final class PostgresListener: @unchecked Sendable {
    public enum Event: Sendable, Equatable {
        case notification(channel: String, payload: String)
        /// The connection is gone: stop trusting caches now.
        case lost
        /// Listening (again): flush caches, then trust them.
        case listening
    }

    public let url: PostgresURL
    public let channels: [String]
    private let options: PostgresConnection.Options
    private let handler: @Sendable (Event) -> Void
    /// Every field below is touched only on this queue.
    private let queue = DispatchQueue(label: "duradora.postgres.listener")
    private var connection: PostgresConnection?
    private var source: DispatchSourceRead?
    private var stopped = false
    private var retryDelay = PostgresListener.firstRetryDelay
    private var listeningNow = false

    static let firstRetryDelay = 0.05
    static let maxRetryDelay = 2.0

    /// `channels` must be plain identifiers (lower-case letters, digits, `_`). `handler` runs on the listener's
    /// queue, one event at a time; keep it short.
    public init(url: PostgresURL, channels: [String], options: PostgresConnection.Options = PostgresConnection.Options(),
                handler: @escaping @Sendable (Event) -> Void) {
        precondition(channels.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } },
                     "channel names are plain identifiers")
        self.url = url
        self.channels = channels
        self.options = options
        self.handler = handler
    }

    /// Connects and LISTENs; throws when the first attempt fails (a wrong URL should stop the start). Later losses
    /// are handled inside, by reconnecting.
    public func start() throws {
        try queue.sync {
            try listen()
            handler(.listening)
        }
    }

    /// Stops listening and closes the connection; no event follows. Idempotent.
    public func stop() {
        queue.sync {
            stopped = true
            tearDown()
        }
    }

    /// Whether notifications are arriving now (false between a loss and the next `.listening`).
    public var isListening: Bool { queue.sync { listeningNow } }

    /// The server process of the LISTEN connection (0 while disconnected), for tests and diagnostics.
    public var backendPID: Int32 { queue.sync { connection?.backendPID ?? 0 } }

    // MARK: - On the queue

    private func listen() throws {
        let connection = try PostgresConnection(url: url, options: options)
        for channel in channels { try connection.simple("LISTEN \(channel)") }
        // The source watches a duplicate of the socket that only its cancel handler closes: libpq closes its own
        // descriptor the moment it reads the end of a lost connection, and libdispatch keys a registration by
        // number until the cancel is processed, so a socket or file opened meanwhile under that number would
        // inherit a dead registration (as `EventLoop` explains for its epoll descriptor).
        let watched = dup(connection.socket)
        guard watched >= 0 else {
            connection.close()
            throw PostgresError(message: "dup of the LISTEN socket: \(String(cString: strerror(errno)))", isConnectionLoss: true)
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: watched, queue: queue)
        source.setEventHandler { [weak self] in self?.readable() }
        source.setCancelHandler {
            Glibc.close(watched)
            connection.close()
        }
        self.connection = connection
        self.source = source
        listeningNow = true
        retryDelay = Self.firstRetryDelay
        source.resume()
    }

    private func readable() {
        guard let connection, !stopped else { return }
        do {
            for notification in try connection.receiveNotifications() {
                handler(.notification(channel: notification.channel, payload: notification.payload))
            }
        } catch {
            tearDown()
            handler(.lost)
            scheduleReconnect()
        }
    }

    private func tearDown() {
        listeningNow = false
        source?.cancel()
        source = nil
        connection = nil
    }

    private func scheduleReconnect() {
        let delay = retryDelay
        retryDelay = min(retryDelay * 2, Self.maxRetryDelay)
        queue.asyncAfter(deadline: .now() + delay) { [weak self] in
            guard let self, !self.stopped else { return }
            do {
                try self.listen()
                self.handler(.listening)
            } catch {
                self.scheduleReconnect()
            }
        }
    }
}
