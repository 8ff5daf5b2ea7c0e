import CLibPQ
import Foundation

/// A throw-away PostgreSQL server (Debian's `postgresql-15`) that the tests start themselves: `initdb` into a temp
/// dir, then `postgres` on 127.0.0.1 and a free port, `fsync=off`. One per test process (`shared`); each test takes
/// a database of its own from `makeDatabase()`.
///
/// Why it is built this way (earlier harnesses hung): `pg_ctl start` forks a postmaster that keeps the inherited
/// stdout/stderr open, so a test reading a pipe to its end never returns. Here `postgres` is our direct child,
/// writing to a log *file*; readiness is a libpq ping with a deadline; it is stopped with SIGINT (fast shutdown)
/// by PID at exit, and a watchdog process stops it if the test process dies without running its exit handlers.
/// As root (CI), both run as the `postgres` user through `setpriv`, which execs (no forked parent between us and
/// the postmaster, unlike `runuser`), so the PID we signal is the postmaster's.
public final class TestPostgres: @unchecked Sendable {
    /// The server of this test process, started on first use and stopped at exit.
    public static let shared: Result<TestPostgres, any Error> = {
        let result = Result { try TestPostgres() }
        if case .success = result { atexit { if case .success(let server) = TestPostgres.shared { server.stop() } } }
        return result
    }()

    /// The role `initdb` created (trust authentication: no password).
    public static let user = "duradora"

    public let directory: String
    public let port: Int
    private let binaries: String
    private let lock = NSLock()
    private var process: Process  // guarded by lock
    private var stopped = false

    public var pid: pid_t { lock.withLock { process.processIdentifier } }
    public var logPath: String { directory + "/postgres.log" }

    /// The shared server, or the reason it could not start (thrown, so the test fails with it).
    public static func start() throws -> TestPostgres { try shared.get() }

