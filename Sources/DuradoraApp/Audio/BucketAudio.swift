import DuradoraHTTP
import Foundation
import Synchronization

/// One version of a track's audio in the S3 bucket, looked up (size and entity tag known) but not read: what a
/// stream answers from when the audio lives in a bucket. Listeners get the bytes proxied with their `Range`
/// (`S3ObjectStream`); the decoders, which seek all over a file, get a local copy (`localFile()`).
final class BucketAudio: Sendable {
    let store: S3TrackStore
    let key: TrackObjectKey
    let info: TrackObjectInfo
    /// Where local copies go: the transcode cache, under its cap (a copy is a file like a transcode, and just as
    /// cheap to make again).
    let copies: TranscodeCache
    /// The threads that proxy objects to listeners (`S3ObjectStream`).
    let readers: WorkerPool
    /// Where a copy goes when the cache has no room for it: received-body scratch space, unlinked once open.
    let scratchDirectory: String
    /// `storage.s3.redirect`: how long a browser's presigned URL is valid; nil: always proxy.
    let redirectSeconds: Int?
    /// The copy opened for this version, kept while this value lives so a transcode reading it by descriptor
    /// never loses it to an eviction.
    private let opened = Mutex<OpenFile?>(nil)

    init(store: S3TrackStore, key: TrackObjectKey, info: TrackObjectInfo, copies: TranscodeCache, readers: WorkerPool,
         scratchDirectory: String, redirectSeconds: Int?) {
        self.store = store
        self.key = key
        self.info = info
        self.copies = copies
        self.readers = readers
        self.scratchDirectory = scratchDirectory
        self.redirectSeconds = redirectSeconds
    }

    /// The response to a GET or HEAD: validators, Range and 304/412/416 as for a file (`FileResponse`); the body
    /// proxied from the bucket, started only for a GET. 503 when every reader thread is busy.
    ///
    /// With `redirectSeconds` (`storage.s3.redirect`), a browser's GET (it sends `Sec-Fetch-Dest`; players, apps
    /// and scripts do not, and many of them do not follow redirects) is sent to a presigned URL of the object
    /// instead, valid that long: the bytes then flow from the store, not through this server.
    /// `mayRedirect`: false for downloads, which carry their own `Content-Disposition`.
    func response(method: HTTPMethod, requestHeaders: HTTPHeaders, etag: EntityTag, lastModified: Int64,
                  contentType: String, headers: HTTPHeaders, mayRedirect: Bool) throws -> Response {
        if mayRedirect, let redirectSeconds, method == .get, requestHeaders.contains("Sec-Fetch-Dest") {
            var redirect = HTTPHeaders()
            redirect[.location] = store.client.presignedGetURL(key: store.objectKey(key), expires: redirectSeconds)
            // The URL expires: no cache may keep the redirect longer than the request.
            redirect[.cacheControl] = "no-store"
            return Response(status: .found, headers: redirect)
        }
        switch FileResponse.decide(
            length: info.size, lastModified: lastModified, method: method, requestHeaders: requestHeaders, etag: etag,
            contentType: contentType, headers: headers) {
        case .answered(let response):
            return response
        case .send(let status, let headers, let range):
            let count = range.map { $0.upperBound - $0.lowerBound + 1 } ?? info.size
            let body: any BodyStream = method == .head || count == 0
                ? LengthOnlyBody(length: count)
                : try S3ObjectStream(store: store, key: key, range: range, size: info.size, pool: readers)
            return Response(status: status, headers: headers, body: .stream(body))
        }
    }

    /// A local file with this version's bytes: the cached copy, or one downloaded now (blocking: a worker's job).
    func localFile() throws -> OpenFile {
        if let file = opened.withLock({ $0 }) { return file }
        let file = try TrackAudioStore.reaching(store) { try copy() }
        return opened.withLock { opened in
            if let opened { return opened }
            opened = file
            return file
        }
    }

    private var copyName: String { "\(key.fileTag)-stored.mp3" }

    private func copy() throws -> OpenFile {
        if let path = copies.lookup(copyName), let file = try? OpenFile(path: path) { return file }
        guard copies.reserve(info.size) else {
            // No room under the cap: a private copy, gone from the directory as soon as it is open.
            let path = StagedAudioFile.temporaryPath(for: scratchDirectory + "/" + copyName)
            try FileManager.default.createDirectory(atPath: scratchDirectory, withIntermediateDirectories: true)
            defer { StagedAudioFile.remove(path) }
            try store.download(key: key, to: path, size: info.size)
            return try OpenFile(path: path)
        }
        let path = StagedAudioFile.temporaryPath(for: copies.path(for: copyName))
        do {
            try store.download(key: key, to: path, size: info.size)
            try copies.commit(temporaryPath: path, as: copyName, reserved: info.size)
        } catch {
            StagedAudioFile.remove(path)
            copies.release(info.size)
            throw error
        }
        guard let path = copies.lookup(copyName) else { throw TrackObjectStoreError.notFound(key.path) }
        return try OpenFile(path: path)
    }
}
