import Testing
@testable import DuradoraHTTP

/// One part as the tests see it: the head and all its data joined.
struct ParsedPart: Equatable {
    var head: MultipartPartHead
    var data: [UInt8]
    var name: String { head.name }
}

/// Helpers that build multipart bodies and run a `MultipartParser` over them in chosen piece sizes.
enum MultipartFixtures {
    static let boundary = "----DuradoraBoundary7MA4YWxkTrZu0gW"

    /// `--boundary CRLF headers CRLF CRLF data CRLF` per part, then `--boundary--`, with optional preamble and epilogue.
    static func body(
        boundary: String = boundary, parts: [(headers: [String], data: [UInt8])],
        preamble: String = "", epilogue: String = ""
    ) -> [UInt8] {
        var body = Array(preamble.utf8)
        if !preamble.isEmpty { body += Array("\r\n".utf8) }
        for part in parts {
            body += Array("--\(boundary)\r\n".utf8)
            body += Array(part.headers.map { $0 + "\r\n" }.joined().utf8)
            body += Array("\r\n".utf8)
            body += part.data
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--".utf8)
        body += Array(epilogue.utf8)
        return body
    }

    static func field(_ name: String, _ value: String) -> (headers: [String], data: [UInt8]) {
        (["Content-Disposition: form-data; name=\"\(name)\""], Array(value.utf8))
    }

    static func file(_ name: String, filename: String, type: String, data: [UInt8]) -> (headers: [String], data: [UInt8]) {
        (["Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"", "Content-Type: \(type)"], data)
    }

    /// Feeds `body` in pieces of the given sizes (cycled; the rest in one piece when empty), draining events after
    /// each append, then calls `finish()`. Checks the event grammar and that data chunks are never empty.
    static func parse(
        _ body: [UInt8], boundary: String = boundary, limits: MultipartLimits = MultipartLimits(), pieces: [Int] = []
    ) throws(MultipartError) -> [ParsedPart] {
        var parser = try MultipartParser(boundary: boundary, limits: limits)
        var parts: [ParsedPart] = []
        var isInPart = false
        var sawEnd = false
        var offset = 0
        var pieceIndex = 0
        while offset < body.count {
            let size = pieces.isEmpty ? body.count : max(1, pieces[pieceIndex % pieces.count])
            pieceIndex += 1
            let end = min(body.count, offset + size)
            parser.append(Array(body[offset..<end]))
            offset = end
            while let event = try parser.next() {
                #expect(!sawEnd, "event after .end")
                switch event {
                case .partBegin(let head):
                    #expect(!isInPart, "partBegin inside a part")
                    isInPart = true
                    parts.append(ParsedPart(head: head, data: []))
                case .partData(let data):
                    #expect(isInPart && !data.isEmpty, "partData outside a part or empty")
                    parts[parts.count - 1].data += data
                case .partEnd:
                    #expect(isInPart, "partEnd outside a part")
                    isInPart = false
                case .end:
                    #expect(!isInPart, "end inside a part")
                    sawEnd = true
                }
            }
        }
        try parser.finish()
        #expect(sawEnd == parser.isComplete)
        return parts
    }

    /// The error `parse` throws, or nil when it succeeds.
    static func parseError(
        _ body: [UInt8], boundary: String = boundary, limits: MultipartLimits = MultipartLimits(), pieces: [Int] = []
    ) -> MultipartError? {
        do {
            _ = try parse(body, boundary: boundary, limits: limits, pieces: pieces)
            return nil
        } catch {
            return error
        }
    }

    /// Deterministic piece sizes in 1...maxSize (SplitMix64), so failures reproduce.
    static func randomPieces(count: Int, maxSize: Int, seed: UInt64) -> [Int] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Int(z % UInt64(maxSize)) + 1
        }
    }
}
