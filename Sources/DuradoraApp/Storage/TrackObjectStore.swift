import Foundation

/// Where a track's stored bytes live: a folder on this machine (`LocalTrackStore`) or an S3 bucket shared by several
/// instances (`S3TrackStore`). Objects are written once and never changed: a replaced file gets a new key (a new
/// `fileTag`), so a stream in progress keeps reading the bytes it started with until the old key is removed.
///
/// Every operation blocks (disk or network), so it runs on a worker thread, never on a connection's queue.
protocol TrackObjectStore: Sendable {
    /// Stores the finished local `file` under `key` and removes `file`. On failure nothing is left under `key`, and
    /// `file` is removed too (the caller has nothing to clean up either way).
    func store(file: String, key: TrackObjectKey) throws

    /// The object's size and entity tag; nil when there is none under `key`.
    func info(key: TrackObjectKey) throws -> TrackObjectInfo?

    /// Hands the object (or the bytes of `range`, which must lie inside it) to `sink` piece by piece, never the whole
    /// object at once. A missing object throws `TrackObjectStoreError.notFound`; whatever `sink` throws ends the read.
    func read(key: TrackObjectKey, range: ClosedRange<Int64>?, into sink: ([UInt8]) throws -> Void) throws

    /// Removes the object; a key with nothing under it is fine.
    func remove(key: TrackObjectKey) throws

    /// Removes every object of track `trackID`, whatever its version (a deleted track's, including versions an
    /// earlier failure left behind); returns how many.
    @discardableResult
    func removeAll(trackID: UUID) throws -> Int

    /// Removes what a crash left half-written before `cutoff` (staged temporary files, unfinished multipart
    /// uploads) and returns how many. Younger leftovers may belong to a store still in progress, so they stay.
    @discardableResult
    func sweepStale(olderThan cutoff: Date) throws -> Int
}

extension TrackObjectStore {
    /// Writes the object under `key` to a new file at `path`, piece by piece; with `size`, an object that reads
    /// back shorter or longer is `truncated`. The caller removes `path` on failure.
    func download(key: TrackObjectKey, to path: String, size: Int64? = nil) throws {
        let output = try BinaryFile.create(path)
        defer { output.close() }
        var written: Int64 = 0
        try read(key: key, range: nil) { piece in
            try output.write(piece)
            written += Int64(piece.count)
        }
        if let size, written != size { throw TrackObjectStoreError.truncated(key.path) }
    }
}

/// The name of one stored file of a track: `ab/cd/<id>-<fileTag>.<ext>`, fanned out over directories (or key
/// prefixes) by the id's first two pairs of hex digits, as `TrackFiles` does for the older `ab/cd/<id>.mp3` layout.
struct TrackObjectKey: Sendable, Hashable, CustomStringConvertible {
    let trackID: UUID
    /// The file's random tag (`StoredAudio.fileTag`): new for every replacement, so keys are never reused.
    let fileTag: String
    /// Without the dot: `mp3`, `flac` …
    let fileExtension: String

    /// `fileTag` and `fileExtension` end up in a path: only ASCII letters and digits, so neither can add a `/`, a
    /// `..` or a character a key must encode. They come from this program (`StoredAudio.makeFileTag`, `AudioFormat`),
    /// never from a request, so anything else is a programmer error.
    init(trackID: UUID, fileTag: String, fileExtension: String) {
        precondition(Self.isPlain(fileTag) && Self.isPlain(fileExtension), "file tag and extension must be ASCII alphanumerics")
        self.trackID = trackID
        self.fileTag = fileTag
        self.fileExtension = fileExtension
    }

    /// The key of a row's stored file, or nil when its tag is not one this program made (rows written before
    /// file tags were plain hex): such a file has no object of its own and is found by its older path only.
    init?(trackID: UUID, storedFileTag: String, fileExtension: String) {
        guard Self.isPlain(storedFileTag), Self.isPlain(fileExtension) else { return nil }
        self.init(trackID: trackID, fileTag: storedFileTag, fileExtension: fileExtension)
    }

    var path: String {
        Self.prefix(of: trackID) + "\(fileTag).\(fileExtension)"
    }

    /// What every key of track `id` starts with, whatever the version.
    static func prefix(of id: UUID) -> String {
        "\(TrackFiles.fanOut(of: id))/\(id.lowercasedString)-"
    }

    /// The `Content-Type` the object is stored and served with.
    var contentType: String {
        AudioFormat(fileExtension: fileExtension)?.contentType ?? "application/octet-stream"
    }

    var description: String { path }

    private static func isPlain(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0) }
    }
}

/// What a store knows of one object without reading it.
struct TrackObjectInfo: Sendable, Equatable {
    var size: Int64
    /// An HTTP entity tag, quotes included (S3's own, or one made from the local file's size and modification time).
    var eTag: String
}

/// Failures every store reports the same way, so callers map them once (a missing object is a 404).
enum TrackObjectStoreError: Error, Equatable, CustomStringConvertible {
    /// Nothing is stored under the key (its path or object key).
    case notFound(String)
    /// The object is shorter than the range asked for.
    case truncated(String)

    var description: String {
        switch self {
        case .notFound(let key): "no stored object \(key)"
        case .truncated(let key): "the stored object \(key) ended before the range asked for"
        }
    }
}
