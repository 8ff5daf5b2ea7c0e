/// Sends one response: the head built once, then the body pulled piece by piece only when the socket can take
/// more. Bytes go out with `sendmsg` (head and small bodies in one call), file regions with `sendfile` in
/// bounded slices. Not thread-safe: it lives on its connection's queue.
final class ResponseWriter {
    enum Progress {
        case finished
        case wouldBlock
        /// A `PacedBodyStream` has nothing yet; its wake-up calls `pump` again.
        case waitingForBody
    }

    private enum Segment {
        case bytes([UInt8])
        case file(FileRegion)
    }

    private static let sendfileSlice = 1 << 20
    /// A body up to this size leaves in the head's segment: copied behind it (bytes), or joined to it with
    /// MSG_MORE (a file region). Larger ones follow the head in their own segments.
    private static let coalescedBodyLimit = 16 << 10

    /// The head (with a small body copied behind it), apart from `segments`: most responses are this buffer
    /// alone, and an array of segments around it was an allocation and its teardown per request.
    private let head: [UInt8]
    /// Bytes of `head` handed to the socket.
    private var headOffset = 0
    /// What follows the head: a large body, a file region, a stream's chunks.
    private var segments: [Segment] = []
    private var segmentIndex = 0
    private var offsetInSegment = 0
    private var stream: (any BodyStream)?
    private let isChunked: Bool
    let status: HTTPStatus
    let keepAlive: Bool
    /// Body bytes handed to the socket (framing excluded).
    private(set) var bodyBytesSent: Int64 = 0
    /// Resumes `pump` once a paced body has more (set by the connection).
    var wake: (@Sendable () -> Void)?
    private var isWaitingForBody = false
    /// The head's own bytes at the start of `head` (a small body may follow them there).
    private let headLength: Int

    /// - Parameter commonLines: the `Date`, `Server` and `X-Content-Type-Options` lines (`CommonHeadLines`).
    init(response: Response, requestMethod: HTTPMethod, version: HTTPVersion, keepAlive: Bool, requestId: String,
         commonLines: [UInt8]) {
        status = response.status
        let bodyAllowed = response.status.allowsBody
        let sendsBody = bodyAllowed && requestMethod != .head
        var keepAlive = keepAlive
        let length = response.body.contentLength
        var chunked = false
        // A small body is copied behind the head: one buffer, one syscall, one segment on the wire.
        var coalesced: [UInt8]?
        if sendsBody, case .bytes(let body) = response.body, body.count <= Self.coalescedBodyLimit { coalesced = body }
        var framing = ResponseHead.Framing.none
        if bodyAllowed {
            if let length {
                framing = .length(length)
            } else if version == .http1_1 {
                framing = .chunked
                chunked = sendsBody
            } else {
                keepAlive = false  // HTTP/1.0 has no chunked encoding: the close delimits the body
            }
        }
        let persistence: ResponseHead.Persistence = !keepAlive ? .close : version == .http1_0 ? .keepAlive : .implied
        let head = ResponseHead(status: response.status, fields: response.headers, commonLines: commonLines,
                                requestId: requestId, framing: framing, persistence: persistence)
        (self.head, headLength) = head.bytes(followedBy: coalesced)
        isChunked = chunked
        self.keepAlive = keepAlive
        guard sendsBody else { return }
        switch response.body {
        case .empty:
            break
        case .bytes(let body):
            if coalesced == nil && !body.isEmpty { segments.append(.bytes(body)) }
        case .file(let region):
            segments.append(.file(region))
        case .stream(let stream):
            self.stream = stream
        }
    }

    /// Whether the body may have to wait for its producer (`PacedBodyStream`): only then does `wake` matter.
    var mayWaitForBody: Bool { stream is any PacedBodyStream }

    /// Sends as much as the socket takes. Throws when the peer is gone or the body source fails.
    func pump(_ socket: Socket) throws -> Progress {
        isWaitingForBody = false
        while true {
            if headOffset < head.count {
                if try writeBytes(socket) == .wouldBlock { return .wouldBlock }
                continue
            }
            if segmentIndex == segments.count {
                guard try pullNextChunk() else { return isWaitingForBody ? .waitingForBody : .finished }
                continue
            }
            switch segments[segmentIndex] {
            case .bytes:
                let result = try writeBytes(socket)
                if result == .wouldBlock { return .wouldBlock }
            case .file(let region):
                let remaining = region.length - Int64(offsetInSegment)
                if remaining <= 0 {
                    advance()
                    continue
                }
                let result = try socket.sendFile(region.file.descriptor, offset: region.offset + Int64(offsetInSegment),
                                                 count: Int(min(remaining, Int64(Self.sendfileSlice))))
                switch result {
                case .transferred(let count):
                    offsetInSegment += count
                    bodyBytesSent += Int64(count)
                case .wouldBlock:
                    return .wouldBlock
                case .endOfFile:
                    throw SocketError(call: "sendfile (file shorter than announced)", errno: 5)
                }
            }
        }
    }

