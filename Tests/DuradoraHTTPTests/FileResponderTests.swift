import Foundation
import Testing
@testable import DuradoraHTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct FileResponderTests {
    /// A temp file holding `count` bytes of a recognisable pattern, opened with `OpenFile`.
    final class Fixture {
        let path: String
        let bytes: [UInt8]
        let file: OpenFile

        init(count: Int) throws {
            bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 256) }
            path = NSTemporaryDirectory() + "duradora-file-\(UUID().uuidString)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            file = try OpenFile(path: path)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        var etag: EntityTag { EntityTag.make(size: file.size, modificationTime: file.modificationTime) }

        func respond(_ method: HTTPMethod = .get, _ headers: [(String, String)] = [], extra: HTTPHeaders = HTTPHeaders()) -> Response {
            FileResponse.make(
                file: file, method: method, requestHeaders: HTTPHeaders(headers.map { (HTTPHeader($0.0), $0.1) }),
                etag: etag, contentType: "audio/mpeg", headers: extra)
        }
    }

    /// Reads a region the way the writer would send it, with pread.
    static func read(_ region: FileRegion) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(region.length))
        var done = 0
        while done < out.count {
            let got = out.withUnsafeMutableBytes { buffer in
                pread(region.file.descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(region.offset) + off_t(done))
            }
            guard got > 0 else { throw FileOpenError(path: "pread", errno: errno) }
            done += got
        }
        return out
    }

    /// The whole body as the client would receive it.
    static func drain(_ body: ResponseBody) throws -> [UInt8] {
        switch body {
        case .empty: return []
        case .bytes(let bytes): return bytes
        case .file(let region): return try read(region)
        case .stream(let stream):
            var out: [UInt8] = []
            while let chunk = try stream.next() {
                switch chunk {
                case .bytes(let bytes): out += bytes
                case .file(let region): out += try read(region)
                }
            }
            return out
        }
    }

    // MARK: 200

    @Test func plainGetReturnsWholeFileWithValidators() throws {
        let fixture = try Fixture(count: 5000)
        let response = fixture.respond(extra: [.cacheControl: "private, max-age=60"])
        #expect(response.status == .ok)
        #expect(response.headers[.acceptRanges] == "bytes")
        #expect(response.headers[.contentType] == "audio/mpeg")
        #expect(response.headers[.etag] == fixture.etag.description)
        #expect(response.headers[.lastModified] == HTTPDate.format(fixture.file.modificationTime))
        #expect(response.headers[.cacheControl] == "private, max-age=60")
        #expect(response.headers[.contentRange] == nil)
        #expect(response.body.contentLength == 5000)
        #expect(try Self.drain(response.body) == fixture.bytes)
    }

    @Test func invalidRangeServesWholeFile() throws {
        let fixture = try Fixture(count: 100)
        let response = fixture.respond(.get, [("Range", "bytes=5-3")])
        #expect(response.status == .ok)
        #expect(try Self.drain(response.body) == fixture.bytes)
    }

    @Test func rangeIsIgnoredForOtherMethods() throws {
        let fixture = try Fixture(count: 100)
        #expect(fixture.respond(.post, [("Range", "bytes=0-1")]).status == .ok)
    }

    // MARK: 206 single

    @Test(arguments: [
        ("bytes=0-1", 0, 1), ("bytes=0-", 0, 99_999), ("bytes=-500", 99_500, 99_999),
        ("bytes=99990-200000", 99_990, 99_999), ("bytes=12345-12345", 12_345, 12_345),
    ])
    func singleRangeReturnsExactBytes(header: String, first: Int, last: Int) throws {
        let fixture = try Fixture(count: 100_000)
        let response = fixture.respond(.get, [("Range", header)])
        #expect(response.status == .partialContent)
        #expect(response.headers[.contentRange] == "bytes \(first)-\(last)/100000")
        #expect(response.headers[.contentType] == "audio/mpeg")
        #expect(response.body.contentLength == Int64(last - first + 1))
        #expect(try Self.drain(response.body) == Array(fixture.bytes[first...last]))
    }

    @Test func headGetsTheSameStatusAndHeadersAsGet() throws {
        let fixture = try Fixture(count: 1000)
        let get = fixture.respond(.get, [("Range", "bytes=0-1")])
        let head = fixture.respond(.head, [("Range", "bytes=0-1")])
        #expect(head.status == .partialContent)
        #expect(head.headers.map { "\($0.name.canonical): \($0.value)" } == get.headers.map { "\($0.name.canonical): \($0.value)" })
        #expect(head.body.contentLength == 2)
    }

    @Test func ifRangeMismatchServesWholeFile() throws {
        let fixture = try Fixture(count: 100)
        let stale = fixture.respond(.get, [("Range", "bytes=0-1"), ("If-Range", "\"old\"")])
        #expect(stale.status == .ok)
        #expect(stale.body.contentLength == 100)
        let fresh = fixture.respond(.get, [("Range", "bytes=0-1"), ("If-Range", fixture.etag.description)])
        #expect(fresh.status == .partialContent)
        #expect(fresh.body.contentLength == 2)
    }

    // MARK: 206 multipart

    struct Part: Equatable {
        var contentType: String
        var contentRange: String
        var body: [UInt8]
    }

    /// Splits a multipart/byteranges body by its boundary, strictly: any stray byte fails the parse.
    static func parseMultipart(_ body: [UInt8], boundary: String) -> [Part]? {
        var parts: [Part] = []
        var rest = body[...]
        func consume(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            guard rest.starts(with: bytes) else { return false }
            rest = rest.dropFirst(bytes.count)
            return true
        }
        guard consume("--\(boundary)\r\n") else { return nil }
        while true {
            var fields: [String: String] = [:]
            while !consume("\r\n") {
                guard let end = rest.firstRange(of: Array("\r\n".utf8)) else { return nil }
                let line = String(decoding: rest[..<end.lowerBound], as: UTF8.self)
                rest = rest[end.upperBound...]
                let pieces = line.split(separator: ":", maxSplits: 1)
                guard pieces.count == 2 else { return nil }
                fields[pieces[0].lowercased()] = pieces[1].trimmingHTTPWhitespace()
            }
            guard let range = fields["content-range"], let type = fields["content-type"] else { return nil }
            let delimiter = Array("\r\n--\(boundary)".utf8)
            guard let end = rest.firstRange(of: delimiter) else { return nil }
            parts.append(Part(contentType: type, contentRange: range, body: Array(rest[..<end.lowerBound])))
            rest = rest[end.upperBound...]
            if consume("--\r\n") { return rest.isEmpty ? parts : nil }
            guard consume("\r\n") else { return nil }
        }
    }

    static func boundary(of response: Response) -> String? {
        guard let type = response.headers[.contentType], type.hasPrefix("multipart/byteranges; boundary=") else { return nil }
        return String(type.dropFirst("multipart/byteranges; boundary=".count))
    }

    @Test func severalRangesMakeMultipartBodyWithExactLength() throws {
        let fixture = try Fixture(count: 10_000)
        let response = fixture.respond(.get, [("Range", "bytes=9000-9099, 0-9, -5, 100-199")])
        #expect(response.status == .partialContent)
        let boundary = try #require(Self.boundary(of: response))
        #expect(response.headers[.contentRange] == nil)
        let body = try Self.drain(response.body)
        #expect(response.body.contentLength == Int64(body.count))
        let parts = try #require(Self.parseMultipart(body, boundary: boundary))
        let expected = [(9000, 9099), (0, 9), (9995, 9999), (100, 199)].map { first, last in
            Part(contentType: "audio/mpeg", contentRange: "bytes \(first)-\(last)/10000", body: Array(fixture.bytes[first...last]))
        }
        #expect(parts == expected)
    }

    @Test func multipartBodyMatchesTheRFCLayoutByteForByte() throws {
        let fixture = try Fixture(count: 1000)
        let response = fixture.respond(.get, [("Range", "bytes=0-1,10-12")])
        let boundary = try #require(Self.boundary(of: response))
        let expected = Array("--\(boundary)\r\nContent-Type: audio/mpeg\r\nContent-Range: bytes 0-1/1000\r\n\r\n".utf8)
            + fixture.bytes[0...1]
            + Array("\r\n--\(boundary)\r\nContent-Type: audio/mpeg\r\nContent-Range: bytes 10-12/1000\r\n\r\n".utf8)
            + fixture.bytes[10...12]
            + Array("\r\n--\(boundary)--\r\n".utf8)
        let body = try Self.drain(response.body)
        #expect(body == expected)
        #expect(response.body.contentLength == Int64(expected.count))
    }

    @Test func overlappingRangesCoalesceIntoSinglePart() throws {
        let fixture = try Fixture(count: 1000)
        let response = fixture.respond(.get, [("Range", "bytes=0-99,50-149,150-199")])
        #expect(response.status == .partialContent)
        #expect(response.headers[.contentRange] == "bytes 0-199/1000")
        #expect(try Self.drain(response.body) == Array(fixture.bytes[0...199]))
    }

    @Test func multipartLargerThanTwiceTheFileServesWholeFile() throws {
        let fixture = try Fixture(count: 50)
        let response = fixture.respond(.get, [("Range", "bytes=0-0,10-10,20-20")])
        #expect(response.status == .ok)
        #expect(try Self.drain(response.body) == fixture.bytes)
    }

    @Test func tooManyRangesServeWholeFile() throws {
        let fixture = try Fixture(count: 100_000)
        let header = "bytes=" + (0..<17).map { "\($0 * 1000)-\($0 * 1000 + 99)" }.joined(separator: ",")
        let response = fixture.respond(.get, [("Range", header)])
        #expect(response.status == .ok)
        #expect(response.body.contentLength == 100_000)
    }

    @Test func boundariesDiffer() {
        #expect(MultipartByteRangesStream.makeBoundary() != MultipartByteRangesStream.makeBoundary())
    }

    // MARK: 304, 412, 416

    @Test func matchingIfNoneMatchGives304WithValidatorsOnly() throws {
        let fixture = try Fixture(count: 100)
        let extra: HTTPHeaders = [.cacheControl: "no-cache", .contentDisposition: "attachment; filename=\"a\""]
        let response = fixture.respond(.get, [("If-None-Match", fixture.etag.description), ("Range", "bytes=0-1")], extra: extra)
        #expect(response.status == .notModified)
        #expect(response.headers[.etag] == fixture.etag.description)
        #expect(response.headers[.lastModified] == HTTPDate.format(fixture.file.modificationTime))
        #expect(response.headers[.cacheControl] == "no-cache")
        #expect(response.headers[.contentDisposition] == nil)
        #expect(response.headers[.contentRange] == nil)
        #expect(response.body.contentLength == 0)
    }

    @Test func ifModifiedSinceAtLastModifiedGives304() throws {
        let fixture = try Fixture(count: 100)
        let response = fixture.respond(.head, [("If-Modified-Since", HTTPDate.format(fixture.file.modificationTime))])
        #expect(response.status == .notModified)
    }

    @Test func failedIfMatchGives412() throws {
        let fixture = try Fixture(count: 100)
        let response = fixture.respond(.get, [("If-Match", "\"nope\"")])
        #expect(response.status == .preconditionFailed)
        #expect(String(decoding: try Self.drain(response.body), as: UTF8.self).contains("\"code\":\"precondition_failed\""))
    }

    @Test func unsatisfiableRangeGives416WithJSONError() throws {
        let fixture = try Fixture(count: 100)
        let response = fixture.respond(.get, [("Range", "bytes=100-")])
        #expect(response.status == .rangeNotSatisfiable)
        #expect(response.headers[.contentRange] == "bytes */100")
        #expect(response.headers[.contentType] == Response.jsonContentType)
        let body = String(decoding: try Self.drain(response.body), as: UTF8.self)
        #expect(body.hasPrefix("{\"error\":{\"code\":\"range_not_satisfiable\",\"message\":"))
        #expect(response.body.contentLength == Int64(body.utf8.count))
    }

    @Test func emptyFileAnswersRangesWith416AndPlainGetWith200() throws {
        let fixture = try Fixture(count: 0)
        let ranged = fixture.respond(.get, [("Range", "bytes=0-")])
        #expect(ranged.status == .rangeNotSatisfiable)
        #expect(ranged.headers[.contentRange] == "bytes */0")
        let plain = fixture.respond()
        #expect(plain.status == .ok)
        #expect(plain.body.contentLength == 0)
    }
}
