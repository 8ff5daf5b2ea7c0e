import Foundation

/// Cover pictures on disk, by content: `covers/ab/<sha256>` holds a picture as it was found or uploaded, and
/// `covers/thumbs/<sha256>-<size>.jpg|webp` the square thumbnails made of it on first request. Content addressing
/// makes the same picture of 12 tracks one file, a thumbnail's name its strong ETag, and the cache never stale.
///
/// With the audio in a bucket, every picture is also stored there (`PREFIX/covers/ab/<sha256>`), so an instance
/// that never saw the upload fetches it on first use; thumbnails stay local to each instance.
public struct CoverStore: Sendable {
    public let root: String
    /// The bucket pictures are shared through; nil with a folder (the folder is the only copy).
    let bucket: S3TrackStore?
    /// The largest picture accepted (bytes): covers are hundreds of kilobytes; anything far larger is not one.
    public static let maxPictureBytes = 16 << 20
    /// Thumbnail sizes are clamped to this range (px); without `size`, `defaultSize`.
    public static let sizes = 16...2048
    public static let defaultSize = 512

    public init(root: String) {
        self.init(root: root, bucket: nil)
    }

    init(root: String, bucket: S3TrackStore?) {
        self.root = root
        self.bucket = bucket
    }

    /// The server's store: `covers/` inside the uploads directory (`storage.localUploads`), shared through the
    /// bucket when there is one.
    init(uploads: String, bucket: S3TrackStore? = nil) {
        self.init(root: uploads + "/covers", bucket: bucket)
    }

    /// The object key of picture `hash` in the bucket.
    static func objectKey(_ hash: String, in bucket: S3TrackStore) -> String {
        (bucket.prefix.isEmpty ? "" : bucket.prefix + "/") + "covers/\(hash.prefix(2))/\(hash)"
    }

    /// Stores `bytes` unless stored already; returns its hash. `ImageError.notAnImage` (and nothing left behind)
    /// when libvips cannot read them.
    public func store(_ bytes: [UInt8]) throws -> String {
        let hash = Sodium.sha256(bytes).lowercaseHex
        let path = picturePath(hash)
        if FileManager.default.fileExists(atPath: path) {
            // Stored again: a fresh time keeps `LibraryCoverSweep` off it until the new row names it.
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
            return hash
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let temporary = StagedAudioFile.temporaryPath(for: path)
        defer { StagedAudioFile.remove(temporary) }
        try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        guard VipsImage.isImage(at: temporary) else { throw ImageError.notAnImage("no image loader accepts it") }
        // Into the bucket before the name appears here: a picture found locally is always in the bucket too.
        if let bucket {
            try TrackAudioStore.reaching(bucket) {
                try bucket.client.putObject(key: Self.objectKey(hash, in: bucket), file: temporary)
            }
        }
        try StagedAudioFile.commit(temporary, to: path)
        return hash
    }

    /// Stores the picture file at `path` (a `cover.jpg` beside imported music); nil when it is too large or not
    /// an image.
    func store(fileAt path: String) -> String? {
        guard let size = try? TrackFiles.size(of: path), size <= Self.maxPictureBytes,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? store(Array(data))
    }

    /// Stores the picture embedded in the audio file at `path` (an imported file, or an upload before it is
    /// encoded: `format` nil sniffs it); nil when it carries none, or one that is not an image (nothing is left
    /// behind then). The folder import and the upload path both collect covers here.
    func storeEmbeddedPicture(ofFileAt path: String, format: AudioFormat? = nil) -> String? {
        guard let bytes = (try? EmbeddedPicture.read(fromFileAt: path, format: format)) ?? nil,
              bytes.count <= Self.maxPictureBytes else { return nil }
        return try? store(bytes)
    }

    /// The path of the `size`-pixel square thumbnail of picture `hash`, made now if it is not cached yet.
    public func thumbnail(_ hash: String, size: Int, webP: Bool) throws -> String {
        let path = "\(root)/thumbs/\(hash)-\(size).\(webP ? "webp" : "jpg")"
        if FileManager.default.fileExists(atPath: path) { return path }
        try fetchIfMissing(hash)
        let bytes = try VipsImage(thumbnailOf: picturePath(hash), size: size).encoded(webP: webP)
        try FileManager.default.createDirectory(atPath: "\(root)/thumbs", withIntermediateDirectories: true)
        let temporary = StagedAudioFile.temporaryPath(for: path)
        defer { StagedAudioFile.remove(temporary) }
        try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        try StagedAudioFile.commit(temporary, to: path)
        return path
    }

    /// Another instance's picture: copied from the bucket into `root` (whole, then renamed into place).
    private func fetchIfMissing(_ hash: String) throws {
        let path = picturePath(hash)
        guard let bucket, !FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let temporary = StagedAudioFile.temporaryPath(for: path)
        defer { StagedAudioFile.remove(temporary) }
        let output = try BinaryFile.create(temporary)
        defer { output.close() }
        do {
            try TrackAudioStore.reaching(bucket) {
                try bucket.client.getObject(key: Self.objectKey(hash, in: bucket)) { try output.write($0) }
            }
        } catch let error as S3Error where error.isNotFound {
            return  // no such picture anywhere: the thumbnail fails as it would without a bucket
        }
        try StagedAudioFile.commit(temporary, to: path)
    }

    private func picturePath(_ hash: String) -> String {
        "\(root)/\(hash.prefix(2))/\(hash)"
    }
}
