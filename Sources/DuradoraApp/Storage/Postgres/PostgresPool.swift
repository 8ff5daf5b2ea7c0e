import Foundation

/// At most `size` PostgreSQL connections (size it to the worker threads: one connection per worker), opened on
/// demand and reused. A caller that finds them all busy waits up to `checkoutTimeoutSeconds`, then gets a clear
/// error instead of queueing without bound behind a slow database.
public final class PostgresPool: @unchecked Sendable {
    public let url: PostgresURL
    public let size: Int
    public let checkoutTimeoutSeconds: Double
    private let options: PostgresConnection.Options
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    /// Connections open or being opened, idle or checked out.
    private var count = 0
    private var closed = false

    public init(url: PostgresURL, size: Int, checkoutTimeoutSeconds: Double = 5,
                options: PostgresConnection.Options = PostgresConnection.Options()) {
        precondition(size > 0, "a pool needs at least one connection")
        self.url = url
        self.size = size
        self.checkoutTimeoutSeconds = checkoutTimeoutSeconds
        self.options = options
    }

    deinit { close() }

    /// Runs `body` with a connection of its own, returned to the pool afterwards (a broken one reconnects on its
    /// next statement).
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// Closes the idle connections now and the others when they come back; later checkouts throw. Idempotent.
    public func close() {
        condition.lock()
        closed = true
        let connections = idle
        idle = []
        count -= connections.count
        condition.broadcast()
        condition.unlock()
        connections.forEach { $0.close() }
    }

    /// Connections currently open (idle or checked out), for tests and metrics.
    public var openCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return count
    }

    private func checkOut() throws -> PostgresConnection {
        let deadline = Date().addingTimeInterval(checkoutTimeoutSeconds)
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw StorageError.closed
            }
            if let connection = idle.popLast() {
                condition.unlock()
                return connection
            }
            if count < size { break }
            if !condition.wait(until: deadline) {
                condition.unlock()
                throw PostgresError(message: "all \(size) database connections stayed busy for "
                                    + "\(checkoutTimeoutSeconds) s (pool size: the worker count)")
            }
        }
        // Connect outside the lock: it can take up to the connect timeout, and others may check in meanwhile.
        count += 1
        condition.unlock()
        do {
            return try PostgresConnection(url: url, options: options)
        } catch {
            condition.lock()
            count -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        condition.lock()
        if closed {
            count -= 1
            condition.unlock()
            connection.close()
            return
        }
        idle.append(connection)
        condition.signal()
        condition.unlock()
    }
}
