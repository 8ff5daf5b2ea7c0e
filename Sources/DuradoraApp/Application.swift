import DuradoraHTTP
import Foundation

public enum DuradoraVersion {
    public static let current = "0.1.0"
}

/// Wires configuration, storage, router and server. `start()` binds and returns; `runUntilSignalled()` also
/// waits for SIGINT/SIGTERM and shuts down gracefully.
public final class Application: @unchecked Sendable {
    public let configuration: Configuration
    public let router: Router
    public let log: AccessLog
    private var server: HTTPServer?

    public init(configuration: Configuration) throws {
        self.configuration = configuration
        let log = AccessLog(format: configuration.log.format, minimum: configuration.log.level)
        self.log = log
        router = Router { error, request in
            log.log(.error, "unhandled error", [("request_id", request.id), ("error", String(describing: error))])
        }
        registerRoutes()
    }

    private func registerRoutes() {
        let health = HealthStatus(status: "ok", version: DuradoraVersion.current)
        router.get("/health") { _, _ in try .json(health) }
    }

    /// Binds the listening socket and starts serving; returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        let server = HTTPServer(configuration: serverConfiguration, router: router) { [log] record in log.record(record) }
        let port = try server.start()
        self.server = server
        log.log(.info, "listening", [("address", "\(configuration.server.host):\(port)"), ("version", DuradoraVersion.current)])
        return port
    }

    /// Stops accepting, lets in-flight requests finish (bounded), then releases storage.
    public func stop() {
        server?.shutdown()
        server = nil
        log.log(.info, "stopped")
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    public func runUntilSignalled() throws {
        signal(SIGPIPE, SIG_IGN)
        try start()
        let stopRequested = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)  // let Dispatch see it instead of the default handler
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stopRequested.signal() }
            source.resume()
            return source
        }
        stopRequested.wait()
        log.log(.info, "shutting down")
        stop()
        sources.forEach { $0.cancel() }
    }

    var serverConfiguration: ServerConfiguration {
        let server = configuration.server
        return ServerConfiguration(
            host: server.host, port: server.port,
            limits: ParserLimits(maxHeaderBytes: server.maxHeaderBytes, maxTargetBytes: 8_192, maxBodyBytes: server.maxBodyBytes),
            readTimeoutSeconds: Double(server.readTimeoutSeconds), idleTimeoutSeconds: Double(server.idleTimeoutSeconds),
            maxConnections: server.maxConnections, workerThreads: max(16, ProcessInfo.processInfo.activeProcessorCount * 8),
            maxQueuedRequests: 4096, shutdownGraceSeconds: 10, serverName: "duradora/\(DuradoraVersion.current)")
    }
}

struct HealthStatus: Codable, Sendable {
    let status: String
    let version: String
}
