import DuradoraHTTP
import Foundation

/// Where an open track's bytes come from.
enum TrackAudioSource: Sendable {
    /// A file on this machine: the uploads folder's, or an imported file where it was found.
    case file(OpenFile)
    case bucket(BucketAudio)
}

/// The stored audio of uploaded tracks: one object per version of a track's file, never changed once stored,
/// named by `TrackObjectKey` (`ab/cd/<id>-<fileTag>.mp3`). A tag edit or a new upload stores a new object, the row
/// then names it, and the old one goes — so a listener mid-stream, on this instance or another, keeps the bytes
/// whose ETag it was given. The objects live in the uploads folder (`LocalTrackStore`, the embedded default) or in
/// an S3 bucket several instances share (`S3TrackStore`).
///
/// Files stored before this layout (`ab/cd/<id>.mp3`, rewritten in place; `TrackFiles`) are still found, and go
/// when their track gets its next version or is deleted.
///
/// Every call blocks (disk, network): a worker's job. A bucket that cannot be reached is the contract's 503.
final class TrackAudioStore: Sendable {
    enum Home: Sendable {
        case folder(LocalTrackStore)
        /// `copies`: where the decoders' local copies go; `readers`: the threads proxying objects to listeners;
        /// `redirectSeconds`: how long the presigned URLs browsers are sent to last (nil: always proxy).
        case bucket(S3TrackStore, copies: TranscodeCache, readers: WorkerPool, redirectSeconds: Int?)
    }

    let home: Home
    /// This instance's working area (received bodies, staged encodes) and the older folder layout.
    let files: TrackFiles
    private let log: AccessLog?

    init(home: Home, files: TrackFiles, log: AccessLog? = nil) {
        self.home = home
        self.files = files
        self.log = log
    }

    /// The bucket, when the audio is in one (covers are shared through it too).
    var bucket: S3TrackStore? {
        guard case .bucket(let store, _, _, _) = home else { return nil }
        return store
    }

    private var objects: any TrackObjectStore {
        switch home {
        case .folder(let store): store
        case .bucket(let store, _, _, _): store
        }
    }

    /// The MP3 of the version `fileTag` of track `id`; nil for a tag that predates keys (older layout only).
    static func audioKey(_ id: UUID, _ fileTag: String) -> TrackObjectKey? {
        TrackObjectKey(trackID: id, storedFileTag: fileTag, fileExtension: "mp3")
    }

    /// The upload as received, kept with `audio.keep_originals` beside the MP3 it became.
    static func originalKey(_ id: UUID, _ fileTag: String) -> TrackObjectKey? {
        TrackObjectKey(trackID: id, storedFileTag: fileTag, fileExtension: "original")
    }

    // MARK: Writing

    /// Stores the finished `file` (moved, not copied, into the folder) as `audio`'s MP3; `file` is gone afterwards.
    func store(_ file: String, as audio: StoredAudio, of id: UUID) throws {
        guard let key = Self.audioKey(id, audio.fileTag) else { preconditionFailure("new versions have plain file tags") }
        try reaching { try objects.store(file: file, key: key) }
    }

    /// Keeps the upload beside `audio`'s MP3; false (and the upload left to its owner) when that failed.
    func storeOriginal(_ file: String, of audio: StoredAudio, of id: UUID) -> Bool {
        guard let key = Self.originalKey(id, audio.fileTag) else { return false }
        do {
            try reaching { try objects.store(file: file, key: key) }
            return true
        } catch {
            log?.log(.warning, "original not kept", [("track_id", id.lowercasedString), ("error", "\(error)")])
            return false
        }
    }

    /// Removes a version whose row never committed. The track's current version, even in the older layout, stays.
    func discard(_ fileTag: String, of id: UUID) {
        for key in [Self.audioKey(id, fileTag), Self.originalKey(id, fileTag)].compactMap({ $0 }) { remove(key) }
    }

    /// Removes a version the row no longer names (replaced, or the track deleted), and the older layout's files,
    /// which are older than any keyed version. Failures are logged, not thrown: the row has moved on already.
    func retire(_ fileTag: String?, of id: UUID) {
        if let fileTag { discard(fileTag, of: id) }
        if case .folder = home { files.removeFiles(of: id) }
    }

    /// Removes every version of a deleted track, and the older layout's files.
    func removeAll(of id: UUID) {
        do {
            try reaching { try objects.removeAll(trackID: id) }
        } catch {
            log?.log(.warning, "stored audio not removed", [("track_id", id.lowercasedString), ("error", "\(error)")])
        }
        if case .folder = home { files.removeFiles(of: id) }
    }

