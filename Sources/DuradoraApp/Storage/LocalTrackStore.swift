import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Track objects as files under `root` (the embedded default: one machine, nothing to run). A stored file appears
/// by `rename(2)` of a complete, fsynced file and an fsync of its directory, so a reader or a crash sees either no
/// file or the whole one, never a part.
struct LocalTrackStore: TrackObjectStore {
    let root: String

    /// Bytes per `pread` in `read`: large enough that a full read costs few syscalls, small enough to stay out of
    /// the way of memory when many streams read at once.
    static let pieceSize = 256 << 10

    init(root: String) {
        self.root = root
    }

    func path(of key: TrackObjectKey) -> String {
        root + "/" + key.path
    }

    func store(file: String, key: TrackObjectKey) throws {
        let destination = path(of: key)
        // Whatever happens below, the caller's file is gone afterwards (renamed into place, or removed).
        defer { StagedAudioFile.remove(file) }
        try FileManager.default.createDirectory(
            atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // The data must be on disk before the name is: a crash right after the rename must not leave an empty file.
        try BinaryFile.openForReading(file).sync()
        do {
            try BinaryFile.rename(file, to: destination)
        } catch AudioError.io(_, _, let code) where code == EXDEV {
            try copyAcrossFileSystems(file, to: destination)
        }
        do {
            try BinaryFile.syncDirectory(containing: destination)
        } catch {
            // The caller takes a throw as "not stored" and will not name this key: do not leave it behind.
            StagedAudioFile.remove(destination)
            throw error
        }
    }

    /// `file` lives on another file system (an incoming directory elsewhere): copied to a staged sibling of
    /// `destination`, fsynced, then renamed — the same all-or-nothing step as the rename.
    private func copyAcrossFileSystems(_ file: String, to destination: String) throws {
        let staged = StagedAudioFile.temporaryPath(for: destination)
        do {
            let output = try BinaryFile.create(staged)
            try output.copyRemainder(of: try BinaryFile.openForReading(file))
            try output.sync()
            output.close()
        } catch {
            StagedAudioFile.remove(staged)
            throw error
        }
        try StagedAudioFile.commit(staged, to: destination)
    }

    func info(key: TrackObjectKey) throws -> TrackObjectInfo? {
        var status = stat()
        guard stat(path(of: key), &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw AudioError.io(operation: "stat", path: path(of: key), code: errno)
        }
        // Objects are never rewritten in place, so size and modification time name the content.
        let nanoseconds = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        return TrackObjectInfo(
            size: Int64(status.st_size), eTag: "\"\(String(status.st_size, radix: 16))-\(String(nanoseconds, radix: 16))\"")
    }

    func read(key: TrackObjectKey, range: ClosedRange<Int64>?, into sink: ([UInt8]) throws -> Void) throws {
        let file: BinaryFile
        do {
            file = try BinaryFile.openForReading(path(of: key))
        } catch AudioError.io(_, _, let code) where code == ENOENT || code == ENOTDIR {
            throw TrackObjectStoreError.notFound(key.path)
        }
        var offset = range?.lowerBound ?? 0
        let end = try range.map { $0.upperBound + 1 } ?? file.size()
        while offset < end {
            let piece = try file.read(at: offset, count: Int(min(Int64(Self.pieceSize), end - offset)))
            guard !piece.isEmpty else { throw TrackObjectStoreError.truncated(key.path) }
            try sink(piece)
            offset += Int64(piece.count)
        }
    }

    func remove(key: TrackObjectKey) throws {
        guard unlink(path(of: key)) == 0 || errno == ENOENT || errno == ENOTDIR else {
            throw AudioError.io(operation: "unlink", path: path(of: key), code: errno)
        }
    }

    func removeAll(trackID: UUID) throws -> Int {
        // `TrackObjectKey.prefix(of:)`, split into its directory and the names' start.
        let directory = root + "/" + TrackFiles.fanOut(of: trackID)
        let namePrefix = trackID.lowercasedString + "-"
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(namePrefix) {
            if unlink(directory + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    /// Staged temporary files (`StagedAudioFile`'s marker) anywhere under `root`, received bodies included, last
    /// modified before `cutoff`: younger ones may be an upload or a store still being written.
    func sweepStale(olderThan cutoff: Date) throws -> Int {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return 0 }
        var removed = 0
        while let relativePath = walker.nextObject() as? String {
            guard StagedAudioFile.isTemporary(fileName: String(relativePath.split(separator: "/").last ?? "")) else { continue }
            let path = root + "/" + relativePath
            var status = stat()
            guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
                Double(status.st_mtim.tv_sec) < cutoff.timeIntervalSince1970, unlink(path) == 0
            else { continue }
            removed += 1
        }
        return removed
    }
}
