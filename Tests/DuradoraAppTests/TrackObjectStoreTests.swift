import DuradoraHTTP
import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// `TrackObjectStore`'s contract, one body run against both stores: a temp folder (`LocalTrackStore`) and a real
/// SeaweedFS per test (`S3TrackStore`, see `TestS3`). Then what only S3 has: refused and unreachable stores, the
/// sweep of unfinished multipart uploads, and `S3ObjectStream` as a response body.
@Suite(.serialized) struct TrackObjectStoreTests {
    enum Backend: String, CaseIterable, Sendable { case local, s3 }

    /// Runs `body` with a store of `backend` (objects under the prefix or folder `tracks`) and a scratch directory
    /// for the files to store; both go afterwards.
    static func withStore(_ backend: Backend, _ body: (any TrackObjectStore, TemporaryDirectory) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        switch backend {
        case .local:
            try body(LocalTrackStore(root: directory.path("tracks")), directory)
        case .s3:
            let s3 = try S3ClientTests.startStore()
            defer { s3.stop() }
            try body(S3TrackStore(client: S3ClientTests.client(s3), prefix: "tracks"), directory)
        }
    }

    /// `count` random bytes in a new file of `directory`.
    static func randomFile(in directory: TemporaryDirectory, count: Int) throws -> (path: String, bytes: [UInt8]) {
        let bytes = Sodium.randomBytes(count: count)
        let path = directory.path("incoming-\(UUID().uuidString).bin")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    static func readAll(_ store: any TrackObjectStore, _ key: TrackObjectKey, _ range: ClosedRange<Int64>? = nil) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try store.read(key: key, range: range) { bytes += $0 }
        return bytes
    }

    static func key(_ id: UUID = UUID(), tag: String = StoredAudio.makeFileTag()) -> TrackObjectKey {
        TrackObjectKey(trackID: id, fileTag: tag, fileExtension: "mp3")
    }

    @Test func keyFansOutByIdAndNamesTheFileTag() {
        let id = UUID(uuidString: "ABCDEF01-2345-6789-ABCD-EF0123456789")!
        #expect(Self.key(id, tag: "f00d").path == "ab/cd/abcdef01-2345-6789-abcd-ef0123456789-f00d.mp3")
        #expect(Self.key(id, tag: "f00d").contentType == "audio/mpeg")
    }

    @Test(arguments: Backend.allCases) func storedObjectReadsBackWholeAndInRanges(_ backend: Backend) throws {
        try Self.withStore(backend) { store, directory in
            let id = UUID()
            let first = Self.key(id)
            let (file, bytes) = try Self.randomFile(in: directory, count: 300_001)
            try store.store(file: file, key: first)
            #expect(!FileManager.default.fileExists(atPath: file))
            let info = try #require(try store.info(key: first))
            #expect(info.size == 300_001 && info.eTag.hasPrefix("\""))
            #expect(try Self.readAll(store, first) == bytes)
            // First byte, last byte, a middle stretch, and one across the local store's 256 KiB pieces.
            for range: ClosedRange<Int64> in [0...0, 300_000...300_000, 1000...200_999, 262_100...262_200] {
                #expect(try Self.readAll(store, first, range) == Array(bytes[Int(range.lowerBound)...Int(range.upperBound)]))
            }

            // A replaced file gets a new key; the old one stays readable (a stream in progress) until removed.
            let second = Self.key(id)
            #expect(second.path != first.path)
            let (replacement, newBytes) = try Self.randomFile(in: directory, count: 5000)
            try store.store(file: replacement, key: second)
            #expect(try Self.readAll(store, second) == newBytes)
            #expect(try Self.readAll(store, first) == bytes)
            try store.remove(key: first)
            #expect(try store.info(key: first) == nil)
            let missing = #expect(throws: TrackObjectStoreError.self) { try Self.readAll(store, first) }
            if case .notFound(_)? = missing {} else { Issue.record("reading a removed object threw \(String(describing: missing))") }
            try store.remove(key: first)  // already gone: fine
            #expect(try store.info(key: second)?.size == 5000)
            try store.remove(key: second)
            #expect(try store.info(key: second) == nil)
        }
    }

