import Foundation
import DuradoraHTTP
import DuradoraApp

/// A real HTTP server on 127.0.0.1 and a kernel-chosen port, for one test.
public final class TestHTTPServer: @unchecked Sendable {
    public let server: HTTPServer
    public let port: Int
    public let router: Router
    private let recordsLock = NSLock()
    private var recordsStore: [ExchangeRecord] = []

    public init(router: Router = Router(), configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, workerThreads: 8)
        configure(&configuration)
        self.router = router
        var serverReference: HTTPServer!
        let box = RecordBox()
        serverReference = HTTPServer(configuration: configuration, router: router) { record in box.append(record) }
        server = serverReference
        port = try server.start()
        box.owner = self
    }

    /// Exchanges the server has logged so far.
    public var records: [ExchangeRecord] {
        recordsLock.lock()
        defer { recordsLock.unlock() }
        return recordsStore
    }

    fileprivate func append(_ record: ExchangeRecord) {
        recordsLock.lock()
        recordsStore.append(record)
        recordsLock.unlock()
    }

    public func makeClient(timeoutSeconds: Int = 20) throws -> TestClient {
        try TestClient(port: port, timeoutSeconds: timeoutSeconds)
    }

    public func stop() {
        server.shutdown(graceSeconds: 2)
    }

    /// Waits (polling) until `condition` holds or `seconds` pass; returns whether it held.
    public static func eventually(within seconds: Double = 15, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}

private final class RecordBox: @unchecked Sendable {
    weak var owner: TestHTTPServer?
    func append(_ record: ExchangeRecord) { owner?.append(record) }
}

/// The whole application on 127.0.0.1 and a kernel-chosen port, with its database and uploads in a fresh
/// temporary directory, for one test.
public final class TestApplication: @unchecked Sendable {
    public let application: Application
    public let port: Int
    public let directory: URL
    private let logLines = LogLines()

    /// - Parameter clock: "now" for tokens and the login throttle (default: the real clock).
    public init(clock: TimeSource = .system, configure: (inout Configuration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("duradora-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration.defaults(baseDirectory: directory.path)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.auth.passwordHashCost = .min
        // No claim renewals or takeover polls in the middle of a test's statement counts; takeover tests call it.
        configuration.audio.encodeClaimSeconds = 3_600
        if Self.backendIsPostgres { configuration.storage.database = try TestPostgres.start().makeDatabase() }
        configure(&configuration)
        try configuration.validate()
        let lines = logLines
        do {
            application = try Application(configuration: configuration, clock: clock) { line in lines.append(line) }
            port = try application.start()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// `DURADORA_TEST_BACKEND=postgres`: every test application stores in a database of its own on the test
    /// process's PostgreSQL server (`TestPostgres`) instead of a SQLite file, so the API suites run on either.
    public static var backendIsPostgres: Bool {
        ProcessInfo.processInfo.environment["DURADORA_TEST_BACKEND"] == "postgres"
    }

    /// Every log line the application wrote so far (they are captured instead of going to stderr).
    public var log: [String] { logLines.values }

    public func makeClient(timeoutSeconds: Int = 30) throws -> TestClient {
        try TestClient(port: port, timeoutSeconds: timeoutSeconds)
    }

    public func stop() {
        application.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

private final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var values: [String] { lock.withLock { lines } }
}
