/// Everything the HTTP layer needs to know; the application maps its own configuration onto it.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var limits: ParserLimits
    /// Longest wait for the rest of a started request head, or between pieces of a body.
    public var readTimeoutSeconds: Double
    /// How long a keep-alive connection may sit idle between requests; also the longest a blocked response
    /// write may wait for a client that stopped reading.
    public var idleTimeoutSeconds: Double
    public var maxConnections: Int
    /// Serial event-loop queues that run every connection's socket sources; 0 means one per core.
    public var eventLoops: Int
    public var workerThreads: Int
    /// Jobs that may wait for a worker before new requests get 503.
    public var maxQueuedRequests: Int
    /// How long shutdown waits for in-flight requests.
    public var shutdownGraceSeconds: Double
    public var serverName: String

    public init(
        host: String = "127.0.0.1", port: Int = 0, limits: ParserLimits = ParserLimits(),
        readTimeoutSeconds: Double = 30, idleTimeoutSeconds: Double = 75, maxConnections: Int = 10_000,
        eventLoops: Int = 0, workerThreads: Int = 32, maxQueuedRequests: Int = 4096, shutdownGraceSeconds: Double = 10,
        serverName: String = "duradora"
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.readTimeoutSeconds = readTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
        self.eventLoops = eventLoops
        self.workerThreads = workerThreads
        self.maxQueuedRequests = maxQueuedRequests
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.serverName = serverName
    }
}

/// One finished exchange, for the access log and metrics.
public struct ExchangeRecord: Sendable {
    public let requestId: String
    public let method: HTTPMethod
    /// Path and query with secrets masked.
    public let target: String
    /// The matched route pattern, or a fixed label ("unmatched", "rejected").
    public let route: String
    public let status: Int
    /// Body bytes sent.
    public let bytesSent: Int64
    public let durationSeconds: Double
    public let remoteAddress: String
    /// False when the client went away before the response was fully sent.
    public let completed: Bool
}
