import DuradoraHTTP
import Foundation

// A minimal server on DuradoraHTTP for `make bench`: `/health` and one file, so the HTTP core can be compared
// with nginx serving the same. Usage: duradora-bench-server PORT FILE
let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: duradora-bench-server PORT FILE\n".utf8))
    exit(64)
}
let file = try OpenFile(path: arguments[2])
let router = Router()
let health = Array(#"{"status":"ok","version":"bench"}"#.utf8)
router.getInline("/health") { _, _ in
    Response(headers: [.contentType: Response.jsonContentType], body: .bytes(health))
}
// The file is already open: building the response does not block, so it can run on the event loop too.
router.getInline("/file") { _, _ in
    Response(headers: [.contentType: "application/octet-stream"], body: .file(FileRegion(file: file)))
}
signal(SIGPIPE, SIG_IGN)
// BENCH_EVENT_LOOPS overrides the event-loop count (default: one per core the process may run on).
let loops = ProcessInfo.processInfo.environment["BENCH_EVENT_LOOPS"].flatMap(Int.init) ?? 0
let server = HTTPServer(configuration: ServerConfiguration(host: "127.0.0.1", port: port, eventLoops: loops, workerThreads: 4),
                        router: router)
try server.start()
// Written straight to the descriptor: stdout into a pipe is block-buffered, and whoever waits for this line
// (the tests, bench/run.py) would wait forever.
FileHandle.standardOutput.write(Data("listening on \(server.port)\n".utf8))
let stop = DispatchSemaphore(value: 0)
// Started by a test (BENCH_EXIT_WITH_PARENT=1): exit once the test process is gone (killed by a timeout, say)
// instead of lingering as an orphan.
let parent = getppid()
let orphanWatch = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "orphan-watch"))
if ProcessInfo.processInfo.environment["BENCH_EXIT_WITH_PARENT"] == "1" {
    orphanWatch.schedule(deadline: .now() + 0.5, repeating: 0.5)
    orphanWatch.setEventHandler { if getppid() != parent { stop.signal() } }
    orphanWatch.resume()
}
signal(SIGTERM, SIG_IGN)
let termination = DispatchSource.makeSignalSource(signal: SIGTERM)
termination.setEventHandler { stop.signal() }
termination.resume()
stop.wait()
server.shutdown(graceSeconds: 1)
