import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// `S3Client` against a real SeaweedFS started by each test (see `TestS3`): streamed PUT and GET, Range, errors
/// mapped from S3's XML, multipart uploads and the listing the stale-upload cleanup relies on.
@Suite(.serialized) struct S3ClientTests {
    static func client(_ store: TestS3, secret: String = TestS3.secretAccessKey) -> S3Client {
        let endpoint = S3Endpoint(
            url: store.endpoint, bucket: TestS3.bucket, region: "us-east-1", accessKeyID: TestS3.accessKeyID,
            secretAccessKey: secret, pathStyle: true)!
        return S3Client(endpoint: endpoint, timeout: 10)
    }

    /// Up once the bucket answers a signed HEAD.
    static func startStore() throws -> TestS3 {
        try TestS3 { store in (try? client(store).perform("HEAD", key: nil)) != nil }
    }

    /// `count` pseudo-random bytes in a temp file.
    static func randomFile(_ count: Int) throws -> (path: String, bytes: [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s3-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    @Test func putGetRangeHeadDelete() throws {
        let store = try Self.startStore()
        defer { store.stop() }
        let client = Self.client(store)
        let (file, bytes) = try Self.randomFile(300_000)
        defer { try? FileManager.default.removeItem(atPath: file) }
        // A key that needs encoding: spaces, `$`, `+`, non-ASCII, nested "folders".
        let key = "tracks/ab/cd/Süße Lieder $1+2.mp3"
        #expect(try client.putObject(key: key, file: file, contentType: "audio/mpeg") != nil)

        var whole: [UInt8] = []
        var seen: S3Client.ObjectInfo?
        let info = try client.getObject(key: key, onHead: { seen = $0 }) { whole += $0 }
        #expect(whole == bytes)
        #expect(info.status == 200 && seen == info && info.contentLength == 300_000)

        var slice: [UInt8] = []
        let ranged = try client.getObject(key: key, range: "bytes=100000-100999") { slice += $0 }
        #expect(ranged.status == 206)
        #expect(ranged.contentRange == "bytes 100000-100999/300000")
        #expect(slice == Array(bytes[100_000...100_999]))

        let head = try client.headObject(key: key)
        #expect(head.contentLength == 300_000 && head.contentType == "audio/mpeg")

        let missing = #expect(throws: S3Error.self) { try client.getObject(key: "tracks/none.mp3") { _ in } }
        #expect(missing?.status == 404 && missing?.code == "NoSuchKey")
        try client.deleteObject(key: key)
        let gone = #expect(throws: S3Error.self) { try client.headObject(key: key) }
        #expect(gone?.isNotFound == true)
    }

    @Test func wrongSecretAndStoreDown() throws {
        let store = try Self.startStore()
        let (file, _) = try Self.randomFile(1000)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let refused = #expect(throws: S3Error.self) {
            try Self.client(store, secret: "not-the-secret").putObject(key: "x.bin", file: file)
        }
        #expect(refused?.status == 403 && refused?.code == "SignatureDoesNotMatch")
        let nothing = #expect(throws: S3Error.self) { try Self.client(store).headObject(key: "x.bin") }
        #expect(nothing?.status == 404)

        store.stop()
        let started = Date()
        let down = #expect(throws: S3Error.self) { try Self.client(store).headObject(key: "x.bin") }
        #expect(down?.status == nil && down?.code == "Unreachable")
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func multipartCompleteAbortAndCleanupListing() throws {
        let store = try Self.startStore()
        defer { store.stop() }
        let client = Self.client(store)
        let part = 5 << 20  // S3's smallest part but the last
        let (file, bytes) = try Self.randomFile(2 * part + 1234)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let regions: [(Int64, Int64)] = [(0, Int64(part)), (Int64(part), Int64(part)), (Int64(2 * part), 1234)]

        // Three parts, completed: one object, byte-identical.
        let id = try client.createMultipartUpload(key: "up/done.bin")
        var parts: [(number: Int, eTag: String)] = []
        for (index, region) in regions.enumerated() {
            let eTag = try client.uploadPart(key: "up/done.bin", uploadID: id, number: index + 1, file: file, offset: region.0, length: region.1)
            parts.append((index + 1, eTag))
        }
        #expect(try client.listMultipartUploads(prefix: "up/").map(\.uploadID) == [id])
        try client.completeMultipartUpload(key: "up/done.bin", uploadID: id, parts: parts)
        var whole: [UInt8] = []
        try client.getObject(key: "up/done.bin") { whole += $0 }
        #expect(whole.count == bytes.count && whole == bytes)

        // Three parts, aborted: no object and nothing left in the listing.
        let aborted = try client.createMultipartUpload(key: "up/aborted.bin")
        for (index, region) in regions.enumerated() {
            _ = try client.uploadPart(key: "up/aborted.bin", uploadID: aborted, number: index + 1, file: file, offset: region.0, length: region.1)
        }
        try client.abortMultipartUpload(key: "up/aborted.bin", uploadID: aborted)
        #expect(try client.listMultipartUploads(prefix: "up/").isEmpty)
        #expect((#expect(throws: S3Error.self) { try client.headObject(key: "up/aborted.bin") })?.isNotFound == true)

        // Interrupted (a part sent, never completed): invisible as an object, found by the cleanup listing.
        let interrupted = try client.createMultipartUpload(key: "up/crashed.bin")
        _ = try client.uploadPart(key: "up/crashed.bin", uploadID: interrupted, number: 1, file: file, offset: 0, length: Int64(part))
        #expect((#expect(throws: S3Error.self) { try client.headObject(key: "up/crashed.bin") })?.isNotFound == true)
        let stale = try client.listMultipartUploads(prefix: "up/")
        #expect(stale.map(\.key) == ["up/crashed.bin"] && stale.map(\.uploadID) == [interrupted])
        #expect(stale.first?.initiated.isEmpty == false)
        try client.abortMultipartUpload(key: "up/crashed.bin", uploadID: interrupted)
        #expect(try client.listMultipartUploads().isEmpty)

        // Completing an upload that no longer exists is a mapped error, not a success.
        let late = #expect(throws: S3Error.self) { try client.completeMultipartUpload(key: "up/crashed.bin", uploadID: interrupted, parts: parts) }
        #expect(late?.code == "NoSuchUpload")
    }
}
