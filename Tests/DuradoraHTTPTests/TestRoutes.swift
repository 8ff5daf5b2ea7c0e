import Foundation
import DuradoraHTTP
import DuradoraTestSupport

/// Routes that exercise the server's mechanics: bodies in and out, files, streams, slow handlers.
enum TestRoutes {
    /// `gate`: `/gate` holds its worker until the test signals the semaphore (no timing guesses); it signals
    /// `entered` first, so a test knows a worker is running it (not merely holding it in the pool's queue).
    static func makeRouter(file: OpenFile? = nil, gate: DispatchSemaphore? = nil, entered: DispatchSemaphore? = nil) -> Router {
        let router = Router()
        if let gate {
            router.get("/gate") { _, _ in
                entered?.signal()
                gate.wait()
                return .text("released")
            }
        }
        router.get("/hello") { _, _ in .text("hello") }
        router.getInline("/ping") { _, context in .text("pong \(context.route)") }
        router.get("/items/{id}") { _, context in .text("item \(context.parameters.require("id"))") }
        router.post("/items/{id}") { _, _ in Response(status: .created) }
        router.post("/echo") { request, _ in
            let body = try request.body.collect(limit: 16 << 20)
            return Response(headers: [.contentType: "application/octet-stream"], body: .bytes(body))
        }
        router.post("/count") { request, _ in
            var total = 0
            while let chunk = try request.body.read() { total += chunk.count }
            return .text("\(total)")
        }
        router.post("/ignore-body") { _, _ in .text("ignored") }
        router.get("/slow") { _, _ in
            Thread.sleep(forTimeInterval: 1)
            return .text("slow done")
        }
        router.get("/stream") { _, _ in
            Response(headers: [.contentType: "text/plain"], body: .stream(CountingStream(chunks: 5)))
        }
        router.get("/stream/broken/{after}") { _, context in
            let after = Int(context.parameters.require("after")) ?? 0
            return Response(headers: [.contentType: "text/plain"], body: .stream(CountingStream(chunks: 5, failingAfter: after)))
        }
        router.get("/query") { request, _ in .text(request.query("name") ?? "-") }
        router.get("/fail") { _, _ in throw CocoaError(.fileNoSuchFile) }
        if let file {
            router.get("/file") { _, _ in
                Response(headers: [.contentType: "application/octet-stream"], body: .file(FileRegion(file: file)))
            }
        }
        return router
    }

    /// Writes `size` bytes of a repeating pattern to a temp file and opens it.
    static func makeFile(size: Int) throws -> (path: String, file: OpenFile) {
        let path = NSTemporaryDirectory() + "duradora-test-\(UUID().uuidString)"
        var bytes = [UInt8](repeating: 0, count: size)
        for index in 0..<size { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 8) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return (path, try OpenFile(path: path))
    }
}

/// Yields `chunks` lines of unknown total length: goes out chunked.
/// With `failingAfter`, throws once that many chunks are out (a source that breaks mid-response).
final class CountingStream: BodyStream, @unchecked Sendable {
    private var remaining: Int
    private var failingAfter: Int?
    init(chunks: Int, failingAfter: Int? = nil) {
        remaining = chunks
        self.failingAfter = failingAfter
    }
    var contentLength: Int64? { nil }
    func next() throws -> BodyChunk? {
        if let failingAfter {
            guard failingAfter > 0 else { throw CocoaError(.fileReadUnknown) }
            self.failingAfter = failingAfter - 1
        }
        guard remaining > 0 else { return nil }
        remaining -= 1
        return .bytes(Array("line \(remaining)\n".utf8))
    }
}
