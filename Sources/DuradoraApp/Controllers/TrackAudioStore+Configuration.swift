import DuradoraHTTP
import Foundation

extension TrackAudioStore {
    /// Threads proxying objects from the bucket to listeners, each for as long as its listener takes (paced by
    /// the socket): past this many streams at once, and as many waiting, a stream answers 503 instead of queueing.
    static let bucketReaders = 64

    /// How long a presigned URL a browser is redirected to stays valid (`storage.s3.redirect`): long enough for
    /// the seeks of a long track, short enough that a revoked listener's link soon stops working.
    static let redirectSeconds = 3_600

    /// The bucket `storage.uploads` names, reached with `[storage.s3]`; nil for a folder.
    static func bucket(of storage: Configuration.Storage) throws -> S3TrackStore? {
        guard let bucket = storage.s3Uploads else { return nil }
        guard let store = S3TrackStore(uploads: bucket, settings: storage.s3) else {
            throw ConfigurationError(
                source: .combined, key: "storage.s3.endpoint", message: "must be an http:// or https:// base URL")
        }
        return store
    }

    /// The store `storage.uploads` names — a folder, or a bucket with `[storage.s3]` — with this instance's working
    /// area (`storage.localUploads`). `copies` keeps local copies of bucket objects for the decoders.
    static func make(configuration: Configuration, copies: TranscodeCache, log: AccessLog?) throws -> TrackAudioStore {
        let storage = configuration.storage
        let files = TrackFiles(root: storage.localUploads)
        guard let store = try bucket(of: storage) else {
            return TrackAudioStore(home: .folder(LocalTrackStore(root: storage.uploads)), files: files, log: log)
        }
        try FileManager.default.createDirectory(atPath: storage.localUploads, withIntermediateDirectories: true)
        let readers = WorkerPool(threadCount: bucketReaders, maxQueued: bucketReaders)
        return TrackAudioStore(
            home: .bucket(store, copies: copies, readers: readers, redirectSeconds: storage.s3.redirect ? redirectSeconds : nil),
            files: files, log: log)
    }
}
