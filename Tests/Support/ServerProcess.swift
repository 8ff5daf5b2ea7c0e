import Foundation

/// The HTTP core in a process of its own (`duradora-bench-server PORT FILE`, built beside the tests), for
/// measurements that other tests running in parallel in the test process would blur, such as resident memory.
public final class ServerProcess: @unchecked Sendable {
    public let process: Process
    public let port: Int

    /// Starts the server on a free port serving `file` at `/file`; waits until it listens.
    public init(serving file: String) throws {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let executable = directory.appendingPathComponent("duradora-bench-server")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw TestClientError("\(executable.path) is missing: build all products first (swift build --build-tests)")
        }
        process = Process()
        process.executableURL = executable
        process.arguments = ["0", file]
        process.environment = ProcessInfo.processInfo.environment.merging(["BENCH_EXIT_WITH_PARENT": "1"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The server prints "listening on PORT" once bound.
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let port = text.split(separator: " ").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            process.terminate()
            throw TestClientError("the server did not report its port: \(text)")
        }
        self.port = port
    }

    public var pid: String { String(process.processIdentifier) }

    public func makeClient() throws -> TestClient { try TestClient(port: port) }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}