    private func remove(_ key: TrackObjectKey) {
        do {
            try reaching { try objects.remove(key: key) }
        } catch {
            log?.log(.warning, "stored audio not removed", [("key", key.path), ("error", "\(error)")])
        }
    }

    // MARK: Uploads waiting for a background encode

    /// With a bucket: a copy of the upload at `path` kept there (under a fresh tag) until its encode ends, so
    /// another instance can finish it if this one dies; the tag. Nil with a folder: no other instance reaches it.
    func keepUpload(_ path: String, of id: UUID) throws -> String? {
        guard case .bucket(let store, _, _, _) = home else { return nil }
        let tag = StoredAudio.makeFileTag()
        guard let key = TrackObjectKey(trackID: id, storedFileTag: tag, fileExtension: "upload") else { return nil }
        // Storing consumes its file; the upload stays with its caller: store a second name for it.
        let staged = StagedAudioFile.temporaryPath(for: path)
        try BinaryFile.secondName(of: path, at: staged)
        try reaching { try store.store(file: staged, key: key) }
        return tag
    }

    /// The upload kept under `tag`, copied into the working area; its local path.
    func fetchUpload(_ tag: String, of id: UUID) throws -> String {
        guard case .bucket(let store, _, _, _) = home,
              let key = TrackObjectKey(trackID: id, storedFileTag: tag, fileExtension: "upload")
        else { throw TrackObjectStoreError.notFound("upload \(tag) of \(id.lowercasedString)") }
        let path = try files.makeIncomingPath()
        do {
            try reaching { try store.download(key: key, to: path) }
        } catch {
            StagedAudioFile.remove(path)
            throw error
        }
        return path
    }

    func removeUpload(_ tag: String, of id: UUID) {
        if let key = TrackObjectKey(trackID: id, storedFileTag: tag, fileExtension: "upload") { remove(key) }
    }

    // MARK: Reading

    /// The stored audio of `track`'s current version; 404 when it is missing (deleted meanwhile, or lost).
    func open(_ track: Track) throws -> TrackAudioSource {
        guard let audio = track.audio else { throw APIError.notFound("Track") }
        let key = Self.audioKey(track.id, audio.fileTag)
        switch home {
        case .folder(let store):
            for path in [key.map(store.path(of:)), files.audioPath(for: track.id)].compactMap({ $0 }) {
                if let file = try? OpenFile(path: path) { return .file(file) }
            }
            throw APIError.notFound("Track")
        case .bucket(let store, let copies, let readers, let redirectSeconds):
            guard let key, let info = try reaching({ try store.info(key: key) }) else { throw APIError.notFound("Track") }
            return .bucket(BucketAudio(store: store, key: key, info: info, copies: copies, readers: readers,
                                       scratchDirectory: files.incomingDirectory, redirectSeconds: redirectSeconds))
        }
    }

    /// A local path with `track`'s current bytes, for readers of tags and lyrics. Valid while `source` lives.
    func localPath(of source: TrackAudioSource) throws -> String {
        switch source {
        case .file(let file): "/proc/self/fd/\(file.descriptor)"
        case .bucket(let audio): "/proc/self/fd/\(try audio.localFile().descriptor)"
        }
    }

    /// Start-up: removes what a crash left half-written (staged files, unfinished multipart uploads) an hour old or
    /// more — younger ones may be another instance's store in progress.
    func sweepStale(now: Date) -> Int {
        (try? objects.sweepStale(olderThan: now.addingTimeInterval(-3_600))) ?? 0
    }

    // MARK: Errors

    /// Runs `body`; the bucket not answering, or refusing, is the contract's 503 (the object store is down or
    /// misconfigured: nothing the client did), with the store's own words in the log line the router writes.
    @discardableResult
    func reaching<T>(_ body: () throws -> T) throws -> T {
        guard case .bucket(let store, _, _, _) = home else { return try body() }
        return try Self.reaching(store, log: log, body)
    }

    /// A missing object (404) is not an outage: it passes through as the `S3Error` it is. The client is told only
    /// the store's error code; `log` gets its whole account (which host, and why: a name that did not resolve, a
    /// refused connection, a timeout), which is what an operator needs and a client should not see.
    @discardableResult
    static func reaching<T>(_ store: S3TrackStore, log: AccessLog? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as S3Error where !error.isNotFound {
            log?.log(.warning, "audio store not answering", [("error", error.description)])
            throw APIError.unavailable("The audio store is not answering (\(error.code)); try again shortly.", retryAfter: 5)
        }
    }
}