    /// Starts a server of its own (most tests want `shared`).
    public init(startTimeoutSeconds: Double = 30) throws {
        let binaries = try Self.binaryDirectory()
        self.binaries = binaries
        directory = try Self.makeDirectory()
        Self.watch(directory)
        do {
            try Self.run(binaries + "/initdb",
                         ["-D", directory + "/data", "-A", "trust", "-U", Self.user, "--no-sync", "-E", "UTF8", "--locale=C"],
                         log: directory + "/initdb.log", timeoutSeconds: 60)
            (port, process) = try Self.startServer(binaries: binaries, directory: directory, timeoutSeconds: startTimeoutSeconds)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    private static func startServer(binaries: String, directory: String, timeoutSeconds: Double,
                                    port fixedPort: Int? = nil) throws -> (Int, Process) {
        let log = directory + "/postgres.log"
        for attempt in 1...3 {
            // A free port now may be taken by the time the postmaster binds it: then try another.
            let port = try fixedPort ?? freePort()
            let process = try launch(binaries + "/postgres", [
                "-D", directory + "/data", "-k", directory, "-p", String(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                // Each test application pools up to a connection per worker thread, and tests run in parallel.
                "-c", "max_connections=500",
            ], log: log)
            if waitUntilReady(port: port, process: process, timeoutSeconds: timeoutSeconds) { return (port, process) }
            stop(process)
            if attempt == 3 || fixedPort != nil || !Self.log(log).contains("could not bind") {
                throw TestPostgresError("PostgreSQL did not become ready within \(Int(timeoutSeconds)) s on port \(port); "
                                        + "its log:\n\(Self.log(log))")
            }
        }
        preconditionFailure("unreachable")
    }

    /// `postgresql://duradora@127.0.0.1:PORT/DATABASE`.
    public func url(database: String = "postgres") -> String {
        "postgresql://\(Self.user)@127.0.0.1:\(port)/\(database)"
    }

    /// A new, empty database; its URL.
    public func makeDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        _ = try query("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Runs `sql` (no parameters: for the tests' own set-up, e.g. `pg_terminate_backend`) on a connection of its
    /// own; the first column of each row, as text (NULL → nil).
    @discardableResult
    public func query(_ sql: String, database: String = "postgres") throws -> [String?] {
        guard let connection = PQconnectdb("\(url(database: database))?connect_timeout=5") else {
            throw TestPostgresError("libpq could not allocate a connection")
        }
        defer { PQfinish(connection) }
        guard PQstatus(connection) == CONNECTION_OK else {
            throw TestPostgresError("connecting to \(url(database: database)): \(String(cString: PQerrorMessage(connection)))")
        }
        guard let result = PQexec(connection, sql) else { throw TestPostgresError("\(sql): no result") }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK: return []
        case PGRES_TUPLES_OK:
            return (0..<PQntuples(result)).map { row in
                PQgetisnull(result, row, 0) == 1 ? nil : String(cString: PQgetvalue(result, row, 0))
            }
        default: throw TestPostgresError("\(sql): \(String(cString: PQresultErrorMessage(result)))")
        }
    }

    /// Fast shutdown (SIGINT) and removal of the directory; idempotent.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        Self.stop(process)
        try? FileManager.default.removeItem(atPath: directory)
    }

    public var isRunning: Bool { lock.withLock { process.isRunning } }

    /// Stops the server (fast shutdown: every connection is closed) but keeps its data, for tests of an outage;
    /// `startAgain()` brings it back on the same port. Use a server of your own, never `shared`.
    public func stopServer() {
        lock.withLock { Self.stop(process) }
    }

    /// Starts the server stopped by `stopServer()` again, on the same port and data.
    public func startAgain(timeoutSeconds: Double = 30) throws {
        try lock.withLock {
            guard !stopped, !process.isRunning else { return }
            (_, process) = try Self.startServer(binaries: binaries, directory: directory, timeoutSeconds: timeoutSeconds,
                                                port: port)
        }
    }

    // MARK: - Processes

    private static func binaryDirectory() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted()
        guard let version = versions.last(where: { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/postgres") })
        else { throw TestPostgresError("no PostgreSQL server under \(root): install the postgresql package (make test-deps)") }
        return "\(root)/\(version)/bin"
    }

    private static var isRoot: Bool { getuid() == 0 }

    /// A 0700 temp dir, owned by `postgres` when we are root (initdb refuses to run as root).
    private static func makeDirectory() throws -> String {
        var template = Array("/tmp/duradora-pg.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestPostgresError("mkdtemp: \(String(cString: strerror(errno)))") }
        let directory = String(cString: made)
        if isRoot {
            guard let account = getpwnam("postgres") else {
                throw TestPostgresError("running as root but there is no postgres user: install the postgresql package")
            }
            guard chown(directory, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
                throw TestPostgresError("chown \(directory): \(String(cString: strerror(errno)))")
            }
        }
        return directory
    }

    /// Starts `executable` (as `postgres` when root) with stdin from /dev/null and stdout/stderr to `log`.
    private static func launch(_ executable: String, _ arguments: [String], log: String) throws -> Process {
        guard FileManager.default.createFile(atPath: log, contents: nil),
              let output = FileHandle(forWritingAtPath: log) else { throw TestPostgresError("cannot write \(log)") }
        defer { try? output.close() }
        let process = Process()
        if isRoot {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return process
    }

    private static func run(_ executable: String, _ arguments: [String], log: String, timeoutSeconds: Double) throws {
        let process = try launch(executable, arguments, log: log)
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            stop(process)
            throw TestPostgresError("\(executable) did not finish within \(Int(timeoutSeconds)) s; its log:\n\(Self.log(log))")
        }
        guard process.terminationStatus == 0 else {
            throw TestPostgresError("\(executable) failed (\(process.terminationStatus)); its log:\n\(Self.log(log))")
        }
    }

    /// A shell that SIGINTs the postmaster (its PID from `postmaster.pid`) and removes the directory once this test
    /// process is gone, e.g. killed by a signal, which runs no exit handler. It ends by itself when `stop()` has
    /// removed the directory.
    private static func watch(_ directory: String) {
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = ["-c", """
            while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 1; done
            [ -d "$2" ] || exit 0
            pid=$(head -n 1 "$2/data/postmaster.pid" 2>/dev/null)
            if [ -n "$pid" ]; then kill -INT "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; fi
            rm -rf "$2"
            """, "duradora-pg-watchdog", String(getpid()), directory]
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try? watchdog.run()
    }

    private static func waitUntilReady(port: Int, process: Process, timeoutSeconds: Double) -> Bool {
        let conninfo = "host=127.0.0.1 port=\(port) dbname=postgres user=\(user) connect_timeout=2"
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline && process.isRunning {
            if PQping(conninfo) == PQPING_OK { return true }
            usleep(20_000)
        }
        return false
    }

    /// SIGINT (fast shutdown), then SIGKILL if it is still up 10 s later.
    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestPostgresError("socket: \(String(cString: strerror(errno)))") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else { throw TestPostgresError("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func log(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)).map { String($0.suffix(4_000)) } ?? "(no log at \(path))"
    }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