    /// 40 MiB: three parts on S3 (16 + 16 + 8 MiB); read back in bounded pieces, identical by SHA-256.
    @Test(arguments: Backend.allCases) func largeFileReadsBackIdentical(_ backend: Backend) throws {
        try Self.withStore(backend) { store, directory in
            let key = Self.key()
            let (file, bytes) = try Self.randomFile(in: directory, count: 40 << 20)
            try store.store(file: file, key: key)
            #expect(!FileManager.default.fileExists(atPath: file))
            let info = try #require(try store.info(key: key))
            #expect(info.size == 40 << 20)
            if backend == .s3 { #expect(info.eTag.hasSuffix("-3\""), "a multipart object's ETag names its parts: \(info.eTag)") }

            var hasher = Sodium.SHA256Stream()
            var largestPiece = 0
            try store.read(key: key, range: nil) { piece in
                largestPiece = max(largestPiece, piece.count)
                piece.withUnsafeBytes { hasher.update($0) }
            }
            #expect(hasher.finish() == Sodium.sha256(bytes))
            #expect(largestPiece <= 256 << 10)
            // Across the first part boundary.
            let boundary: ClosedRange<Int64> = (16 << 20) - 100...(16 << 20) + 100
            #expect(try Self.readAll(store, key, boundary) == Array(bytes[Int(boundary.lowerBound)...Int(boundary.upperBound)]))
        }
    }

    @Test(arguments: Backend.allCases) func storeOfAMissingFileLeavesNothing(_ backend: Backend) throws {
        try Self.withStore(backend) { store, directory in
            let key = Self.key()
            #expect(throws: (any Error).self) { try store.store(file: directory.path("never-written.bin"), key: key) }
            let info = try store.info(key: key)
            #expect(info == nil)
        }
    }

    /// Refused (wrong secret) for one PUT and for a multipart upload: no object, no unfinished upload, the local
    /// file gone. A closed port: `Unreachable` at once, not a hang.
    @Test func s3StoreThatFailsLeavesNoObjectAndNoUpload() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let s3 = try S3ClientTests.startStore()
        defer { s3.stop() }
        let good = S3TrackStore(client: S3ClientTests.client(s3), prefix: "tracks")
        let refusing = S3TrackStore(client: S3ClientTests.client(s3, secret: "not-the-secret"), prefix: "tracks")
        for size in [1000, 20 << 20] {
            let key = Self.key()
            let (file, _) = try Self.randomFile(in: directory, count: size)
            let refused = #expect(throws: S3Error.self) { try refusing.store(file: file, key: key) }
            #expect(refused?.status == 403)
            #expect(!FileManager.default.fileExists(atPath: file))
            #expect(try good.info(key: key) == nil)
        }
        #expect(try good.client.listMultipartUploads().isEmpty)

        let closed = S3Endpoint(
            url: "http://127.0.0.1:1", bucket: TestS3.bucket, region: "us-east-1", accessKeyID: TestS3.accessKeyID,
            secretAccessKey: TestS3.secretAccessKey, pathStyle: true)!
        let unreachable = S3TrackStore(client: S3Client(endpoint: closed, timeout: 5), prefix: "tracks")
        let (file, _) = try Self.randomFile(in: directory, count: 20 << 20)
        let started = Date()
        let down = #expect(throws: S3Error.self) { try unreachable.store(file: file, key: Self.key()) }
        #expect(down?.code == "Unreachable" && down?.status == nil)
        // Refused before sending: the store cannot hold anything, so no delete is sent after it.
        #expect(down?.wasNeverSent == true)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test func s3SweepAbortsOnlyStaleUploadsUnderThePrefix() throws {
        let s3 = try S3ClientTests.startStore()
        defer { s3.stop() }
        let client = S3ClientTests.client(s3)
        let store = S3TrackStore(client: client, prefix: "tracks")
        let stale = try client.createMultipartUpload(key: "tracks/ab/cd/crashed.mp3")
        let elsewhere = try client.createMultipartUpload(key: "other/ab/cd/crashed.mp3")
        // S3 dates uploads to the second: the young one starts well over a second after the cutoff.
        let cutoff = Date().addingTimeInterval(0.5)
        Thread.sleep(forTimeInterval: 2.1)
        let young = try client.createMultipartUpload(key: "tracks/ab/cd/in-progress.mp3")
        #expect(try store.sweepStale(olderThan: cutoff) == 1)
        let left = try client.listMultipartUploads()
        #expect(Set(left.map(\.uploadID)) == [elsewhere, young])
        #expect(!left.map(\.uploadID).contains(stale))
    }

    @Test func localSweepRemovesOnlyStaleStagedFiles() throws {
        try Self.withStore(.local) { store, directory in
            let key = Self.key()
            let (file, _) = try Self.randomFile(in: directory, count: 100)
            try store.store(file: file, key: key)
            let stored = directory.path("tracks") + "/" + key.path
            let stale = StagedAudioFile.temporaryPath(for: stored)
            let young = StagedAudioFile.temporaryPath(for: stored)
            for path in [stale, young] { #expect(FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))) }
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: stale)
            #expect(try store.sweepStale(olderThan: Date().addingTimeInterval(-3600)) == 1)
            #expect(!FileManager.default.fileExists(atPath: stale))
            #expect(FileManager.default.fileExists(atPath: young))
            #expect(try store.info(key: key)?.size == 100)
        }
    }