    /// Writes what is left of the head and the byte segments after it with one `sendmsg`.
    private func writeBytes(_ socket: Socket) throws -> IOResult {
        let headPending = headOffset < head.count
        // Whether the head waits for what follows (MSG_MORE, below) depends on what follows: pull a stream's first
        // chunk before the head goes. Only then: a slow reader must not make us pull ahead on every write.
        if stream != nil, headPending, segmentIndex == segments.count { _ = try pullNextChunk() }
        if segmentIndex == segments.count || !headPending && segmentIndex + 1 == segments.count, stream == nil,
           case let (bytes, offset) = headPending ? (head, headOffset) : segmentBytes(segmentIndex) {
            // The usual case, a head with its small body and nothing after: one buffer, no vector to build.
            let result = try bytes.withUnsafeBytes { raw in
                try socket.write(UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            if case .transferred(let count) = result { consumeBytes(count) }
            return result
        }
        var arrays: [[UInt8]] = headPending ? [head] : []
        var index = segmentIndex
        while index < segments.count, arrays.count < 8, case .bytes(let bytes) = segments[index] {
            arrays.append(bytes)
            index += 1
        }
        let moreFollows = if index < segments.count, case .file(let region) = segments[index] {
            // MSG_MORE joins these bytes to the file's first segment, which pays only for a small region. Ahead of
            // a large one the head is better sent at once: with MSG_MORE the kernel held a short tail segment back
            // with a TCP pacing timer (BBR paces even without the fq qdisc): 0.87 timer interrupts per 64 KiB
            // range request, and 26k -> 30k requests/s once gone. TCP_NODELAY is on, so the head never waits for
            // an ACK.
            region.length <= Int64(Self.coalescedBodyLimit)
        } else {
            index < segments.count || stream != nil
        }
        let result = try withBuffers(arrays, firstOffset: headPending ? headOffset : offsetInSegment) { buffers in
            try socket.write(buffers, moreFollows: moreFollows)
        }
        guard case .transferred(let count) = result else { return result }
        consumeBytes(count)
        return result
    }

    /// Counts `written` bytes of the byte segments as sent and moves past the segments they finish.
    private func consumeBytes(_ written: Int) {
        // Everything but the head's own bytes is body (chunk framing included: close enough for byte counters).
        bodyBytesSent += Int64(written - min(written, max(0, headLength - headOffset)))
        let fromHead = min(written, head.count - headOffset)
        headOffset += fromHead
        var count = written - fromHead
        while count > 0, segmentIndex < segments.count, case .bytes(let bytes) = segments[segmentIndex] {
            let available = bytes.count - offsetInSegment
            if count >= available {
                count -= available
                advance()
            } else {
                offsetInSegment += count
                count = 0
            }
        }
    }

    /// Segment `index`'s bytes and how many of them were sent (it must be a byte segment).
    private func segmentBytes(_ index: Int) -> ([UInt8], Int) {
        guard case .bytes(let bytes) = segments[index] else { preconditionFailure("not a byte segment") }
        return (bytes, offsetInSegment)
    }

    private func advance() {
        segmentIndex += 1
        offsetInSegment = 0
        if segmentIndex == segments.count {
            segments.removeAll(keepingCapacity: true)
            segmentIndex = 0
        }
    }

    /// Asks the body stream for more; false at the end of the body.
    private func pullNextChunk() throws -> Bool {
        guard let stream else { return false }
        if let paced = stream as? any PacedBodyStream, let wake, !paced.isReady(orCall: wake) {
            isWaitingForBody = true
            return false
        }
        guard let chunk = try stream.next() else {
            self.stream = nil
            if isChunked {
                segments.append(.bytes(Array("0\r\n\r\n".utf8)))
                return true
            }
            return false
        }
        guard chunk.count > 0 else { return true }
        let prefix = isChunked ? Array((String(chunk.count, radix: 16) + "\r\n").utf8) : []
        switch chunk {
        case .bytes(let bytes):
            segments.append(.bytes(prefix + bytes + (isChunked ? [13, 10] : [])))
        case .file(let region):
            if isChunked { segments.append(.bytes(prefix)) }
            segments.append(.file(region))
            if isChunked { segments.append(.bytes([13, 10])) }
        }
        return true
    }

    private func withBuffers<R>(_ arrays: [[UInt8]], firstOffset: Int, _ body: ([UnsafeRawBufferPointer]) throws -> R) rethrows -> R {
        func recurse(_ index: Int, _ collected: [UnsafeRawBufferPointer]) throws -> R {
            if index == arrays.count { return try body(collected) }
            return try arrays[index].withUnsafeBytes { raw in
                let slice = index == 0 ? UnsafeRawBufferPointer(rebasing: raw[firstOffset...]) : raw
                return try recurse(index + 1, collected + [slice])
            }
        }
        return try recurse(0, [])
    }
}
