import Foundation

/// `duradora migrate-data --uploads-to s3://bucket/prefix`: copies the audio of the uploads folder into a bucket,
/// under the names a server with `storage.uploads` set to that URL reads (`TrackObjectKey`). The folder and the
/// database are only read: a run can be stopped and started again (objects already there with the right size are
/// skipped), and the old folder stays the truth until the configuration points at the bucket.
///
/// Every copied object is read back and its SHA-256 compared with the file's, so "copied" means verified.
extension Maintenance {
    public struct UploadsMigration: Sendable, Equatable {
        /// Objects copied and verified now.
        public var copied = 0
        public var copiedBytes: Int64 = 0
        /// Objects already in the bucket with the file's size (an earlier run).
        public var present = 0
        /// Files no track names (left behind by an old crash, or of a deleted track): not copied.
        public var unreferenced: [String] = []
        /// Cover pictures (`covers/ab/<sha256>`) copied now, and found there already.
        public var coversCopied = 0
        public var coversPresent = 0
        /// SHA-256 over the sorted `key digest` lines of every object copied or present: the same folder gives
        /// the same digest, whichever run copied what.
        public var digest = ""

        public var summary: String {
            var lines = [
                "copied \(copied) objects (\(copiedBytes) bytes, each read back and checked), \(present) already there",
                "sha256 of the set: \(digest)",
                "covers: \(coversCopied) copied, \(coversPresent) already there",
            ]
            if !unreferenced.isEmpty {
                lines.append("left out \(unreferenced.count) files no track names: " + unreferenced.prefix(10).joined(separator: ", ")
                             + (unreferenced.count > 10 ? ", …" : ""))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Copies every track file of the configured uploads folder into the bucket `target` names, with the
    /// `[storage.s3]` settings of `configuration`. `progress` hears one line per object.
    public static func migrateUploads(
        configuration: Configuration, to target: String, progress: (String) -> Void = { _ in }
    ) throws -> UploadsMigration {
        var problem = ""
        guard S3UploadsURL.names(target), let bucket = S3UploadsURL(target, problem: &problem) else {
            throw MaintenanceError(message: "--uploads-to: \(problem.isEmpty ? "must be an s3://bucket/prefix URL" : problem)")
        }
        guard configuration.storage.s3Uploads == nil else {
            throw MaintenanceError(message: "storage.uploads already names a bucket; point it at the folder to copy from")
        }
        guard let store = S3TrackStore(uploads: bucket, settings: configuration.storage.s3) else {
            throw MaintenanceError(message: "storage.s3.endpoint must be an http:// or https:// base URL")
        }
        let database = try DatabaseFactory.openAndMigrate(configuration.storage)
        defer { database.close() }
        let root = configuration.storage.uploads
        var result = UploadsMigration()
        var lines: [String] = []
        for (relativePath, key) in try trackFiles(under: root, database: database, unreferenced: &result.unreferenced) {
            let path = root + "/" + relativePath
            let size = try TrackFiles.size(of: path)
            let digest = try S3Client.sha256Hex(file: path, offset: 0, length: nil)
            if let stored = try store.info(key: key), stored.size == size {
                result.present += 1
            } else {
                try copy(path, to: key, in: store)
                guard try readBackDigest(key, from: store) == digest else {
                    throw MaintenanceError(message: "\(store.objectKey(key)) does not read back as \(relativePath) did")
                }
                result.copied += 1
                result.copiedBytes += size
                progress("copied \(relativePath) -> \(store.objectKey(key))")
            }
            lines.append("\(store.objectKey(key)) \(digest)")
        }
        result.digest = Sodium.sha256(Array(lines.sorted().joined(separator: "\n").utf8)).lowercaseHex
        try copyCovers(from: root + "/covers", to: store, into: &result)
        return result
    }

    /// The pictures of `CoverStore`, by content: an object whose size matches is the same picture.
    private static func copyCovers(from root: String, to store: S3TrackStore, into result: inout UploadsMigration) throws {
        for directory in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where directory.count == 2 {
            for hash in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + directory)) ?? []
            where hash.count == 64 && hash.hasPrefix(directory) {
                let path = root + "/" + directory + "/" + hash
                let key = CoverStore.objectKey(hash, in: store)
                let size = try TrackFiles.size(of: path)
                if let stored = try? store.client.headObject(key: key), stored.contentLength == size {
                    result.coversPresent += 1
                } else {
                    try store.client.putObject(key: key, file: path)
                    result.coversCopied += 1
                }
            }
        }
    }

    /// Each track file under `root` with the key it goes under: versioned names keep theirs, the older
    /// `ab/cd/<id>.mp3` / `.original` take their row's file tag. Files no row names go to `unreferenced`.
    private static func trackFiles(
        under root: String, database: any Database, unreferenced: inout [String]
    ) throws -> [(path: String, key: TrackObjectKey)] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [(String, TrackObjectKey)] = []
        while let relativePath = walker.nextObject() as? String {
            let parts = relativePath.split(separator: "/")
            // Only the fanned-out track folders: `incoming/`, `covers/` and temporaries are not track audio.
            guard parts.count == 3, parts[0].count == 2, parts[1].count == 2,
                  !StagedAudioFile.isTemporary(fileName: String(parts[2])),
                  case let name = String(parts[2]), let dot = name.lastIndex(of: "."),
                  case let stem = name[..<dot], case let ext = String(name[name.index(after: dot)...]),
                  let id = UUID.parse(String(stem.prefix(36)))
            else { continue }
            let tag = stem.count > 37 ? String(stem.dropFirst(37)) : nil
            let row = try database.read { try $0.tracks.find(id: id) }
            // The file must be the row's current version (older layout: the row's only one).
            guard let row, row.sourcePath == nil, let fileTag = row.audio?.fileTag, tag == nil || tag == fileTag,
                  let key = TrackObjectKey(trackID: id, storedFileTag: fileTag, fileExtension: ext)
            else {
                unreferenced.append(relativePath)
                continue
            }
            found.append((relativePath, key))
        }
        return found.sorted { $0.0 < $1.0 }
    }

    /// Stores a second name of `path` (storing consumes its file; the folder must keep its own).
    private static func copy(_ path: String, to key: TrackObjectKey, in store: S3TrackStore) throws {
        let staged = StagedAudioFile.temporaryPath(for: path)
        try BinaryFile.secondName(of: path, at: staged)
        try store.store(file: staged, key: key)
    }

    private static func readBackDigest(_ key: TrackObjectKey, from store: S3TrackStore) throws -> String {
        var hasher = Sodium.SHA256Stream()
        try store.read(key: key, range: nil) { piece in piece.withUnsafeBytes { hasher.update($0) } }
        return hasher.finish().lowercaseHex
    }
}