    // MARK: S3ObjectStream

    /// Pulls `stream` the way the response writer does: `next()` only once `isReady` says so (or has woken us).
    static func pull(_ stream: any PacedBodyStream, upTo limit: Int = .max) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let woken = DispatchSemaphore(value: 0)
            guard stream.isReady(orCall: { woken.signal() }) else {
                _ = woken.wait(timeout: .now() + 1)
                continue
            }
            guard let chunk = try stream.next() else { return bytes }
            guard case .bytes(let piece) = chunk else {
                Issue.record("an S3 stream yielded a file region")
                return bytes
            }
            bytes += piece
            if bytes.count >= limit { return bytes }
        }
        Issue.record("the stream did not end in time")
        return bytes
    }

    /// Waits (up to 10 s) until nothing runs on `pool`.
    static func waitUntilIdle(_ pool: WorkerPool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while pool.load > 0, Date() < deadline { usleep(20_000) }
        return pool.load == 0
    }

    @Test func s3ObjectStreamYieldsTheObjectAndRanges() throws {
        try Self.withStore(.s3) { store, directory in
            let store = try #require(store as? S3TrackStore)
            let key = Self.key()
            let (file, bytes) = try Self.randomFile(in: directory, count: (3 << 20) + 17)
            try store.store(file: file, key: key)
            let pool = WorkerPool(threadCount: 2, maxQueued: 4)
            defer { pool.stop() }
            let size = Int64(bytes.count)

            let whole = try S3ObjectStream(store: store, key: key, range: nil, size: size, pool: pool)
            #expect(whole.contentLength == size)
            #expect(try Self.pull(whole) == bytes)
            let ranged = try S3ObjectStream(store: store, key: key, range: 1_000_000...2_500_000, size: size, pool: pool)
            #expect(ranged.contentLength == 1_500_001)
            #expect(try Self.pull(ranged) == Array(bytes[1_000_000...2_500_000]))
            let last = try S3ObjectStream(store: store, key: key, range: (size - 1)...(size - 1), size: size, pool: pool)
            #expect(try Self.pull(last) == [bytes[bytes.count - 1]])
            #expect(Self.waitUntilIdle(pool))
        }
    }

    @Test func droppedS3ObjectStreamFreesItsThread() throws {
        try Self.withStore(.s3) { store, directory in
            let store = try #require(store as? S3TrackStore)
            let key = Self.key()
            let (file, bytes) = try Self.randomFile(in: directory, count: 12 << 20)
            try store.store(file: file, key: key)
            let pool = WorkerPool(threadCount: 1, maxQueued: 1)
            defer { pool.stop() }
            var stream: S3ObjectStream? = try S3ObjectStream(store: store, key: key, range: nil, size: Int64(bytes.count), pool: pool)
            let start = try Self.pull(stream!, upTo: 300_000)
            #expect(start == Array(bytes[..<start.count]))
            // The GET now waits for room in the full buffer, holding the pool's one thread.
            usleep(200_000)
            #expect(pool.load == 1)
            stream = nil
            #expect(Self.waitUntilIdle(pool))
            // The thread is free for the next listener.
            let next = try S3ObjectStream(store: store, key: key, range: 0...9, size: Int64(bytes.count), pool: pool)
            #expect(try Self.pull(next) == Array(bytes[0...9]))
        }
    }

    @Test func s3FailureMidBodyMakesNextThrow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let s3 = try S3ClientTests.startStore()
        defer { s3.stop() }
        let store = S3TrackStore(client: S3ClientTests.client(s3), prefix: "tracks")
        let key = Self.key()
        let (file, bytes) = try Self.randomFile(in: directory, count: 40 << 20)
        try store.store(file: file, key: key)
        let pool = WorkerPool(threadCount: 1, maxQueued: 1)
        defer { pool.stop() }
        let stream = try S3ObjectStream(store: store, key: key, range: nil, size: Int64(bytes.count), pool: pool)
        let start = try Self.pull(stream, upTo: 100_000)
        s3.stop()
        #expect(throws: (any Error).self) { _ = try Self.pull(stream) }
        #expect(start.count < bytes.count)
        #expect(Self.waitUntilIdle(pool))
    }
}
