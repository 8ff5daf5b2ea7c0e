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
    /// A body must bring at least this many bytes per second, averaged over each `readTimeoutSeconds` window;
    /// slower (a body trickled byte by byte) answers 408 and closes. 0 keeps only the gap rule.
    public var minBodyBytesPerSecond: Int
    /// Open connections one peer address may hold; more get 503 and are closed. 0 = no cap. Trusted proxies are
    /// exempt: they carry many clients, and who those are is only known from each request's head.
    public var maxConnectionsPerAddress: Int
    /// Peers whose `Forwarded` / `X-Forwarded-For` name the client (see `TrustedProxies.clientAddress`).
    public var trustedProxies: TrustedProxies

    public init(
        host: String = "127.0.0.1", port: Int = 0, limits: ParserLimits = ParserLimits(),
        readTimeoutSeconds: Double = 30, idleTimeoutSeconds: Double = 75, maxConnections: Int = 10_000,
        eventLoops: Int = 0, workerThreads: Int = 32, maxQueuedRequests: Int = 4096, shutdownGraceSeconds: Double = 10,
        serverName: String = "duradora", minBodyBytesPerSecond: Int = 256, maxConnectionsPerAddress: Int = 0,
        trustedProxies: TrustedProxies = TrustedProxies()
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
        self.minBodyBytesPerSecond = minBodyBytesPerSecond
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.trustedProxies = trustedProxies
    }
}

extension ServerConfiguration {
    /// Body bytes each read window must bring (see `minBodyBytesPerSecond`).
    var minBodyBytesPerWindow: Int { Int(Double(minBodyBytesPerSecond) * readTimeoutSeconds) }
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
    /// The index of the event loop that carried the exchange, below `ServerConfiguration.eventLoops`' count.
    /// Records with the same index are reported one at a time, from that loop's queue: an observer may keep
    /// state per index and update it without contention (metrics do; a scrape merges them).
    public var eventLoop: Int = 0
}
